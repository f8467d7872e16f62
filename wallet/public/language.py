"""``POST /language``: the language switch of 我的 and of the public pages.

One view for both: a signed-in resident's choice is kept on the account (it then outranks the
language of every later 蒙速办 login); a visitor's in the session.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, request

from wallet.auth.views import safe_next
from wallet.extensions import db
from wallet.language import choose, signed_in_resident
from wallet.public import bp


@bp.post("/language")
def choose_language() -> Any:
    if choose(request.form.get("locale", "")) is not None and signed_in_resident() is not None:
        db.session.commit()
    return redirect(safe_next(request.form.get("next")), 303)
