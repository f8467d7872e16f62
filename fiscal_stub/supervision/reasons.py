"""What a supervision rule answers when it holds a unit back, and what every rule is given to decide."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from common.database import DbSession
from fiscal_stub.models import IssuingUnit, UnitAccount


@dataclass(frozen=True)
class Reason:
    """Why a unit may not issue (or get numbers), and how the unit lifts it, in Chinese for its administrator."""

    code: str
    message: str
    remedy: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "remedy": self.remedy}


@dataclass(frozen=True)
class UnitContext:
    """One unit at one moment, as every rule sees it (``today`` is the day in Beijing time)."""

    session: DbSession
    unit: IssuingUnit
    account: UnitAccount | None
    now: datetime
    today: date


Rule = Callable[[UnitContext], Reason | None]
