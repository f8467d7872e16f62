"""Processed claims as CSV for a unit's own books: UTF-8 with a BOM, so Excel reads the Chinese."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import datetime

from common.money import yuan
from common.timeutil import to_local
from wallet.identity import mask_id_number
from wallet.models.claim import Claim

HEADER = [
    "授权编号",
    "票据代码",
    "票据号码",
    "票据种类",
    "开票单位",
    "开票日期",
    "票据金额（元）",
    "交款人",
    "交款人证件号",
    "理赔/报销单号",
    "处理结果",
    "本单位报销金额（元）",
    "业务流水号",
    "记账凭证号",
    "报销时间",
    "拒绝原因",
    "处理时间",
    "报销方式",
    "开票业务流水号",
    "可报销金额（元）",
]


def _when(value: datetime | None) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _cell(value: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def claims_csv(rows: Iterable[Claim]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for auth in rows:
        bill = auth.bill
        document = json.loads(bill.canonical)
        payer = document.get("payer", {})
        reimbursed = auth.state == "reimbursed"
        writer.writerow(
            [
                auth.id,
                bill.code,
                bill.number,
                bill.type_name,
                _cell(bill.issuer_name),
                _when(bill.issued_at),
                yuan(bill.total),
                _cell(payer.get("name", "")),
                mask_id_number(payer.get("id_number", "")),
                _cell(auth.claim_ref),
                auth.state_name,
                yuan(auth.amount) if reimbursed else "0.00",
                _cell(auth.serial or ""),
                _cell(auth.voucher or ""),
                _when(auth.reimbursed_at),
                "" if reimbursed else _cell(auth.end_reason),
                _when(auth.closed_at),
                auth.source_name,
                _cell(document.get("serial", "")),
                yuan(bill.claimable),
            ]
        )
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
