"""Drawn marks on the layout file: the QR code and the two seals (as marks, not images)."""

from __future__ import annotations

import math

import segno
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

SEAL_RED = Color(0.82, 0.1, 0.12, alpha=0.85)


def draw_qr(canvas: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """Vector QR (crisp at any zoom, readable by phone cameras and by the wallet's scanner)."""
    qr = segno.make(payload, error="m", micro=False)
    matrix = list(qr.matrix)
    border = 2
    modules = len(matrix) + 2 * border
    cell = size / modules
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                path.rect(x + (col_index + border) * cell, y + size - (row_index + border + 1) * cell, cell, cell)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _star(canvas: Canvas, cx: float, cy: float, radius: float) -> None:
    path = canvas.beginPath()
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.4
        angle = math.pi / 2 + i * math.pi / 5
        point = (cx + r * math.cos(angle), cy + r * math.sin(angle))
        path.moveTo(*point) if i == 0 else path.lineTo(*point)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _arc_text(canvas: Canvas, font: str, text: str, cx: float, cy: float, radius: float, size: float) -> None:
    """Characters spread over the top arc of a round seal, upright towards the centre."""
    span = min(math.radians(240), math.radians(22) * len(text))
    start = math.pi / 2 + span / 2
    step = span / max(len(text) - 1, 1)
    for index, char in enumerate(text):
        angle = start - index * step
        canvas.saveState()
        canvas.translate(cx + radius * math.cos(angle), cy + radius * math.sin(angle))
        canvas.rotate(math.degrees(angle) - 90)
        canvas.setFont(font, size)
        canvas.drawCentredString(0, 0, char)
        canvas.restoreState()


def draw_issuer_seal(canvas: Canvas, font: str, name: str, cx: float, cy: float) -> None:
    """The issuing unit's round seal: its name on the arc, a star, and the seal's purpose below."""
    canvas.saveState()
    canvas.setStrokeColor(SEAL_RED)
    canvas.setFillColor(SEAL_RED)
    canvas.setLineWidth(1.2)
    canvas.circle(cx, cy, 12 * mm, stroke=1, fill=0)
    _arc_text(canvas, font, name, cx, cy, 9.2 * mm, 6.2)
    _star(canvas, cx, cy + 0.5 * mm, 3.2 * mm)
    canvas.setFont(font, 5.8)
    canvas.drawCentredString(cx, cy - 6 * mm, "财务专用章")
    canvas.restoreState()


def draw_supervision_seal(canvas: Canvas, font: str, department: str, cx: float, cy: float) -> None:
    """The finance department's oval supervision seal (财政票据监制章) under the title."""
    canvas.saveState()
    canvas.setStrokeColor(SEAL_RED)
    canvas.setFillColor(SEAL_RED)
    canvas.setLineWidth(1)
    canvas.ellipse(cx - 17 * mm, cy - 6.5 * mm, cx + 17 * mm, cy + 6.5 * mm, stroke=1, fill=0)
    canvas.setFont(font, 6.4)
    canvas.drawCentredString(cx, cy + 1.2 * mm, department)
    canvas.drawCentredString(cx, cy - 3.4 * mm, "财政票据监制章")
    canvas.restoreState()
