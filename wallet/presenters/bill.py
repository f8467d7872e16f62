"""What a bill looks like on a page: labels, amounts, timeline — read from the signed document.

Everything that needs the database or a signature check is read when the view is built, so a
template that renders it never queries and never verifies. A page names the parts it shows
(``DETAIL``, ``UNIT_CLAIM``, …); a list card reads only the open authorizations handed in for
the whole page.
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Mapping
from datetime import datetime
from functools import cached_property
from typing import Any

import segno
from flask import current_app
from sqlalchemy import bindparam, select

from common.money import capitals, yuan_display
from common.regions import province_name
from common.timeutil import as_utc, to_local, utcnow
from common.translatable import gettext, lazy_gettext
from wallet import copy, policy
from wallet.extensions import db
from wallet.ledger.entries import reimbursements_in
from wallet.ledger.payments import BillPayments, payments_of
from wallet.models.bill import Bill, BillEvent
from wallet.models.claim import Claim
from wallet.presenters.authorization import AuthorizationView
from wallet.presenters.linked_bill import linked_bill
from wallet.presenters.snapshot import REUSE as SNAPSHOT_REUSE
from wallet.presenters.snapshot import ShownSnapshot, shown_snapshot
from wallet.scan.five_elements import FiveElements
from wallet.scan.payload import build_payload_url
from wallet.services import activity, authorization_queries
from wallet.services.signatures import signature_check

TYPE_ICONS = {
    "medical_outpatient": "诊",
    "medical_inpatient": "院",
    "blood_supply": "血",
    "nontax_general": "缴",
    "court_fee": "诉",
    "exam_fee": "考",
    "fund_settlement": "往",
    "housing_maintenance": "修",
    "donation": "捐",
    "association_dues": "会",
    "mutual_aid": "助",
}
SETTLEMENT_LABELS = (
    ("fund", lazy_gettext("医保统筹基金支付")),
    ("personal_account", lazy_gettext("个人账户支付")),
    ("other_insurance", lazy_gettext("其他医保支付")),
    ("co_pay", lazy_gettext("个人自付")),
    ("self_pay", lazy_gettext("个人自费")),
    ("cash", lazy_gettext("个人现金支付")),
)
# 其他医保支付 in the data standard's named parts, shown under it.
OTHER_PAYMENT_LABELS = (
    ("serious_illness", lazy_gettext("大病保险")),
    ("medical_assistance", lazy_gettext("医疗救助")),
    ("civil_servant", lazy_gettext("公务员医疗补助")),
    ("other", lazy_gettext("其他")),
)


# What a view may read when it is built, beyond the bill's own row; a page asks for what it shows.
DOCUMENT = "document"  # the signed document (a list reads narrow rows without it)
SIGNATURE = "signature"  # the signature check
TIMELINE = "timeline"  # network events and feedback records, and the bill across a red reversal
CHIP = "chip"  # the bill's open authorization, which its chip and what may be done depend on
HOLDERS = "holders"  # every authorization of the bill and who accessed it (implies CHIP)
DETAIL = frozenset({DOCUMENT, SIGNATURE, TIMELINE, CHIP, HOLDERS})
STATUS = frozenset({DOCUMENT, TIMELINE, CHIP})
UNIT_CLAIM = frozenset({DOCUMENT, SIGNATURE})


# Built once: a bill's page and its live part read the bill's network events on every view.
EVENTS_OF_BILL = select(BillEvent).where(BillEvent.bill_id == bindparam("bill_id")).order_by(BillEvent.at, BillEvent.id)


def runs_out_at(auth: Claim) -> list[datetime]:
    """When an authorization changes by the clock alone: an unlocked one runs out, a unit's lock lapses."""
    if auth.state == "authorized":
        return [auth.expires_at]
    if auth.state == "locked" and auth.lock_expires_at is not None:
        return [auth.lock_expires_at]
    return []


class BillView:
    def __init__(self, bill: Bill, holds: Mapping[int, Claim] | None = None, parts: Collection[str] = ()) -> None:
        """``holds``: the open authorizations of the bills on a list page, read for the page at once
        (without it, ``CHIP`` reads only this bill's own, or takes it from ``HOLDERS``). What a page
        does not ask for is not there: a template that reaches for it gets nothing rather than a query."""
        self.bill = bill
        if HOLDERS in parts:
            # Every authorization of this bill, newest first (who it was handed to, and how it ended);
            # its open one, if any, is the chip's.
            claims = authorization_queries.for_bill(bill.resident_id, bill.id)
            self.authorizations = [AuthorizationView(a) for a in claims]
            self.access_events = activity.access_history(bill.resident_id, bill.id, limit=20)
            if holds is None:
                held = next((a for a in claims if a.open_key is not None), None)
                holds = {bill.id: held} if held is not None else {}
        elif holds is None and CHIP in parts:
            holds = authorization_queries.open_by_bill(bill.resident_id, [bill.id])
        if holds is not None:
            held = holds.get(bill.id)
            self.open_authorization = AuthorizationView(held) if held is not None else None
        if DOCUMENT in parts or TIMELINE in parts:
            self.doc: dict[str, Any] = json.loads(bill.canonical)
        if SIGNATURE in parts:
            self.signature = self._signature()
        if TIMELINE in parts:
            self.linked = linked_bill(bill, "original" if self.is_red else "red_bill")
            self.timeline = self._timeline()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.bill, name)

    @cached_property
    def status(self) -> dict[str, Any]:
        """The mirrored status; parsed when read (a list card reads it only for a locked bill)."""
        parsed: dict[str, Any] = json.loads(self.bill.status_json)
        return parsed

    @property
    def writeoff_note(self) -> tuple[str, str] | None:
        """(text, tone) of the issuer's write-off as the network reports it, when it has one."""
        note = copy.WRITEOFF_NOTES.get(self.status.get("writeoff") or "")
        return (str(note[0]), note[1]) if note else None

    @property
    def icon(self) -> str:
        return TYPE_ICONS.get(self.bill.type_key, "票")

    @property
    def province_name(self) -> str:
        return province_name(self.bill.province)

    @property
    def issued_local(self) -> datetime:
        return to_local(self.bill.issued_at)

    @property
    def amount_display(self) -> str:
        return yuan_display(self.bill.total)

    @property
    def amount_capitals(self) -> str:
        return capitals(self.bill.total)

    @property
    def is_red(self) -> bool:
        return self.bill.total < 0  # a red (冲红) bill carries negated amounts

    @property
    def lock_lapsed(self) -> bool:
        if self.bill.reimbursement != "locked":
            return False
        expires = self.status.get("lock_expires_at")
        if not expires:
            return False
        return as_utc(datetime.fromisoformat(expires)) < utcnow()

    @property
    def chip(self) -> tuple[str, str]:
        """(label, tone) of the one status a card shows."""
        label, tone = copy.BILL_CHIPS[self.chip_key]
        return str(label), tone

    @property
    def chip_key(self) -> str:
        b = self.bill
        if self.is_red:
            return "red_bill"
        if b.issuance in ("red_reversed", "exchanged"):
            return b.issuance
        held = self.open_authorization
        if held is not None and held.state == "authorized":
            return "authorized"
        if held is not None and held.lapsed:
            return "lock_lapsed"
        if b.reimbursement == "locked" and not self.lock_lapsed:
            return "locked"
        if b.reimbursement in ("partially_reimbursed", "reimbursed"):
            return b.reimbursement
        return "claimable"

    @cached_property
    def snapshot(self) -> ShownSnapshot:
        """The status this view shows, signed now: what the resident may show a clerk, offline too."""
        return shown_snapshot(self.bill, self.chip_key)

    @property
    def remaining(self) -> int:
        return policy.remaining(self.bill)

    @property
    def claim_split(self) -> list[tuple[str, str, int]]:
        """(key, label, fen): who paid what of this bill, and what is left to claim.

        On a medical bill public insurance paid part at settlement (医保已付); only what
        the person bore (您已支付) may be claimed, less what units already reimbursed.
        A red, red-reversed or exchanged bill may not be claimed at all: nothing is shown.
        """
        if self.is_red or self.bill.issuance != "normal":
            return []
        rows = [
            ("reimbursed", gettext("已报销"), self.bill.reimbursed_amount),
            ("remaining", gettext("仍可报销"), self.remaining),
        ]
        if self.doc.get("medical"):
            rows[:0] = [
                ("insurance", gettext("医保已付"), self.bill.total - self.bill.claimable),
                ("paid", gettext("您已支付"), self.bill.claimable),
            ]
        return rows

    @property
    def payments(self) -> BillPayments | None:
        """Who paid what of this bill — public insurance at settlement, each unit's reported
        reimbursement — and what was left to the person (wallet.ledger.payments). Shown where anyone
        but the person paid; a red or red-reversed bill was paid by nobody."""
        if self.is_red or self.bill.issuance == "red_reversed":
            return None
        paid = payments_of(self.doc, reimbursements_in(self.status))
        return paid if paid.public_at_settlement or paid.reimbursements else None

    @property
    def chip_changes_at(self) -> datetime | None:
        """When the chip will change by the clock alone (an authorization or a lock running out)."""
        now, held = utcnow(), self.open_authorization
        instants = runs_out_at(held.auth) if held is not None else []
        expires = self.status.get("lock_expires_at") if self.bill.reimbursement == "locked" else None
        if expires:
            instants.append(as_utc(datetime.fromisoformat(expires)))
        return min((at for at in instants if at > now), default=None)

    @property
    def page_changes_at(self) -> datetime | None:
        """When the bill's page (a view built with ``DETAIL``) changes by the clock alone: its chip,
        an authorization in its list running out, a unit's operation on one ending (its revoke button
        comes back), or the status snapshot it shows growing too old to show again."""
        now = utcnow()
        instants = [self.snapshot.snapshot.signed_at + SNAPSHOT_REUSE]
        if (chip := self.chip_changes_at) is not None:
            instants.append(chip)
        for view in self.authorizations:
            instants += runs_out_at(view.auth)
            if view.auth.pending_since is not None:
                instants.append(view.auth.pending_since + policy.PENDING_TTL)
        return min((at for at in instants if at > now), default=None)

    @property
    def can_authorize(self) -> bool:
        held = self.open_authorization
        return bool(
            policy.decide(
                policy.ResidentActor(self.bill.resident_id),
                "authorize",
                bill=self.bill,
                open_authorization=held.auth if held else None,
            )
        )

    @property
    def settlement(self) -> list[tuple[str, str]]:
        medical = self.doc.get("medical") or {}
        split = medical.get("settlement") or {}
        parts = medical.get("other_payments") or {}
        rows = []
        for key, label in SETTLEMENT_LABELS:
            if key in split:
                rows.append((str(label), yuan_display(split[key])))
            if key == "other_insurance":
                rows += [
                    (gettext("其中%(part)s", part=part), yuan_display(parts[name]))
                    for name, part in OTHER_PAYMENT_LABELS
                    if parts.get(name)
                ]
        return rows

    @property
    def items(self) -> list[dict[str, Any]]:
        return [
            {
                **item,
                "price_display": yuan_display(item["price"]),
                "amount_display": yuan_display(item["amount"]),
                "self_paid_display": yuan_display(item.get("self_paid") or 0),
            }
            for item in self.doc.get("items", [])
        ]

    @property
    def details(self) -> list[dict[str, Any]]:
        """The inpatient 医疗收费明细 (data standard), amounts formatted as everywhere else."""
        rows = (self.doc.get("medical") or {}).get("details") or []
        return [
            {**row, "price_display": yuan_display(row["price"]), "amount_display": yuan_display(row["amount"])}
            for row in rows
        ]

    def _signature(self) -> dict[str, Any]:
        ok, key = signature_check(
            self.bill.canonical, self.bill.signature_alg, self.bill.signature_kid, self.bill.signature_value
        )
        return {
            "ok": ok,
            "kid": self.bill.signature_kid,
            "alg": self.bill.signature_alg,
            "province": province_name(key.province) if key else gettext("未知"),
        }

    def _timeline(self) -> list[tuple[datetime, str, str]]:
        """(time, what, detail), oldest first: issue, network events, feedback records."""
        entries: list[tuple[datetime, str, str]] = [
            (self.issued_local, str(copy.TIMELINE["issued"]), self.doc["issuer"]["name"])
        ]
        events = db.session.scalars(EVENTS_OF_BILL, {"bill_id": self.bill.id})
        for event in events:
            if event.type == "feedback":
                continue
            detail = json.loads(event.detail_json)
            holder = (detail.get("locked_by") or {}).get("unit_name", "")
            entries.append((to_local(event.at), str(copy.TIMELINE.get(event.type, event.type)), holder))
        paid = 0
        for record in self.status.get("records", []):
            when = to_local(datetime.fromisoformat(record.get("recorded_at") or record["time"]))
            what = copy.timeline_record(record["result"], record["amount"], self.bill.claimable, paid)
            paid += record["amount"] if record["result"] == "reimbursed" else 0
            entries.append((when, what, f"{record['unit_name']} {yuan_display(record['amount'])}"))
        if self.bill.issuance == "red_reversed" and not any(e[1] == copy.TIMELINE["red_reversed"] for e in entries):
            entries.append((to_local(self.bill.updated_at), str(copy.TIMELINE["red_reversed"]), ""))
        return sorted(entries, key=lambda e: e[0])

    @property
    def check_url(self) -> str:
        """The public status URL this bill's QR code carries (the same one the issuer prints)."""
        elements = FiveElements(
            code=self.bill.code,
            number=self.bill.number,
            check=self.bill.check_code,
            issued_on=self.issued_local.date(),
            amount_fen=self.bill.total,
        )
        return build_payload_url(elements, current_app.config["WALLET_BASE_URL"])

    def qr_svg(self) -> str:
        """The QR code as a standalone SVG document.

        It is served as a file for an ``<img>``, which draws an SVG only when it declares
        its namespace; segno's ``svg_inline`` leaves that out (it is meant for embedding).
        """
        out = io.BytesIO()
        segno.make(self.check_url, error="m").save(
            out, kind="svg", xmldecl=False, scale=8, border=2, dark="#000", light="#fff", svgclass=None, lineclass=None
        )
        return out.getvalue().decode()
