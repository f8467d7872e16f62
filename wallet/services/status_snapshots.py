"""Signed status snapshots: a bill's status as the wallet knew it, provable to a clerk later.

A resident at a counter without signal shows the bill's page from the offline wallet; its QR
code carries a compact JWS (ES256) over the bill's five elements, its status and the time,
signed with the wallet's receipt key (``wallet.services.receipts``: the key the wallet already
publishes in its JWK Set and never rotates away, so a snapshot shown months later still
verifies). Its ``typ`` differs from a receipt's, so neither can pass for the other. The clerk
opens the QR's URL (``/check?snapshot=…``) once online: the page shows what the snapshot says
beside the bill's status on the network now.

The payload is kept short so the QR stays small enough to scan off a phone screen: the five
elements joined as the national platform's ``d`` parameter joins them, the status as the
wallet's chip key, the amount reimbursed in fen, and the signing time in Unix seconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode

from flask import current_app

from common.canonical_json import canonical_json
from common.timeutil import to_local
from common.translatable import lazy_gettext
from wallet import copy
from wallet.api_crypto import jose
from wallet.models.bill import Bill
from wallet.refusals import Refusal
from wallet.scan.five_elements import FiveElements, InvalidFiveElements, parse_five_elements
from wallet.scan.payload import STATUS_PATH
from wallet.services import receipts

TYP = "bill-wallet-snapshot+json"
VERSION = 1
PARAM = "snapshot"
MAX_TEXT = 2048  # a snapshot is ~400 characters; a pasted URL around it stays well under this
# Said on /check only: (HTTP status, message). A refusal is made afresh each time it is raised.
REFUSALS: dict[str, tuple[int, str]] = {
    "snapshot_malformed": (
        400,
        lazy_gettext(
            "快照格式不正确。请扫描票据夹出示的状态快照二维码，或粘贴完整的快照内容（三段，用“.”分隔），不要改动。"
        ),
    ),
    "snapshot_altered": (
        422,
        lazy_gettext(
            "快照无效：内容与签名不符，可能被改动过。请以票据的实时查验结果为准，并请出示人重新打开票据夹中的票据页面。"
        ),
    ),
    "snapshot_forged": (
        422,
        lazy_gettext("快照无效：它不是由票据夹公布的密钥签发的，可能是伪造的。请以票据的实时查验结果为准。"),
    ),
    "snapshot_other": (422, lazy_gettext("这不是票据夹的状态快照，请扫描票据页面上的“状态快照”二维码。")),
}
BY_JOSE_CODE = {
    "jws_invalid": "snapshot_malformed",
    "jws_signature_invalid": "snapshot_altered",
    "jws_key_unknown": "snapshot_forged",
    "jws_alg_unsupported": "snapshot_forged",
    "jws_typ_other": "snapshot_other",
}


def refused(code: str) -> Refusal:
    status, message = REFUSALS[code]
    return Refusal(code, str(message), status)


@dataclass(frozen=True)
class Snapshot:
    """What a snapshot states, and its token (the compact JWS)."""

    elements: FiveElements
    status: str
    reimbursed: int
    signed_at: datetime
    token: str

    @property
    def status_label(self) -> str:
        return str(copy.BILL_CHIPS[self.status][0])

    @property
    def url(self) -> str:
        """The public status page that verifies this snapshot: what its QR code carries."""
        base = current_app.config["WALLET_BASE_URL"].rstrip("/")
        return f"{base}{STATUS_PATH}?{urlencode({PARAM: self.token})}"


def elements_of(bill: Bill) -> FiveElements:
    return FiveElements(
        code=bill.code,
        number=bill.number,
        check=bill.check_code,
        issued_on=to_local(bill.issued_at).date(),
        amount_fen=bill.total,
    )


def _joined(elements: FiveElements) -> str:
    return "_".join((elements.code, elements.number, elements.check, elements.amount_text, elements.date_text))


def statement(bill: Bill, status: str) -> tuple[str, str, int]:
    """What a snapshot of ``bill`` at ``status`` states, its time aside: two snapshots stating it say the same."""
    return _joined(elements_of(bill)), status, bill.reimbursed_amount


def take(bill: Bill, status: str, now: datetime) -> Snapshot:
    """Sign ``bill``'s status as the wallet shows it (``status``: its chip key) at ``now``."""
    signed_at = now.astimezone(UTC).replace(microsecond=0)
    elements = elements_of(bill)
    joined, status, reimbursed = statement(bill, status)
    payload = {
        "v": VERSION,
        "bill": joined,
        "status": status,
        "reimbursed": reimbursed,
        "at": int(signed_at.timestamp()),
    }
    token = receipts.sign_compact(canonical_json(payload), TYP)
    return Snapshot(elements, status, bill.reimbursed_amount, signed_at, token)


def token_in(text: object) -> str:
    """The token in what a clerk pasted or a QR carried: the token itself, or a URL with ``snapshot=``."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise refused("snapshot_malformed")
    text = "".join(text.split())
    if "=" not in text:  # the token alone: base64url without padding has no "="
        return text
    found = parse_qs(text.partition("?")[2] if "?" in text else text).get(PARAM)
    if not found:
        raise refused("snapshot_malformed")
    return found[0]


def read(text: object) -> Snapshot:
    """The snapshot ``text`` carries once its signature checks out; :class:`Refusal` (4xx) otherwise."""
    token = token_in(text)
    try:
        payload = receipts.verified_payload(token, TYP)
    except jose.JoseError as error:
        raise refused(BY_JOSE_CODE.get(error.code, "snapshot_altered")) from error
    return _statement(payload, token)


def _statement(payload: bytes, token: str) -> Snapshot:
    """The signed payload read strictly: a signed document of another shape is not a snapshot."""
    try:
        document: Any = json.loads(payload)
        if not isinstance(document, dict) or document.get("v") != VERSION or document["status"] not in copy.BILL_CHIPS:
            raise refused("snapshot_other")
        reimbursed, at = document["reimbursed"], document["at"]
        if type(reimbursed) is not int or type(at) is not int:
            raise refused("snapshot_other")
        signed_at = datetime.fromtimestamp(at, UTC)
        code, number, check, amount, day = str(document["bill"]).split("_")
        elements = parse_five_elements(
            {"code": code, "number": number, "check": check, "amount": amount, "date": day},
            today=to_local(signed_at).date(),
        )
    except (ValueError, KeyError, TypeError, OverflowError, InvalidFiveElements) as error:
        raise refused("snapshot_other") from error
    return Snapshot(elements, document["status"], reimbursed, signed_at, token)
