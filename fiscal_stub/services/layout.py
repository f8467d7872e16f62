"""A bill's layout file as served by the API and the console."""

from __future__ import annotations

import json

from fiscal_stub import crypto
from fiscal_stub.layout.pdf import layout_file
from fiscal_stub.models import Bill
from fiscal_stub.reference.provinces import BY_CODE
from fiscal_stub.services.qr_codes import qr_text


def layout_pdf(bill: Bill, mac_secret: str, forged: bool = False) -> bytes:
    """The PDF with the signed document embedded; ``forged`` embeds a signature nobody published.

    Its QR code is the issuing province's own link, with a MAC keyed from ``mac_secret``.
    """
    value = crypto.forged_signature(bill.canonical) if forged else bill.sig_value
    signature = {"alg": bill.sig_alg, "kid": bill.sig_kid, "value": value}
    document = json.loads(bill.canonical)
    return layout_file(
        bill.canonical, signature, document, qr_text(document, mac_secret), BY_CODE[bill.province].finance_department
    )
