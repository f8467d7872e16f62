"""People known to 蒙速办 after real-name registration, and what each agreed to share with whom."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from common.columns import UTCDateTime
from common.timeutil import utcnow
from identity_stub.extensions import Model


class Person(Model):
    """A real-name registered 蒙速办 user. ``sub`` is stable and reveals nothing about them."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    sub: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    birthdate: Mapped[date] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(1))
    persona_key: Mapped[str | None] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def get_user_id(self) -> int:
        return self.id

    @property
    def masked_name(self) -> str:
        """``王建国`` → ``王*国``, ``陈静`` → ``陈*``."""
        if len(self.name) <= 2:
            return self.name[:1] + "*" * (len(self.name) - 1)
        return self.name[0] + "*" * (len(self.name) - 2) + self.name[-1]

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}"


class LocaleChoice(Model):
    """The language a person last chose on the login page, told to clients as the ``locale`` claim.

    A table of its own, not a column of ``people``: a stub database made before languages
    existed gains it from ``create_all`` without being rebuilt."""

    __tablename__ = "locale_choices"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    locale: Mapped[str] = mapped_column(String(16))
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Consent(Model):
    """A person's agreement to share the listed scopes with one client; asked once, then remembered."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("person_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(48))
    scope: Mapped[str] = mapped_column(Text)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def covers(self, scope: str) -> bool:
        return set(scope.split()) <= set(self.scope.split())
