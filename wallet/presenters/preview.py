"""Showing a verified bill that is not (yet) stored, with the same labels as a stored one."""

from __future__ import annotations

from types import SimpleNamespace

from wallet.presenters.bill import DOCUMENT, BillView
from wallet.services.verification import VerifiedBill


def preview(bill: VerifiedBill) -> BillView:
    """A :class:`BillView` over the row the bill would be stored as: chips, amounts and fields
    read exactly as on the detail page. Nothing here touches the database (no id, no owner)."""
    row = bill.row(resident_id=0, source="verified")
    # BillView reads a Bill's attributes; a namespace of the row it would store has them all.
    return BillView(SimpleNamespace(**row, id=None), holds={}, parts=(DOCUMENT,))  # type: ignore[arg-type]  # as said
