"""A refusal by the network's rules: a stable code for programs and a Chinese message for people."""

from __future__ import annotations

from typing import Any


class FiscalError(Exception):
    """``details`` are extra fields of the JSON reply (the reasons an issuing lock holds, say)."""

    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


def not_found() -> FiscalError:
    return FiscalError(404, "bill_not_found", "未找到该票据，请核对票据代码和票据号码。")


def invalid(message: str) -> FiscalError:
    return FiscalError(400, "invalid_request", message)
