"""The unit account application form: every field checked, every problem reported at once."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from common.checksums import credit_code_problem, resident_id_problem
from common.identifiers import fold_or_none
from wallet.models.unit import UNIT_TYPES

PHONE = re.compile(r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,100}\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class UnitApplication:
    name: str
    credit_code: str
    unit_type: str
    address: str
    legal_rep: str
    contact_name: str
    contact_phone: str
    contact_id: str
    email: str

    @classmethod
    def from_form(cls, form: Mapping[str, str]) -> tuple[UnitApplication, dict[str, str]]:
        """The application and a problem message per field (empty when everything is right)."""

        def value(key: str) -> str:
            return " ".join((form.get(key) or "").split())

        def identifier(key: str) -> str:
            """Full-width forms typed by an input method count as ASCII; anything else is left to fail its rule."""
            raw = value(key)
            return (fold_or_none(raw) or raw).upper()

        app = cls(
            name=value("name"),
            credit_code=identifier("credit_code"),
            unit_type=value("unit_type"),
            address=value("address"),
            legal_rep=value("legal_rep"),
            contact_name=value("contact_name"),
            contact_phone=identifier("contact_phone"),
            contact_id=identifier("contact_id"),
            email=value("email"),
        )
        return app, app.problems()

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        lengths = {
            "name": ("单位全称", 2, 100),
            "address": ("单位地址", 4, 200),
            "legal_rep": ("法定代表人", 2, 40),
            "contact_name": ("联系人姓名", 2, 40),
        }
        for key, (label, low, high) in lengths.items():
            if not low <= len(getattr(self, key)) <= high:
                found[key] = f"请填写{label}（{low}–{high} 个字）。"
        code_problem = credit_code_problem(self.credit_code) if self.credit_code else "请填写统一社会信用代码。"
        if code_problem:
            found["credit_code"] = code_problem
        if self.unit_type not in UNIT_TYPES:
            found["unit_type"] = "请选择单位类型。"
        if not PHONE.match(self.contact_phone):
            found["contact_phone"] = "联系电话应为 11 位手机号或带区号的固定电话，如 0471-6601234。"
        id_problem = resident_id_problem(self.contact_id) if self.contact_id else "请填写联系人身份证号码。"
        if id_problem:
            found["contact_id"] = id_problem
        if len(self.email) > 120 or not EMAIL.match(self.email):
            found["email"] = "请填写正确的电子邮箱，账户开通通知将发到这里。"
        return found
