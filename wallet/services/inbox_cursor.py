"""Where the next page of the unit inbox starts: the (created_at, id) of the last claim shown.

A keyset cursor rather than a page number, so the 8,000th page costs what the first does; it
travels in the address (``after=20261206T043015123456Z-98765``) and says nothing a clerk could
not see on the page anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from wallet.refusals import Refusal

SHAPE = re.compile(r"^(\d{8}T\d{12})Z-(\d{1,10})$")
STAMP = "%Y%m%dT%H%M%S%f"


@dataclass(frozen=True)
class Cursor:
    created_at: datetime
    id: int

    def __str__(self) -> str:
        return f"{self.created_at.astimezone(UTC).strftime(STAMP)}Z-{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor | None:
        """The cursor in ``text``; None for none; a refusal (400) for anything else."""
        if not text:
            return None
        match = SHAPE.match(text.strip())
        try:
            if match is None:
                raise ValueError(text)
            return cls(datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC), int(match.group(2)))
        except ValueError as exc:
            raise Refusal("filter_invalid", "翻页位置无效，请回到第一页。", 400) from exc
