"""Reading the amounts that actually arrived (到账金额): one typed total, or a CSV of amounts per bill.

Nothing is half-read: a file with any bad row is refused whole, every bad row named by its
line number, so the unit fixes the file and imports it again.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from common.money import AmountRefused, fen_from_yuan
from fiscal_stub.supervision.reconciliation import bill_key

MAX_CSV_BYTES = 1024 * 1024
MAX_ROWS = 20_000
COLUMNS = {"票据代码": "code", "票据号码": "number", "到账金额": "amount"}
MAX_PROBLEMS = 50  # beyond this many bad rows the file is wrong as a whole; say so once


@dataclass(frozen=True)
class CsvProblem:
    line: int  # 0: the file as a whole
    message: str

    def __str__(self) -> str:
        return f"第 {self.line} 行：{self.message}" if self.line else self.message


class CsvRefused(ValueError):
    def __init__(self, problems: list[CsvProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def typed_total(text: str) -> int:
    """The total typed in yuan (a net refund may be negative), in fen; AmountRefused with the reason."""
    return fen_from_yuan(text, negative=True)


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM spreadsheets add), else GB18030, which Excel on Chinese Windows writes."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not any(ord(c) < 32 and c not in "\r\n\t" for c in text):
            return text
    raise CsvRefused(
        [CsvProblem(0, "文件不是文本格式的 CSV，或编码无法识别：请另存为“CSV UTF-8”或 GBK 编码的 CSV 后重新导入。")]
    )


def _header(row: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = cell.strip().replace("（元）", "").replace("(元)", "")
        if name in COLUMNS and COLUMNS[name] not in found:
            found[COLUMNS[name]] = index
    return found


def read_csv(data: bytes, cycle_keys: set[str]) -> dict[str, int]:
    """Amounts per bill (``code-number`` → fen) for bills of the cycle, or CsvRefused naming every bad row."""
    if not data.strip():
        raise CsvRefused([CsvProblem(0, "请选择要导入的 CSV 文件（文件是空的）。")])
    if len(data) > MAX_CSV_BYTES:
        raise CsvRefused([CsvProblem(0, "文件不能超过 1 兆，请分月导出后重新导入。")])
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error:
        raise CsvRefused([CsvProblem(reader.line_num, "引号不配对，无法读取，请用表格软件重新导出。")]) from None
    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise CsvRefused([CsvProblem(0, "文件中没有内容。")])
    header_line, header = rows[0]
    columns = _header(header)
    missing = [name for name, key in COLUMNS.items() if key not in columns]
    if missing:
        names = "、".join(missing)
        message = f"缺少列：{names}。第一行应为列名：票据代码,票据号码,到账金额"
        raise CsvRefused([CsvProblem(header_line, message)])
    if len(rows) - 1 > MAX_ROWS:
        raise CsvRefused([CsvProblem(0, f"一次最多导入 {MAX_ROWS} 行。")])
    amounts: dict[str, int] = {}
    problems: list[CsvProblem] = []
    for line, row in rows[1:]:
        problem = _row_problem(row, columns, cycle_keys, amounts)
        if problem:
            problems.append(CsvProblem(line, problem))
    if problems:
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = problems[:MAX_PROBLEMS] + [CsvProblem(0, f"另有 {more} 行有误，未一一列出。")]
        raise CsvRefused(problems)
    return amounts


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _row_problem(row: list[str], columns: dict[str, int], cycle_keys: set[str], amounts: dict[str, int]) -> str:
    """Why the row cannot be read (in Chinese), or "" after adding it to ``amounts``."""
    code, number, amount = (_cell(row, columns[k]) for k in ("code", "number", "amount"))
    if not (len(code) == 8 and code.isascii() and code.isdigit()):
        return f"票据代码应为8位数字（读到“{code[:20]}”）。"
    if not (len(number) == 10 and number.isascii() and number.isdigit()):
        return f"票据号码应为10位数字（读到“{number[:20]}”）。"
    try:
        fen = fen_from_yuan(amount, negative=True)
    except AmountRefused as refused:
        return f"到账金额有误：{refused.message}"
    key = bill_key(code, number)
    if key not in cycle_keys:
        return f"票据 {key} 不是本单位本周期开具的票据。"
    if key in amounts:
        return f"票据 {key} 重复出现。"
    amounts[key] = fen
    return ""
