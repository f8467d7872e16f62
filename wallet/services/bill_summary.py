"""A resident's bills counted by year, type, province and status, in one grouped read.

The list page shows the totals of the current filter and the filter choices on every
view. Counting 10,000 rows for each view is what made the page slow; these groups are
read once per change of the resident's bills (the caller keys them by the resident's
change sequence) and answer every filter without search text, and the choices, in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from common.regions import PROVINCE_NAMES
from wallet.extensions import db
from wallet.models.bill import Bill
from wallet.services import bill_queries
from wallet.services.bill_queries import STATUS_FILTERS, BillFilter, status_matches


@dataclass(frozen=True)
class Group:
    """The bills of one year, type, province and status; the positive ones also apart, with what is still
    claimable on them ("可报销" counts those and totals what units may still reimburse)."""

    year: int
    type_key: str
    type_name: str
    province: str
    issuance: str
    reimbursement: str
    count: int
    amount: int
    positive_count: int
    claimable_left: int

    def share(self, f: BillFilter) -> tuple[int, int]:
        """Count and amount of this group's bills that ``f`` selects (``f`` without search text)."""
        if (
            (f.year is not None and self.year != f.year)
            or (f.type_key is not None and self.type_key != f.type_key)
            or (f.province is not None and self.province != f.province)
        ):
            return 0, 0
        if status_matches(f.status, self.issuance, self.reimbursement, positive=False):
            return self.count, self.amount
        if status_matches(f.status, self.issuance, self.reimbursement, positive=True):
            return self.positive_count, self.claimable_left
        return 0, 0


@dataclass(frozen=True)
class Summary:
    groups: tuple[Group, ...]

    def totals(self, f: BillFilter) -> tuple[int, int]:
        """Count and amount (fen) of the bills ``f`` selects; search text needs the rows, not groups."""
        if f.q:
            raise ValueError("search text cannot be answered from the summary")
        shares = [g.share(f) for g in self.groups]
        return sum(c for c, _ in shares), sum(a for _, a in shares)

    def facets(self) -> dict[str, list[tuple[str, str]]]:
        """The filter choices that exist among the resident's bills."""
        years = sorted({g.year for g in self.groups}, reverse=True)
        types = sorted({(g.type_key, g.type_name) for g in self.groups}, key=lambda t: (t[1], t[0]))
        provinces = sorted({g.province for g in self.groups})
        return {
            "years": [(str(y), f"{y}年") for y in years],
            "types": list(types),
            "provinces": [(p, PROVINCE_NAMES.get(p, p)) for p in provinces],
            "statuses": list(STATUS_FILTERS.items()),
        }


def read_summary(resident_id: int) -> Summary:
    """One pass over the covering index ``ix_bills_resident_summary``, grouped in its order."""
    keys = (Bill.issue_year, Bill.type_key, Bill.type_name, Bill.province, Bill.issuance, Bill.reimbursement)
    positive = Bill.total > 0
    rows = db.session.execute(
        select(
            *keys,
            func.count(),
            func.coalesce(func.sum(Bill.total), 0),
            func.coalesce(func.sum(case((positive, 1), else_=0)), 0),
            func.coalesce(func.sum(case((positive, bill_queries.claimable_left), else_=0)), 0),
        )
        .where(Bill.resident_id == resident_id)
        .group_by(*keys)
    ).all()
    return Summary(
        tuple(Group(int(y), t, n, p, i, r, int(c), int(a), int(pc), int(pa)) for y, t, n, p, i, r, c, a, pc, pa in rows)
    )
