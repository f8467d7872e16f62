"""Processed claims as CSV for a unit's own books: UTF-8 with a BOM, so Excel reads the Chinese.

Written as a stream, batch by batch: a unit with 400,000 processed claims gets its file at the
speed the database reads it, and the server holds one batch at a time, never the whole file.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_

from common.money import yuan
from common.timeutil import to_local
from wallet.extensions import db
from wallet.identity import mask_id_number
from wallet.models.bill import BillDocument
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


def _documents(batch: Sequence[Claim]) -> dict[tuple[str, str], dict[str, Any]]:
    """The signed documents of a batch's bills, in one query (not one per row)."""
    keys = {(c.bill.code, c.bill.number) for c in batch}
    rows = db.session.execute(
        select(BillDocument.code, BillDocument.number, BillDocument.canonical).where(
            tuple_(BillDocument.code, BillDocument.number).in_(keys)
        )
    )
    return {(code, number): json.loads(canonical) for code, number, canonical in rows}


def claims_csv(batches: Iterable[Sequence[Claim]]) -> Iterator[bytes]:
    """The CSV file in pieces: the header, then one piece per batch of claims."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    yield "\ufeff".encode() + out.getvalue().encode("utf-8")
    for batch in batches:
        out.seek(0)
        out.truncate()
        _write(writer, batch, _documents(batch))
        yield out.getvalue().encode("utf-8")


def _write(writer: Any, batch: Sequence[Claim], documents: dict[tuple[str, str], dict[str, Any]]) -> None:
    for auth in batch:
        bill = auth.bill
        document = documents.get((bill.code, bill.number), {})
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
