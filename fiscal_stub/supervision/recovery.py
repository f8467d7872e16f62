"""Self-service on the login page, proven by an SMS code to the administrator's phone: a forgotten password."""

from __future__ import annotations

from datetime import datetime

from common.database import DbSession
from fiscal_stub.models import UnitAccount
from fiscal_stub.services.errors import FiscalError
from fiscal_stub.supervision.accounts import password_problem, set_password
from fiscal_stub.supervision.audit import Actor, record
from fiscal_stub.supervision.sms import consume_code


def reset_password(
    session: DbSession, account: UnitAccount, code: str, password: str, again: str, secret: str, now: datetime
) -> None:
    """Set a new password once the SMS code checks; the code is used up with it, in one transaction."""
    problem = password_problem(password, again)
    if problem:
        raise FiscalError(422, "weak_password", problem)
    consume_code(session, account.unit_code, "reset_password", code, secret, now)
    held = session.get(UnitAccount, account.unit_code)
    assert held is not None
    set_password(held, password, now)
    record(session, Actor.unit(account.unit_code), "password.reset", account.unit_code, "短信验证码核验通过", now)
    session.commit()
