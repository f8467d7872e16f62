"""The personal digital account (个人数字账户) of one real-name resident.

A row exists once the resident has read and accepted the account terms (activation creates
it), or as a held account (``held_since`` set): the wallet of a minor child whose guardians
collect and act on their bills (wallet.services.family). A held row has no login of its own —
its ``oidc_sub`` is a marker no provider issues, sessions never load it, and its terms are not
accepted — until the person activates their own wallet, which adopts the row by ID number and
clears the mark. Name and ID number are stored sealed (AES-GCM) and found by keyed hash; pages
use the masked forms.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.columns import UTCDateTime
from common.timeutil import to_local, utcnow
from wallet.extensions import Model, db
from wallet.identity import mask_id_number, mask_name, unseal
from wallet.models.collection import SyncState

NAME_PURPOSE = "resident.name"
ID_NUMBER_PURPOSE = "resident.id_number"
# The ``oidc_sub`` of a held account: no provider subject starts so (see is_tombstone for closed ones).
HELD_PREFIX = "held:"


class Resident(Model):
    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    oidc_sub: Mapped[str] = mapped_column(String(128), unique=True)
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    terms_version: Mapped[str] = mapped_column(String(16))
    terms_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    held_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The language of the resident's pages and notices (common.i18n: ``zh_Hans_CN`` or ``mn_Mong_CN``); None
    # is Chinese. Each login sets it from 蒙速办's ``locale`` claim until the resident chooses one on 我的.
    locale: Mapped[str | None] = mapped_column(String(16))
    locale_chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Read-only: loaded with the resident at sign-in time of each request (wallet.auth.sessions).
    sync_state: Mapped[SyncState | None] = relationship(viewonly=True, uselist=False)

    # Flask-Login's user interface; a resident row is always an active, activated account.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    @property
    def is_held(self) -> bool:
        return self.held_since is not None

    def get_id(self) -> str:
        return f"resident:{self.id}"

    def current_sync_state(self) -> SyncState | None:
        """The sync state loaded with the resident, or (if there was none then, or it was expired by a
        commit) read now: looking it up by key in the session costs a page more than the attribute."""
        return self.sync_state or db.session.get(SyncState, self.id)

    @property
    def name(self) -> str:
        return unseal(self.name_enc, NAME_PURPOSE)

    @property
    def id_number(self) -> str:
        return unseal(self.id_number_enc, ID_NUMBER_PURPOSE)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def activated_at_local(self) -> datetime:
        return to_local(self.activated_at)
