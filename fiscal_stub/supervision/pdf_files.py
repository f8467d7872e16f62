"""Checking that an uploaded file really is a PDF before it is kept (certificates, and later bases of bills)."""

from __future__ import annotations

import io
import warnings

from pypdf import PdfReader

MAX_PDF_BYTES = 5 * 1024 * 1024


def pdf_problem(data: bytes, max_bytes: int = MAX_PDF_BYTES, what: str = "证书的 PDF 扫描件") -> str | None:
    """Why ``data`` is not an acceptable PDF (in Chinese), or None.

    The name and the declared type of an upload say nothing; the bytes must start like a
    PDF, parse, hold at least one page and not be encrypted (nobody could read it later).
    """
    if not data:
        return "请选择要上传的 PDF 文件。"
    if len(data) > max_bytes:
        return f"文件不能超过 {max_bytes // (1024 * 1024)} 兆，请压缩后重新上传。"
    if not data.lstrip(b"\r\n\t ")[:5] == b"%PDF-":
        return f"文件不是 PDF 格式，请上传{what}。"
    try:
        with warnings.catch_warnings():  # damage pypdf can read past is still readable
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                return "PDF 文件已加密，请上传未加密的文件。"
            pages = len(reader.pages)
    except Exception:  # (whatever the parser trips on, the file cannot be read later either)
        return "PDF 文件已损坏或无法读取，请重新导出后上传。"
    if pages < 1:
        return "PDF 文件没有页面，请重新导出后上传。"
    return None
