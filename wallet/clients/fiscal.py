"""HTTP client of the fiscal e-bill network (docs/fiscal-api.md).

The wallet is the Inner Mongolia platform on that network. Everything goes through
this one class so that timeouts, retries (the process's shared session, :mod:`common.http`)
and error mapping are decided once; pointing ``FISCAL_API_URL`` at the real network
needs no other change.
"""

from __future__ import annotations

from typing import Any

import requests
from flask import current_app

from common.http import RETRY_STATUS, session_for


class FiscalError(Exception):
    """The network answered and refused: ``code`` is its stable error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class FiscalUnavailable(Exception):
    """The network could not be reached or failed; the wallet keeps serving cached data."""

    message = "全国财政电子票据网络暂时无法访问，已显示本地缓存的票据，稍后会自动重试。"


class FiscalClient:
    def __init__(
        self, base_url: str, token: str, timeout: float = 10.0, retries: int = 2, backoff: float = 0.2
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.http = session_for("fiscal", retries=retries, backoff=backoff, total_timeout=timeout)
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    @classmethod
    def from_app(cls) -> FiscalClient:
        cfg = current_app.config
        return cls(cfg["FISCAL_API_URL"], cfg["FISCAL_PLATFORM_TOKEN"])

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One call, retried where safe by the session; a 502/503/504 left over means the network is down."""
        try:
            response = self.http.request(
                method, f"{self.base_url}{path}", timeout=self.timeout, headers=self.headers, **kwargs
            )
        except requests.RequestException as exc:
            raise FiscalUnavailable() from exc
        if response.status_code in RETRY_STATUS:
            raise FiscalUnavailable()
        return response

    def call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = self.request(method, path, **kwargs)
        try:
            body = response.json()
        except ValueError as exc:
            raise FiscalUnavailable() from exc
        if response.status_code >= 400 or not body.get("ok", False):
            raise FiscalError(response.status_code, body.get("code", "unknown"), body.get("message", ""))
        return body

    # -- the calls the wallet makes -------------------------------------------------

    def keys(self) -> list[dict[str, Any]]:
        return self.call("GET", "/keys")["keys"]

    def subscribe(self, id_number: str) -> None:
        self.call("POST", "/subscriptions", json={"id_number": id_number})

    def payer_bills(self, id_number: str, cursor: str | None, limit: int = 500) -> dict[str, Any]:
        payload: dict[str, Any] = {"id_number": id_number, "limit": limit}
        if cursor:
            payload["cursor"] = cursor
        return self.call("POST", "/payer-bills", json=payload)

    def bill(self, code: str, number: str) -> dict[str, Any]:
        return self.call("GET", f"/bills/{code}/{number}")["bill"]

    def layout_file(self, code: str, number: str) -> bytes:
        response = self.request("GET", f"/bills/{code}/{number}.pdf")
        if response.status_code != 200:
            raise FiscalError(response.status_code, "layout_unavailable", "版式文件暂时无法获取。")
        return response.content

    def verify(self, elements: dict[str, str], qr: str | None = None) -> dict[str, Any]:
        """The network's verdict on five elements (``code``, ``number``, ``check``, ``date``, ``amount`` as text).

        With the raw text of a QR code the network minted, the network also checks the
        code's MAC, so an edited code is told apart; text it did not mint falls back to
        the five elements alone.
        """
        if qr is not None:
            try:
                return self.call(
                    "POST", "/verify", json={"qr": qr, "date": elements["date"], "amount": elements["amount"]}
                )
            except FiscalError as error:
                if error.code != "unknown_qr":
                    raise
        return self.call("POST", "/verify", json=elements)

    def verify_layout(self, pdf: bytes) -> dict[str, Any]:
        """The network's verdict on a layout file: its embedded signature and the bill's live status."""
        return self.call("POST", "/verify-layout", files={"file": ("bill.pdf", pdf, "application/pdf")})

    def feed(self, cursor: str | None, limit: int = 500) -> dict[str, Any]:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        return self.call("GET", "/feed", params=params)

    def lock(self, code: str, number: str, unit_code: str, unit_name: str, ttl_seconds: int) -> dict[str, Any]:
        """Lock the bill for a unit (the holder locking again renews); returns the bill as served."""
        return self.call(
            "POST",
            f"/bills/{code}/{number}/lock",
            json={"unit_code": unit_code, "unit_name": unit_name, "ttl_seconds": ttl_seconds},
        )["bill"]

    def unlock(self, code: str, number: str, unit_code: str) -> dict[str, Any]:
        return self.call("POST", f"/bills/{code}/{number}/unlock", json={"unit_code": unit_code})["bill"]

    def feedback(
        self, code: str, number: str, unit_code: str, *, serial: str, voucher: str, amount: int, result: str, time: str
    ) -> dict[str, Any]:
        """Report the holder's result; the same serial with the same content again is a replay, not a second claim."""
        return self.call(
            "POST",
            f"/bills/{code}/{number}/feedback",
            json={
                "unit_code": unit_code,
                "serial": serial,
                "voucher": voucher,
                "amount": amount,
                "result": result,
                "time": time,
            },
        )
