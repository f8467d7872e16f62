"""What of a bill may be claimed at all: what the person bore, not what public insurance already paid.

At a medical settlement the 医保统筹基金 and the other public parts (大病保险, 医疗救助,
公务员医疗补助) pay their share on the spot; a unit reimbursing the same bill again would
pay that share twice. What the person bore is the rest: 个人现金支付 and 个人账户支付, the
latter being the insured person's own money in a personal medical account, so it counts
as theirs (DOMAIN.md). Other bills may be claimed up to their total. Every later claim is
capped by this less every reimbursement already reported. The network enforces it and the
wallet shows it, from the same signed document and this same rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def claimable_total(document: Mapping[str, Any]) -> int:
    """The most all units together may ever reimburse on this bill, in fen."""
    total = int(document["total"])
    medical = document.get("medical")
    if not medical:
        return total
    split = medical["settlement"]
    return total - int(split["fund"]) - int(split["other_insurance"])
