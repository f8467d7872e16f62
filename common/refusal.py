"""One way to say no, for every part, page and API of the project.

A service that will not do what it was asked raises :class:`Refusal`; nothing has changed
when it does. The page, the htmx fragment and the API reply are all drawn from the same
four facts, so a person and an integrator read the same words for the same reason.
Messages used in more than one place live in one catalog per part (the wallet's is
``wallet.refusals``), added here with :func:`add_messages` and looked up by
:meth:`Refusal.of`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class Refusal(Exception):
    """Nothing changed; here is why and what to do next.

    ``code`` is the stable word programs branch on; ``message`` is Chinese and says what to
    do next; ``status`` is the HTTP status a page or API answers with; ``fields`` names the
    form or payload field each Chinese message belongs to. ``details`` carry what a caller
    needs to carry on (the elements a QR code did hold, say) and are sent as API data.
    """

    catalog: ClassVar[dict[str, tuple[int, str]]] = {}

    def __init__(
        self, code: str, message: str, status: int = 400, fields: Mapping[str, str] | None = None, **details: Any
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.fields: dict[str, str] = dict(fields or {})
        self.details: dict[str, Any] = details

    @classmethod
    def of(
        cls, code: str, fields: Mapping[str, str] | None = None, *, status: int | None = None, **facts: Any
    ) -> Refusal:
        """The catalog's refusal for ``code``, its message filled in with ``facts``; ``status`` where
        a route answers the same words with another status than the catalog's."""
        usual, entry = cls.catalog[code]
        template = str(entry)  # a translatable entry is said in the request's locale, as a plain str
        return cls(code, template.format(**facts) if facts else template, status or usual, fields)

    def __repr__(self) -> str:
        return f"Refusal({self.code!r}, {self.message!r}, {self.status})"


def add_messages(entries: Mapping[str, tuple[int, str]]) -> None:
    """Add a part's catalog; a code may mean only one thing across the parts of one process."""
    for code, entry in entries.items():
        known = Refusal.catalog.setdefault(code, entry)
        if known != entry:
            raise ValueError(f"refusal code {code!r} is already in the catalog with another message")
