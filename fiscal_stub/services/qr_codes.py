"""The QR code each province prints on its bills, and reading one back at the network.

Real bills carry the issuing platform's link rather than a wallet's: the national
``…/d?t=&a=&d=<code>_<number>_<check>_<amount>_<date>&s=<MAC>`` form in most provinces,
the same without the amount in some, and the older ``showInvoice`` link in a few
(DOMAIN.md "QR codes on real bills"). The MAC is computed by the issuing platform over
what the link carries, with a key only the network holds, so the network can tell a
code it minted from an edited one; a reader elsewhere can only pass the text on.

Which province prints which form is this simulator's choice (docs/fiscal-api.md): public
samples show the four-part form on Guangdong bills; the others are assigned here.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from common.money import yuan
from fiscal_stub.parsing import parse_yuan

NATIONAL_LINK = "https://www.chinaebill.cn/eips-wxapp-service/d"
H5_LINK = "https://www.chinaebill.cn/H5FinanceDisplay/showInvoice"
WITHOUT_AMOUNT = frozenset({"44", "45", "46"})  # 广东 (seen on real bills), 广西, 海南
OLDER_H5 = frozenset({"35", "52"})  # 福建, 贵州
MAC_HEX_CHARS = 32


@dataclass(frozen=True)
class QrClaim:
    """What a network-minted QR code says of its bill, and whether its MAC holds."""

    code: str
    number: str
    check: str
    date: str | None
    amount_fen: int | None
    mac_ok: bool


def shape_of(province: str) -> str:
    """``national``, ``national_no_amount`` or ``h5``: the form ``province`` prints."""
    if province in OLDER_H5:
        return "h5"
    return "national_no_amount" if province in WITHOUT_AMOUNT else "national"


def mac(secret: str, province: str, message: str) -> str:
    """The issuing platform's MAC over ``message``, keyed per province from the network's secret."""
    key = hmac.new(secret.encode(), f"qr-mac:{province}".encode(), hashlib.sha256).digest()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:MAC_HEX_CHARS]


def qr_text(document: dict[str, Any], secret: str) -> str:
    """The QR text printed on ``document``'s layout file, in its province's form."""
    code, number, check = document["code"], document["number"], document["check"]
    province = code[:2]
    day = datetime.fromisoformat(document["issued_at"]).strftime("%Y%m%d")
    if shape_of(province) == "h5":
        ident = f"{code}_{number}_{check}"
        query = {
            "invoice_code": code,
            "invoice_number": number,
            "check_code": check,
            "app_id": f"CZ{province}",
            "security": mac(secret, province, ident),
        }
        return f"{H5_LINK}?{urlencode(query)}"
    parts = (
        [code, number, check]
        + ([] if shape_of(province) == "national_no_amount" else [yuan(document["total"])])
        + [day]
    )
    joined = "_".join(parts)
    kind_type = int(document["type"]["classification"] + document["type"]["kind"])
    query = {"t": kind_type, "a": f"CZ{province}", "d": joined, "s": mac(secret, province, joined)}
    return f"{NATIONAL_LINK}?{urlencode(query)}"


def read_qr(text: str, secret: str) -> QrClaim | None:
    """The bill a network-minted QR text names and whether its MAC holds; None for any other text."""
    try:
        parts = urlsplit(text.strip())
        query = {
            key: values[0] for key, values in parse_qs(parts.query, keep_blank_values=True).items() if len(values) == 1
        }
    except ValueError:
        return None
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if last == "d" and {"d", "s"} <= query.keys():
        return _national(query["d"], query["s"], secret)
    if last == "showInvoice" and {"invoice_code", "invoice_number", "check_code", "security"} <= query.keys():
        code, number, check = query["invoice_code"], query["invoice_number"], query["check_code"]
        ident = f"{code}_{number}_{check}"
        return QrClaim(code, number, check, None, None, _holds(secret, code, ident, query["security"]))
    return None


def _national(joined: str, given_mac: str, secret: str) -> QrClaim | None:
    parts = joined.split("_")
    if len(parts) == 5:
        code, number, check, amount, day = parts
        fen = parse_yuan(amount)
        if fen is None:
            return None
    elif len(parts) == 4:
        (code, number, check, day), fen = parts, None
    else:
        return None
    return QrClaim(code, number, check, day, fen, _holds(secret, code, joined, given_mac))


def _holds(secret: str, code: str, message: str, given: str) -> bool:
    province = code[:2]
    return (
        province.isascii()
        and province.isdigit()
        and given.isascii()
        and hmac.compare_digest(mac(secret, province, message), given.lower())
    )
