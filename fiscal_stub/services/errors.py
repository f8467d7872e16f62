"""A refusal by the network's rules: a stable code for programs and a Chinese message for people."""

from __future__ import annotations


class FiscalError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def not_found() -> FiscalError:
    return FiscalError(404, "bill_not_found", "未找到该票据，请核对票据代码和票据号码。")


def invalid(message: str) -> FiscalError:
    return FiscalError(400, "invalid_request", message)
