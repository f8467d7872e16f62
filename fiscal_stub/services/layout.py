"""A bill's layout file as served by the API and the console."""
from __future__ import annotations

import json

from fiscal_stub import crypto
from fiscal_stub.layout.pdf import layout_file
from fiscal_stub.models import Bill
from fiscal_stub.reference.provinces import BY_CODE


def layout_pdf(bill: Bill, wallet_base_url: str, forged: bool = False) -> bytes:
    """The PDF with the signed document embedded; ``forged`` embeds a signature nobody published."""
    value = crypto.forged_signature(bill.canonical) if forged else bill.sig_value
    signature = {"alg": bill.sig_alg, "kid": bill.sig_kid, "value": value}
    return layout_file(bill.canonical, signature, json.loads(bill.canonical), wallet_base_url,
                       BY_CODE[bill.province].finance_department)
