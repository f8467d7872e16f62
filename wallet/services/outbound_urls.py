"""Which URLs a unit may make the wallet fetch: public hosts only, so a JWKS URL is no way into our network.

A unit types a URL and the wallet's server fetches it (server-side request forgery if
unchecked). The host is resolved once here and every address it resolves to must be
public: not loopback, private, shared, link-local, multicast, reserved or unspecified,
for IPv4 and IPv6 alike, an IPv4 address carried inside IPv6 (mapped, 6to4, Teredo)
judged as that IPv4 address. IP spellings that ``inet_aton`` accepts (``2130706433``,
``0x7f.1``, ``017700000001``) are read as the addresses they are, not passed to DNS. The
fetch then connects to the address checked here (:mod:`wallet.services.unit_keys` pins
it), so a second DNS answer cannot swap in an internal one.

Plain http is for development and tests only; hosts in ``UNIT_JWKS_ALLOWED_HOSTS`` skip
the address check (the test suite's own JWKS server on 127.0.0.1, a unit on a trusted
private network) and must be named there explicitly.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from wallet.refusals import Refusal

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
MAX_URL_CHARS = 500
NUMERIC_HOST = re.compile(r"(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}", re.I)
HTTP_ENVIRONMENTS = {"development", "test"}
# Special-purpose blocks (IANA registries) that some Python versions' ``is_global`` still lets through.
NOT_PUBLIC = [
    ipaddress.ip_network(n)
    for n in (
        "192.0.0.0/24",
        "198.18.0.0/15",
        "100.64.0.0/10",
        "64:ff9b::/96",
        "64:ff9b:1::/48",
        "2001::/23",
        "2001:db8::/32",
        "fec0::/10",
    )
]


@dataclass(frozen=True)
class Target:
    """A checked URL and the one address the fetch connects to."""

    url: str
    scheme: str
    host: str
    port: int
    address: IPAddress


def resolve(host: str, port: int) -> list[str]:
    """Every address DNS gives for ``host`` (tests replace this to play DNS)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    return [v4 for v4 in found if v4 is not None]


def is_public(address: IPAddress) -> bool:
    """True for an address anyone on the internet reaches; False for anything inside or special."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id or not all(is_public(v4) for v4 in _embedded_ipv4(address)):
            return False
    if any(address in network for network in NOT_PUBLIC if network.version == address.version):
        return False
    return address.is_global and not (
        address.is_multicast
        or address.is_private
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
    )


def _refused(reason: str) -> Refusal:
    """The unit reads the reason after "无法登记：" on its integration page (api_credentials)."""
    return Refusal("url_refused", reason, 422)


def literal_address(host: str) -> IPAddress | None:
    """The address ``host`` spells, in any form a resolver would read as one, or None for a name."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if NUMERIC_HOST.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError as error:
            raise _refused("地址中的主机不是有效的 IP 地址") from error
    return None


def check(url: str, app_env: str, allowed_hosts: frozenset[str]) -> Target:
    """The URL as a :class:`Target` to fetch, or :class:`Refusal`; resolves the host once."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise _refused("JWKS 地址格式不正确") from error
    plain_http_ok = app_env in HTTP_ENVIRONMENTS and parts.scheme == "http"
    if len(url) > MAX_URL_CHARS or not (parts.scheme == "https" or plain_http_ok):
        raise _refused("JWKS 地址须为 https 地址")
    host = (parts.hostname or "").rstrip(".")
    if not host or parts.username is not None or parts.password is not None:
        raise _refused("JWKS 地址须为 https 地址，且不含用户名或密码")
    port = port or (443 if parts.scheme == "https" else 80)
    literal = literal_address(host)
    if literal is not None:
        addresses: list[IPAddress] = [literal]
    else:
        try:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in resolve(host, port)]
        except (OSError, UnicodeError, ValueError) as error:
            raise _refused("无法解析 JWKS 地址中的主机名，请检查地址") from error
    if not addresses:
        raise _refused("无法解析 JWKS 地址中的主机名，请检查地址")
    if host.lower() not in allowed_hosts and not all(is_public(a) for a in addresses):
        raise _refused("JWKS 地址指向内网、本机或保留地址，平台不会访问，请填写公网可访问的地址")
    return Target(url, parts.scheme, host, port, addresses[0])
