"""The guide slip (issue #4, item 4): one layout, PDF / ESC/POS / PNG, text and QR read back."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode
from sqlalchemy.orm import Session, sessionmaker

from shared.printing import PdfFolderPrinter
from shared.rendering.escpos_render import encode
from shared.rendering.guide_slip import (
    GuideSlip,
    guide_qr_payload,
    guide_slip_layout,
    render_guide_slip_escpos,
    render_guide_slip_pdf,
    render_guide_slip_png,
    slip_from_guide,
)
from shared.rendering.layout import Qr
from shared.services.catalog import get_guide

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils not installed",
)

URL = "https://zwfw.hubei.gov.cn/guide/4145482937"


@pytest.fixture
def slip() -> GuideSlip:
    return GuideSlip(
        hall_name="华容区政务服务中心",
        code="420703000002",
        name="居民身份证换领",
        department="区公安分局",
        conditions="申请人为本区户籍居民。",
        materials=(
            {"name": "居民户口簿", "original": 1, "copy": 1},
            {"name": "近期免冠照片", "original": 2, "copy": 0},
        ),
        steps=("窗口申请", "材料审核", "统一窗口出件"),
        legal_limit_days=0,
        promised_limit_days=15,
        fee="不收费",
        location="19、20号窗口（一楼公安户政区）",
        phone="0711-3312345",
        qr_payload=guide_qr_payload("420703000002", URL),
    )


def _pdftotext(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "guide.pdf"
    pdf.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode("utf-8")


def _pdf_codes(data: bytes, tmp_path: Path) -> list[str]:
    pdf = tmp_path / "qr.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    image = Image.open(tmp_path / "page.png")
    return [symbol.data.decode("ascii") for symbol in decode(image)]


def test_pdf_text_reads_back(slip: GuideSlip, tmp_path: Path) -> None:
    text = "".join(_pdftotext(render_guide_slip_pdf(slip), tmp_path).split())
    for expected in (
        "华容区政务服务中心",
        "办事指南",
        "居民身份证换领",
        "事项编码：420703000002",
        "办理部门：区公安分局",
        "办理条件：申请人为本区户籍居民。",
        "办理地点：19、20号窗口（一楼公安户政区）",
        "法定时限：即办",
        "承诺时限：15个工作日",
        "收费标准：不收费",
        "□居民户口簿（原件1份，复印件1份）",
        "□近期免冠照片（原件2份）",
        "1.窗口申请",
        "3.统一窗口出件",
        "咨询电话：0711-3312345",
    ):
        assert expected in text, expected


def test_pdf_qr_decodes_to_the_payload(slip: GuideSlip, tmp_path: Path) -> None:
    assert _pdf_codes(render_guide_slip_pdf(slip), tmp_path) == [URL]


def test_png_qr_decodes_to_the_payload(slip: GuideSlip) -> None:
    image = Image.open(io.BytesIO(render_guide_slip_png(slip)))
    assert [s.data.decode("ascii") for s in decode(image)] == [URL]


def test_escpos_carries_the_text_in_gb18030_and_a_qr(slip: GuideSlip) -> None:
    data = render_guide_slip_escpos(slip)
    assert encode("居民身份证换领") in data
    assert encode("□ 居民户口簿（原件1份，复印件1份）") in data
    assert URL.encode("ascii") in data  # the printer's own QR command carries the payload


def test_payload_is_ascii_url_or_matter_code() -> None:
    assert guide_qr_payload("420703000002", "") == "MATTER:420703000002"
    encoded = guide_qr_payload("X1", "https://example.gov.cn/指南?id=1")
    assert encoded.isascii()
    assert encoded == "https://example.gov.cn/%E6%8C%87%E5%8D%97?id=1"
    slip = GuideSlip(hall_name="厅", code="X1", name="事项", department="部门", qr_payload=None)
    assert not any(isinstance(e, Qr) for e in guide_slip_layout(slip))


def test_slip_from_a_real_guide(sqlite_factory: sessionmaker[Session], tmp_path: Path) -> None:
    with sqlite_factory() as session:
        guide = get_guide(session, "420703000001")
    slip = slip_from_guide(guide, "华容区政务服务中心", "19号窗口")
    assert slip.name == guide.name and slip.location == "19号窗口"
    assert slip.qr_payload == guide_qr_payload(guide.code, guide.online_url)
    # The PDF folder printer files it whole under its name.
    PdfFolderPrinter(tmp_path / "out").print_receipt(guide_slip_layout(slip), "guide-1")
    data = (tmp_path / "out" / "guide-1.pdf").read_bytes()
    assert guide.name in "".join(_pdftotext(data, tmp_path).split())
    assert _pdf_codes(data, tmp_path) == [slip.qr_payload]
