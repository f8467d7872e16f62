"""Who paid what of one bill: the settlement split at issuance and every reimbursement reported since.

"Left to us" is exact because both halves are records: the split is in the signed document,
and each reimbursement is a unit's report with its amount and voucher. Public insurance's
share at settlement (统筹基金 and the other public parts) is never the person's; the personal
medical account is the person's own money, so it counts as borne, like cash (common.claimable).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from common.claimable import claimable_total


@dataclass(frozen=True)
class Reimbursement:
    """One unit's reported payment on a bill."""

    unit: str
    unit_kind: str
    amount: int
    voucher: str
    at: datetime | None


@dataclass(frozen=True)
class BillPayments:
    total: int
    fund: int  # 医保统筹基金支付
    other_insurance: int  # 其他医保支付: 大病保险, 医疗救助, 公务员医疗补助 …
    personal_account: int  # 个人账户支付
    cash: int  # 个人现金支付
    co_pay: int  # 个人自付: within the catalogue — what the 大病医疗 deduction counts
    self_pay: int  # 个人自费: outside the catalogue
    reimbursements: tuple[Reimbursement, ...]

    @property
    def public_at_settlement(self) -> int:
        return self.fund + self.other_insurance

    @property
    def borne_at_settlement(self) -> int:
        """What the person paid when the bill was issued: the total less the public parts."""
        return self.total - self.public_at_settlement

    @property
    def reimbursed(self) -> int:
        return sum(r.amount for r in self.reimbursements)

    @property
    def left_to_us(self) -> int:
        """What the person finally bore: the total less every payment by anyone else."""
        return max(0, self.borne_at_settlement - self.reimbursed)

    @property
    def overpaid(self) -> int:
        """Reimbursed beyond what the person bore: the network refuses it, so a ledger showing it
        points at a record to check, not at money owed."""
        return max(0, self.reimbursed - self.borne_at_settlement)


def payments_of(document: Mapping[str, Any], reimbursements: Iterable[Reimbursement] = ()) -> BillPayments:
    """The split of a signed document; a bill that is not medical was borne whole at issuance."""
    total = int(document["total"])
    medical = document.get("medical") or {}
    split = medical.get("settlement") or {}
    borne = claimable_total(document)
    return BillPayments(
        total=total,
        fund=int(split.get("fund", 0)),
        other_insurance=int(split.get("other_insurance", 0)),
        personal_account=int(split.get("personal_account", 0)),
        cash=int(split.get("cash", borne if not split else 0)),
        co_pay=int(split.get("co_pay", 0)),
        self_pay=int(split.get("self_pay", 0)),
        reimbursements=tuple(reimbursements),
    )
