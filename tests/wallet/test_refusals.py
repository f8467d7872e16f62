"""One way to refuse: every code the wallet looks up has its words, every word is Chinese,
and no module grows its own refusal type again."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from common.refusal import Refusal, add_messages
from wallet.api.replies import STATUS_CODES
from wallet.refusals import CATALOG
from wallet.services.verification import NETWORK_ERRORS, NOT_AUTHENTIC

WALLET = Path(__file__).resolve().parents[2] / "wallet"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Names an integrator types as they are: headers, JOSE parameters and algorithms, formats, paths.
TECHNICAL = sorted(
    [
        "X-App-Id",
        "X-JWS-Signature",
        "X-App-Signature",
        "Idempotency-Key",
        "Content-Type",
        "application/jose",
        "ECDH-ES+A256KW",
        "A256GCM",
        "ES256",
        "P-256",
        "/api/v1/jwks.json",
        "/api/v1/openapi.json",
        "data.errors",
        "JWK Set",
        "JWKS",
        "JWK",
        "JWS",
        "JWE",
        "JOSE",
        "JSON",
        "UTF-8",
        "appId",
        "appKey",
        "appid",
        "kid",
        "htm",
        "htu",
        "iat",
        "nonce",
        "alg",
        "enc",
        "use",
        "cursor",
        "Unix",
        "https",
        "IP",
        "KB",
        "MB",
        "PDF",
        "JPEG",
        "PNG",
        "WebP",
        "HEIC",
    ],
    key=len,
    reverse=True,
)


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(WALLET.rglob("*.py"))]


def _calls(name: str) -> list[tuple[Path, ast.Call]]:
    """Every ``Refusal(...)`` (``name="Refusal"``) or ``Refusal.of(...)`` (``name="Refusal.of"``) in wallet/."""
    found = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == name:
                found.append((path, node))
    return found


def _english_left(message: str) -> list[str]:
    for term in TECHNICAL:
        message = message.replace(term, " ")
    return re.findall(r"[A-Za-z]+", message)


def test_every_code_looked_up_in_the_catalog_has_a_message():
    literal = {
        call.args[0].value for _, call in _calls("Refusal.of") if call.args and isinstance(call.args[0], ast.Constant)
    }
    mapped = set(NETWORK_ERRORS.values()) | NOT_AUTHENTIC | {"network_refused", "mismatch"}
    api = set(STATUS_CODES.values()) | {
        "internal_error",
        "bad_request",
        "jwe_invalid",
        "jwe_alg_unsupported",
        "jwe_key_unknown",
        "signing_key_unknown",
        "signing_alg_unsupported",
    }
    assert len(literal) > 20  # the scan found the calls
    assert sorted((literal | mapped | api) - set(CATALOG)) == []


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_every_catalog_message_is_chinese_and_has_no_english_words(code):
    status, template = CATALOG[code]
    message = (
        Refusal.of(code, limit="5 MB", reopens="2026-03-02").message if "{" in template else Refusal.of(code).message
    )
    assert 400 <= status < 600
    assert CJK.search(message), message
    assert _english_left(message) == [], message
    assert "{" not in message


def test_refusals_written_where_they_are_raised_are_chinese_too():
    texts = []
    for path, call in _calls("Refusal"):
        if len(call.args) < 2:
            continue
        words = call.args[1]
        parts = [words] if isinstance(words, ast.Constant) else getattr(words, "values", [])
        text = "".join(p.value for p in parts if isinstance(p, ast.Constant) and isinstance(p.value, str))
        if text:
            texts.append((path.relative_to(WALLET.parent), text))
    assert len(texts) > 30
    wordy = [(p, t) for p, t in texts if re.search(r"\w", t)]  # f"{DAMAGED}（{…}）" brings only brackets
    assert [(str(p), t) for p, t in wordy if not CJK.search(t) or _english_left(t)] == []


def test_no_module_defines_its_own_refusal_type():
    own = [
        f"{path.relative_to(WALLET.parent)}:{node.lineno} {node.name}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and re.search(r"(Refused|Refusal)$", node.name)
    ]
    assert own == []


def test_a_code_keeps_one_meaning():
    with pytest.raises(ValueError):
        add_messages({"mismatch": (400, "另一种说法。")})
    assert CATALOG["mismatch"] == Refusal.catalog["mismatch"]
