"""The QR code of a bill that arrives as a PDF without a signed document: a scan of the paper bill.

A layout file proves itself by the signed document inside it. A PDF made by scanning or
photographing a paper bill carries none, only pictures; the bill's QR code in them still
names the bill, so it is read like a photo and the person is asked for what it lacks.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_PAGES = 4
MAX_IMAGES = 8


def pictures_in(pdf: bytes) -> Iterator[bytes]:
    """The images on the first pages of ``pdf``, as encoded files; nothing for a PDF that cannot be read."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        found = 0
        for page in reader.pages[:MAX_PAGES]:
            for image in page.images:
                yield image.data
                found += 1
                if found >= MAX_IMAGES:
                    return
    except (PyPdfError, ValueError, KeyError, OSError):
        return
