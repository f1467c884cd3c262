"""The reception ledger (接待台账) for a date range, as XLSX and as a landscape A4 PDF.

Pure renderers: plain :class:`LedgerRow` objects in, bytes out. The columns are the ones the
manager hands on (``HEADERS``); the service (``shared.services.tours_docs.ledger_rows``)
decides what goes in each cell.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from shared.rendering.fonts import register_cjk_font

TITLE = "接待台账"
HEADERS = (
    "日期",
    "时间",
    "团组",
    "单位",
    "接待等级",
    "公函",
    "路线",
    "讲解员",
    "预计人数",
    "实到人数",
    "状态",
    "反馈",
    "备注",
)
# Column widths: characters in the XLSX, millimetres in the PDF (277 mm of usable width).
XLSX_WIDTHS = (12, 14, 22, 24, 10, 20, 16, 12, 10, 10, 10, 12, 36)
PDF_WIDTHS_MM = (19, 21, 30, 32, 14, 24, 22, 18, 13, 13, 14, 16, 41)


@dataclass(frozen=True)
class LedgerRow:
    """One tour as a ledger line (already formatted for people, except the head counts)."""

    date: str
    time: str
    group: str
    organisation: str
    level: str
    letter: str
    route: str
    docents: str
    expected: int
    actual: int | None
    state: str
    feedback: str
    notes: str


def period_text(date_from: dt.date, date_to: dt.date) -> str:
    """``2026-11-01 至 2026-11-30`` (one date when equal)."""
    if date_from == date_to:
        return f"{date_from:%Y-%m-%d}"
    return f"{date_from:%Y-%m-%d} 至 {date_to:%Y-%m-%d}"


def totals_text(rows: Sequence[LedgerRow]) -> str:
    """The closing line: tours, expected and actual visitors (cancelled ones counted apart)."""
    held = [r for r in rows if r.actual is not None]
    return (
        f"共 {len(rows)} 批，预计 {sum(r.expected for r in rows)} 人；"
        f"已接待 {len(held)} 批，实到 {sum(r.actual or 0 for r in held)} 人"
    )


def render_ledger_xlsx(
    rows: Sequence[LedgerRow], date_from: dt.date, date_to: dt.date, hall_name: str = ""
) -> bytes:
    """The ledger as an XLSX workbook: a title row, the header row (row 2), one row per tour,
    and a totals line."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet: Any = book.active
    sheet.title = TITLE
    sheet.append([f"{hall_name}{TITLE}（{period_text(date_from, date_to)}）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    sheet.append(list(HEADERS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE5F0")
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        sheet.append(list(astuple(row)))
    for line in sheet.iter_rows(min_row=3, max_row=2 + len(rows)):
        for cell in line:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.append([])
    sheet.append([totals_text(rows)])
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    if rows:
        sheet.auto_filter.ref = f"A2:{get_column_letter(len(HEADERS))}{2 + len(rows)}"
    book.properties.creator = "ServiceHall"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _styles(font: str) -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, alignment=1)
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20, alignment=1)
    return cell, head, title


def _escape(value: object) -> str:
    text = "" if value is None else str(value)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    )


def render_ledger_pdf(
    rows: Sequence[LedgerRow], date_from: dt.date, date_to: dt.date, hall_name: str = ""
) -> bytes:
    """The ledger as a landscape A4 PDF, the header row repeated on every page, page numbers
    in the footer, every glyph in the embedded WenQuanYi font."""
    font = register_cjk_font()
    cell, head, title_style = _styles(font)
    data: list[list[Any]] = [[Paragraph(h, head) for h in HEADERS]]
    data.extend([Paragraph(_escape(v), cell) for v in astuple(row)] for row in rows)
    table = Table(data, colWidths=[w * mm for w in PDF_WIDTHS_MM], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE5F0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    heading = f"{hall_name}{TITLE}（{period_text(date_from, date_to)}）"
    story = [
        Paragraph(_escape(heading), title_style),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph(_escape(totals_text(rows)), cell),
    ]

    def footer(c: canvas.Canvas, doc: Any) -> None:
        c.saveState()
        c.setFont(font, 8)
        c.drawCentredString(landscape(A4)[0] / 2, 8 * mm, f"第{doc.page}页")
        c.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=12 * mm,
        bottomMargin=14 * mm,
        title=f"{TITLE} {period_text(date_from, date_to)}",
        creator="ServiceHall",
        invariant=1,
        # Start pages in the CJK font: otherwise reportlab references Helvetica, unembedded.
        initialFontName=font,
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
