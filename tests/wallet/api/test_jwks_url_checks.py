"""A unit's JWKS URL leads the wallet to public hosts only: every address kind inside a network, every
spelling of one, plain http outside development, redirects, big and slow answers are refused."""

from __future__ import annotations

import ipaddress
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from clients.reference_client import WalletApiClient, new_unit_keys
from tests.wallet.api.jwks_server import JwksServer, jwks_server, started  # noqa: F401  (fixture)
from wallet.extensions import db
from wallet.models import ApiCredential, UnitUser
from wallet.refusals import Refusal
from wallet.services import outbound_urls, unit_keys
from wallet.services.api_credentials import register_unit_keys
from wallet.services.outbound_urls import check

PUBLIC_V4, PUBLIC_V6 = "93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"
INSIDE = [
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.251",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.0.8",
    "198.18.0.1",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "ff0e::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",
    "2002:7f00:1::1",
    "2002:a00:1::1",
    "64:ff9b::a00:1",
    "2001:db8::1",
    "fec0::1",
]
SPELLINGS = [
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0x7f.0.0.1",
    "0x7f.1",
    "017700000001",
    "0177.0.0.1",
    "127.0.0.1.",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[0:0:0:0:0:ffff:a9fe:a9fe]",
    "169.254.169.254",
    "2852039166",
    "0xa9fea9fe",
    "[fe80::1%25eth0]",
    "0",
    "10.1",
    "0x0a.0x01.0x02.0x03",
]
NONE: frozenset[str] = frozenset()


@pytest.fixture
def dns(monkeypatch) -> dict[str, list[str]]:
    """Names the test resolves, and a record that no other name reached the resolver."""
    answers: dict[str, list[str]] = {}

    def resolve(host: str, _port: int) -> list[str]:
        if host not in answers:
            raise OSError(f"no such name {host}")
        return answers[host]

    monkeypatch.setattr(outbound_urls, "resolve", resolve)
    return answers


@pytest.mark.parametrize("address", INSIDE)
def test_a_name_that_resolves_inside_is_refused(dns, address):
    assert not outbound_urls.is_public(ipaddress.ip_address(address))
    dns["keys.unit.example"] = [address]
    with pytest.raises(Refusal, match="内网、本机或保留地址"):
        check("https://keys.unit.example/jwks.json", "production", NONE)


def test_one_inside_address_among_public_ones_is_refused(dns):
    dns["keys.unit.example"] = [PUBLIC_V4, PUBLIC_V6, "10.0.0.7"]
    with pytest.raises(Refusal, match="内网"):
        check("https://keys.unit.example/jwks.json", "production", NONE)


@pytest.mark.parametrize("host", SPELLINGS)
def test_every_spelling_of_an_inside_address_is_read_as_that_address(dns, host):
    with pytest.raises(Refusal, match="内网|IP 地址"):
        check(f"https://{host}/jwks.json", "production", NONE)


def test_a_public_address_passes_and_is_the_one_connected_to(dns, monkeypatch):
    monkeypatch.setattr(unit_keys, "download", lambda _target: pytest.fail("the check fetches nothing"))
    dns["keys.unit.example"] = [PUBLIC_V4, PUBLIC_V6]
    target = check("https://keys.unit.example:8443/.well-known/jwks.json", "production", NONE)
    assert (target.scheme, target.host, target.port, str(target.address)) == (
        "https",
        "keys.unit.example",
        8443,
        PUBLIC_V4,
    )
    dns["v6.unit.example"] = [PUBLIC_V6]
    assert str(check("https://v6.unit.example/jwks.json", "production", NONE).address) == PUBLIC_V6
    assert str(check(f"https://{PUBLIC_V4}/jwks.json", "production", NONE).address) == PUBLIC_V4
    assert str(check(f"https://[{PUBLIC_V6}]/jwks.json", "production", NONE).address) == PUBLIC_V6


@pytest.mark.parametrize(
    ("url", "env", "words"),
    [
        ("http://keys.unit.example/jwks.json", "production", "https"),
        ("ftp://keys.unit.example/jwks.json", "test", "https"),
        ("file:///etc/passwd", "development", "https"),
        ("https://user:secret@keys.unit.example/jwks.json", "production", "用户名或密码"),
        ("https:///jwks.json", "production", "https"),
        ("https://keys.unit.example:99999/jwks.json", "production", "格式不正确"),
        ("https://no-such-name.example/jwks.json", "production", "无法解析"),
        ("https://keys.unit.example/" + "a" * 500, "production", "https"),
    ],
)
def test_urls_of_the_wrong_kind_are_refused(dns, url, env, words):
    dns["keys.unit.example"] = [PUBLIC_V4]
    with pytest.raises(Refusal, match=words):
        check(url, env, NONE)


def test_plain_http_is_for_development_and_tests_only(dns):
    dns["keys.unit.example"] = [PUBLIC_V4]
    for env in ("development", "test"):
        assert check("http://keys.unit.example/jwks.json", env, NONE).port == 80
    with pytest.raises(Refusal, match="https"):
        check("http://keys.unit.example/jwks.json", "production", NONE)


def test_an_allowed_host_is_named_explicitly(dns):
    dns["jwks.internal"] = ["10.0.0.9"]
    with pytest.raises(Refusal):
        check("https://jwks.internal/jwks.json", "production", frozenset({"127.0.0.1"}))
    assert (
        str(check("https://jwks.internal/jwks.json", "production", frozenset({"jwks.internal"})).address) == "10.0.0.9"
    )


def unit_user(api_world) -> UnitUser:
    return db.session.scalars(select(UnitUser).where(UnitUser.id == api_world.insurer.user_id)).one()


def registered_url(wallet_app, api_world) -> str | None:
    with wallet_app.app_context():
        credential = db.session.scalars(select(ApiCredential).where(ApiCredential.unit_id == api_world.insurer.unit_id))
        return credential.one().unit_jwks_url


def test_the_suites_own_server_is_refused_unless_allowed(wallet_app, api_world, jwks_server, monkeypatch):
    _, public = new_unit_keys()
    jwks_server.body = public.encode()
    with wallet_app.app_context():
        with pytest.raises(Refusal, match="内网、本机或保留地址"):
            register_unit_keys(unit_user(api_world), url=jwks_server.url())
        db.session.rollback()
    assert jwks_server.fetches == [] and registered_url(wallet_app, api_world) is None

    monkeypatch.setitem(wallet_app.config, "UNIT_JWKS_ALLOWED_HOSTS", "example.org, 127.0.0.1")
    with wallet_app.app_context():
        register_unit_keys(unit_user(api_world), url=jwks_server.url())
    assert jwks_server.fetches == ["/jwks.json"] and registered_url(wallet_app, api_world) == jwks_server.url()


def registered_by_name(wallet_app, api_world, jwks_server, dns, monkeypatch, public_jwks: str) -> None:
    """Register ``http://jwks.unit.test:<port>/jwks.json``, a name only the test's DNS knows (as 127.0.0.1, allowed)."""
    jwks_server.body = public_jwks.encode()
    dns["jwks.unit.test"] = ["127.0.0.1"]
    monkeypatch.setitem(wallet_app.config, "UNIT_JWKS_ALLOWED_HOSTS", "jwks.unit.test")
    with wallet_app.app_context():
        register_unit_keys(unit_user(api_world), url=jwks_server.url(host="jwks.unit.test"))
        db.session.remove()


def test_the_fetch_goes_to_the_checked_address_not_a_second_lookup(
    wallet_app, api_world, jwks_server, dns, monkeypatch
):
    """Reaching the server by a name no real DNS knows proves the connection goes to the checked address."""
    registered_by_name(wallet_app, api_world, jwks_server, dns, monkeypatch, new_unit_keys()[1])
    assert jwks_server.fetches == ["/jwks.json"]
    assert registered_url(wallet_app, api_world) == jwks_server.url(host="jwks.unit.test")


@pytest.mark.parametrize("problem", ["redirect", "too_big", "too_slow", "past_deadline"])
def test_redirects_big_and_slow_answers_are_refused(wallet_app, api_world, jwks_server, monkeypatch, problem):
    monkeypatch.setitem(wallet_app.config, "UNIT_JWKS_ALLOWED_HOSTS", "127.0.0.1")
    _, public = new_unit_keys()
    jwks_server.body = public.encode()
    if problem == "redirect":
        jwks_server.redirect_to, words = jwks_server.url("/elsewhere.json"), "不跟随跳转"
    elif problem == "too_big":
        jwks_server.body, words = json.dumps({"keys": json.loads(public)["keys"], "pad": "x" * 70000}).encode(), "64 KB"
    elif problem == "too_slow":  # no byte within the timeout of a connect or a read
        monkeypatch.setattr(unit_keys, "FETCH_TIMEOUT", 0.3)
        jwks_server.delay, words = 1.0, "无法从该地址取得"
    else:  # each read in time, the whole answer too late
        monkeypatch.setattr(unit_keys, "FETCH_SECONDS", 0.3)
        jwks_server.delay, words = 0.6, "秒内没有返回"
    with wallet_app.app_context():
        with pytest.raises(Refusal, match=words):
            register_unit_keys(unit_user(api_world), url=jwks_server.url())
        db.session.rollback()
    assert jwks_server.fetches == ["/jwks.json"], "one request, no redirect followed"
    assert registered_url(wallet_app, api_world) is None


def test_a_registered_url_now_pointing_inside_is_not_fetched_and_the_api_answers_4xx(
    system, wallet_app, api_world, jwks_server, dns, monkeypatch
):
    old_private, old_public = new_unit_keys()
    registered_by_name(wallet_app, api_world, jwks_server, dns, monkeypatch, old_public)
    with wallet_app.app_context():
        credential = db.session.scalar(select(ApiCredential).where(ApiCredential.unit_id == api_world.insurer.unit_id))
        credential.unit_keys_at = None
        db.session.commit()
        db.session.remove()
    monkeypatch.setitem(wallet_app.config, "UNIT_JWKS_ALLOWED_HOSTS", "")  # the name now means an inside address
    new_private, new_public = new_unit_keys()
    jwks_server.body = new_public.encode()
    insurer = api_world.insurer
    refused = WalletApiClient(system.url, insurer.app_id, insurer.app_key, new_private).list_authorizations()
    assert (refused.status, refused.code) == (401, "signing_key_unknown")
    assert jwks_server.fetches == ["/jwks.json"], "the refresh did not reach the inside address"
    assert WalletApiClient(system.url, insurer.app_id, insurer.app_key, old_private).list_authorizations().ok


def certificate_for(name: str, folder) -> tuple[str, str]:
    """A self-signed certificate for ``name`` (its own CA), as (certificate file, key file)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / f"{name}.crt", folder / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return str(cert_file), str(key_file)


@pytest.mark.parametrize(("served_as", "registered"), [("jwks.unit.test", True), ("other.unit.test", False)])
def test_https_connects_to_the_checked_address_and_checks_the_certificate_for_the_urls_name(
    wallet_app, api_world, dns, monkeypatch, tmp_path, served_as, registered
):
    tls = certificate_for(served_as, tmp_path)
    monkeypatch.setattr(unit_keys, "CA_BUNDLE", tls[0])
    dns["jwks.unit.test"] = ["127.0.0.1"]
    monkeypatch.setitem(wallet_app.config, "UNIT_JWKS_ALLOWED_HOSTS", "jwks.unit.test")
    for server in started(JwksServer(tls)):
        server.body = new_unit_keys()[1].encode()
        with wallet_app.app_context():
            if registered:
                register_unit_keys(unit_user(api_world), url=server.url(host="jwks.unit.test"))
            else:
                with pytest.raises(Refusal, match="无法从该地址取得"):
                    register_unit_keys(unit_user(api_world), url=server.url(host="jwks.unit.test"))
                db.session.rollback()
        assert server.fetches == (["/jwks.json"] if registered else [])
    assert (registered_url(wallet_app, api_world) is not None) is registered
