"""The ticket PDF read back: Chinese text extracts exactly, the font is embedded, the QR scans."""

from __future__ import annotations

import dataclasses
import io
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from shared.rendering import TicketSlip, render_ticket_pdf, ticket_layout
from shared.rendering.layout import Qr, Text
from shared.rendering.pdf import CONTENT_WIDTH, PAGE_WIDTH, wrap
from shared.rendering.ticket import FOOTER, wait_text

PAYLOAD = "HT1.HR01.20240506.A001.3f9a2c"


@pytest.fixture
def slip() -> TicketSlip:
    return TicketSlip(
        hall_name="华容区政务服务中心",
        site_code="HR01",
        number="A001",
        queue_name="综合受理",
        people_ahead=3,
        wait_minutes=(5, 10),
        # 01:31 UTC is 09:31 in the hall.
        issued_at=datetime(2024, 5, 6, 1, 31, tzinfo=UTC),
        business_date=date(2024, 5, 6),
        matter_name="居民身份证换领",
        materials=[
            {"name": "居民户口簿", "original": 1, "copy": 1},
            {"name": "近期免冠一寸照片", "original": 2, "copy": 0},
        ],
        qr_payload=PAYLOAD,
    )


def _pypdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def _pdftotext(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "ticket.pdf"
    pdf.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")


EXPECTED_LINES = [
    "华容区政务服务中心",
    "A001",
    "综合受理",
    "前面还有 3 人",
    "预计等候 5–10 分钟",
    "取号时间：2024-05-06 09:31",
    "办理事项：居民身份证换领",
    "请备齐以下材料：",
    "□ 居民户口簿（原件1份，复印件1份）",
    "□ 近期免冠一寸照片（原件2份）",
    FOOTER,
]


def test_pdf_text_reads_back_with_pypdf(slip: TicketSlip) -> None:
    data = render_ticket_pdf(slip)
    assert data.startswith(b"%PDF")
    lines = [line.strip() for line in _pypdf_text(data).splitlines()]
    for expected in EXPECTED_LINES:
        assert expected in lines


def test_pdf_text_reads_back_with_pdftotext(slip: TicketSlip, tmp_path: Path) -> None:
    lines = [line.strip() for line in _pdftotext(render_ticket_pdf(slip), tmp_path).splitlines()]
    for expected in EXPECTED_LINES:
        assert expected in lines


def test_pdf_embeds_every_font_as_a_subset(slip: TicketSlip) -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_ticket_pdf(slip)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert len(fonts) >= 1
    for font in fonts.values():
        font = font.get_object()
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
        # A subset font's name carries a six-letter tag: AAAAAA+WenQuanYiMicroHei-0.
        assert re.fullmatch(r"/[A-Z]{6}\+WenQuanYi.*", str(font["/BaseFont"]))
        assert "/ToUnicode" in font


def test_qr_code_decodes_to_the_payload(slip: TicketSlip, tmp_path: Path) -> None:
    from pyzbar.pyzbar import decode

    pdf = tmp_path / "ticket.pdf"
    pdf.write_bytes(render_ticket_pdf(slip))
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    with Image.open(tmp_path / "page.png") as image:
        found = decode(image)
    assert [symbol.data.decode("ascii") for symbol in found] == [PAYLOAD]


def test_page_is_80mm_wide_and_grows_with_content(slip: TicketSlip) -> None:
    def size(s: TicketSlip) -> tuple[float, float]:
        box = pypdf.PdfReader(io.BytesIO(render_ticket_pdf(s))).pages[0].mediabox
        return float(box.width), float(box.height)

    width, full_height = size(slip)
    assert width == pytest.approx(80 / 25.4 * 72)  # 80 mm in points
    bare = replace(slip, matter_name=None, materials=(), qr_payload=None)
    bare_width, bare_height = size(bare)
    assert bare_width == pytest.approx(PAGE_WIDTH)
    assert bare_height < full_height


def test_slip_without_matter_or_qr_has_neither(slip: TicketSlip) -> None:
    bare = replace(slip, matter_name=None, materials=(), qr_payload=None)
    layout = ticket_layout(bare)
    assert not any(isinstance(e, Qr) for e in layout)
    text = _pypdf_text(render_ticket_pdf(bare))
    assert "办理事项" not in text
    assert "请备齐以下材料" not in text
    assert FOOTER in text


def test_issue_time_is_printed_in_hall_local_time(slip: TicketSlip) -> None:
    # 16:05 UTC on 6 May is 00:05 on 7 May in Shanghai.
    late = replace(slip, issued_at=datetime(2024, 5, 6, 16, 5, tzinfo=UTC))
    assert "取号时间：2024-05-07 00:05" in _pypdf_text(render_ticket_pdf(late))


def test_rendering_is_deterministic(slip: TicketSlip) -> None:
    assert render_ticket_pdf(slip) == render_ticket_pdf(slip)


def test_long_matter_name_wraps_and_still_reads_back(slip: TicketSlip) -> None:
    name = "因工作调动、升学、参军等原因需要跨省迁移户口的居民办理户口迁入登记及相关证明开具"
    text = _pypdf_text(render_ticket_pdf(replace(slip, matter_name=name)))
    assert name in "".join(text.split())


def test_wrap_keeps_ascii_runs_together() -> None:
    from shared.rendering.fonts import register_cjk_font

    font = register_cjk_font()
    lines = wrap("请到 A001 号 " * 8, font, 10.5, CONTENT_WIDTH)
    assert len(lines) > 1
    assert all("A001" in line or "A0" not in line for line in lines)


@pytest.mark.parametrize(
    ("wait", "expected"),
    [
        ((5, 10), "预计等候 5–10 分钟"),
        ((8, 8), "预计等候 约 8 分钟"),
        ((0, 0), "即将叫号"),
        (None, "窗口暂未开放，暂无法估计等候时间"),
    ],
)
def test_wait_is_a_range_never_false_precision(wait: tuple[int, int] | None, expected: str) -> None:
    assert wait_text(wait) == expected


def test_number_is_the_largest_text(slip: TicketSlip) -> None:
    texts = [e for e in ticket_layout(slip) if isinstance(e, Text)]
    largest = max(texts, key=lambda e: list(type(e.size)).index(e.size))
    assert largest.text == "A001"


def test_rendering_loads_no_qt() -> None:
    code = (
        "import sys\n"
        "import shared.rendering\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""


def test_a_slip_issued_with_no_window_open_says_so(slip: TicketSlip, tmp_path: Path) -> None:
    """Issue #9: no window open — the paper says so (and the next opening when the hall is
    closed), never a wait range nor 即将叫号."""
    closed = dataclasses.replace(slip, wait_minutes=None, windows_open=False)
    assert wait_text(None, windows_open=False) == "窗口暂未开放，暂无法估计等候时间"
    # 00:30 UTC is 08:30 the next morning in the hall.
    tomorrow = dataclasses.replace(closed, next_opening=datetime(2024, 5, 7, 0, 30, tzinfo=UTC))
    lines = [
        line.strip() for line in _pdftotext(render_ticket_pdf(tomorrow), tmp_path).splitlines()
    ]
    assert "窗口暂未开放，5月7日 08:30 开放" in lines
    text = _pdftotext(render_ticket_pdf(closed), tmp_path)
    assert "窗口暂未开放，暂无法估计等候时间" in text
    assert "即将叫号" not in text and "分钟" not in text
