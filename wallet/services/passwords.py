"""The password rule for unit users, one place for the activation page and the change form."""

from __future__ import annotations

import re

from wallet.refusals import Refusal

PASSWORD_MIN = 10
PASSWORD_RULE = f"密码至少 {PASSWORD_MIN} 位，并包含大写字母、小写字母、数字、符号中的至少三类，且不能包含用户名。"


def form_refusal(errors: dict[str, str]) -> Refusal:
    """A user form refused field by field: the page puts each message beside its field."""
    return Refusal("form_invalid", " ".join(errors.values()), 422, errors)


def password_problem(password: str, username: str) -> str | None:
    """Why ``password`` is too weak for ``username``, or None."""
    classes = sum(bool(re.search(p, password)) for p in (r"[A-Z]", r"[a-z]", r"\d", r"[^A-Za-z0-9]"))
    if not PASSWORD_MIN <= len(password) <= 128 or classes < 3:
        return PASSWORD_RULE
    if len(username) >= 3 and username.lower() in password.lower():
        return "密码不能包含用户名，请换一个。"
    return None


def new_password_errors(username: str, new: str, again: str) -> dict[str, str]:
    """The problems of a chosen password and its repetition, by form field."""
    problem = password_problem(new, username)
    if problem:
        return {"new_password": problem}
    if new != again:
        return {"new_password_again": "两次输入的新密码不一致，请重新输入。"}
    return {}
