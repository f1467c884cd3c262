"""The guide slip (issues #4 and #11): one layout, PDF / ESC/POS / PNG, text and QR read back;
the published text as written, 请咨询窗口 for what was not published, never a default; the
QR opens the published online guide, or its caption says it is only the matter's code."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode
from sqlalchemy.orm import Session, sessionmaker

from shared.printing import PdfFolderPrinter
from shared.rendering.escpos_render import encode
from shared.rendering.guide_slip import (
    FOOTER,
    GuideSlip,
    guide_qr_payload,
    guide_slip_layout,
    render_guide_slip_escpos,
    render_guide_slip_pdf,
    render_guide_slip_png,
    slip_from_guide,
)
from shared.rendering.layout import Qr, Text
from shared.services.catalog import get_guide
from tests.support.guides import INVENTED, NOT_PUBLISHED, empty_guide, rich_guide

URL = "https://zwfw.hubei.gov.cn/guide/4145482937"
HALL = "华容区政务服务中心"


@pytest.fixture
def slip() -> GuideSlip:
    return slip_from_guide(rich_guide(), HALL, "19、20号窗口（一楼公安户政区）")


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


def _flat(text: str) -> str:
    return "".join(text.split())


def test_pdf_text_reads_back_as_published(slip: GuideSlip, tmp_path: Path) -> None:
    text = _flat(_pdftotext(render_guide_slip_pdf(slip), tmp_path))
    for expected in (
        HALL,
        "办事指南",
        "居民身份证换领",
        "区公安分局·行政确认·事项编码420703000002",
        # The published 办理地点 as written, and the hall's windows beside it.
        "办理地点：",
        "区政务服务中心一楼公安户政窗口（周三下午不对外）",
        "本中心窗口：19、20号窗口（一楼公安户政区）",
        "受理条件：",
        "公民换领居民身份证,需交验原居民身份证;",  # an ASCII ';' is text
        "□原居民身份证（原件1份）",
        "□近期免冠照片（2张）",
        "注：白底;不戴帽子",
        "户籍证明(其中一项)（以下任选其一）",
        "□户籍证明（非必需）",
        "1.申请",
        "2.受理;审核",
        "法定时限：60日",
        "承诺时限：绿色通道邮寄7个工作日内;普通15个工作日内",
        "办件类型：承诺件",
        "收费标准：换领收取工本费20元/证",
        "到现场次数：最多跑一次",
        "鄂汇办APP",
        "不可全程网办",
        "咨询电话：0711-3312345",
        "投诉电话：12345",
        FOOTER,
    ):
        assert _flat(expected) in text, expected
    # What was not published is not printed, not even as 请咨询窗口.
    assert NOT_PUBLISHED not in text
    assert "跨域通办" not in text


def test_pdf_qr_opens_the_published_guide(slip: GuideSlip, tmp_path: Path) -> None:
    assert _pdf_codes(render_guide_slip_pdf(slip), tmp_path) == [URL]


def test_png_qr_decodes_to_the_payload(slip: GuideSlip) -> None:
    image = Image.open(io.BytesIO(render_guide_slip_png(slip)))
    assert [s.data.decode("ascii") for s in decode(image)] == [URL]


def test_escpos_carries_the_text_in_gb18030_and_a_qr(slip: GuideSlip) -> None:
    data = render_guide_slip_escpos(slip)
    assert encode("居民身份证换领") in data
    assert encode("□ 原居民身份证（原件1份）") in data
    assert URL.encode("ascii") in data  # the printer's own QR command carries the payload


def test_a_channel_address_is_named_and_no_address_is_said_truthfully(tmp_path: Path) -> None:
    channel = rich_guide(
        source_url=None, online=({"name": "湖北政务服务网", "url": "https://zwfw.hubei.gov.cn/x"},)
    )
    slip = slip_from_guide(channel, HALL)
    assert slip.qr_payload == "https://zwfw.hubei.gov.cn/x"
    assert slip.qr_caption == "扫码打开网上办理：湖北政务服务网"

    none = slip_from_guide(rich_guide(source_url=None), HALL)  # a 公众号/APP has no address
    assert none.qr_payload == "MATTER:420703000002"
    assert FOOTER not in none.qr_caption
    text = _flat(_pdftotext(render_guide_slip_pdf(none), tmp_path))
    assert "本事项暂无网上办事指南；此码仅为事项编码420703000002，不是网址" in text
    assert _pdf_codes(render_guide_slip_pdf(none), tmp_path) == ["MATTER:420703000002"]


def test_an_empty_guide_invents_nothing_in_any_format(tmp_path: Path) -> None:
    slip = slip_from_guide(empty_guide(), HALL)
    layout = [e.text for e in guide_slip_layout(slip) if isinstance(e, Text)]
    raw = _pdftotext(render_guide_slip_pdf(slip), tmp_path)
    lines = [_flat(line) for line in raw.splitlines()]
    text = _flat(raw)
    escpos = render_guide_slip_escpos(slip)
    for phrase in INVENTED:
        assert not any(phrase in line for line in layout), phrase
        assert not any(_flat(phrase) in line for line in lines), phrase
        assert encode(phrase) not in escpos, phrase
    parts = ("办理地点", "办理时间", "受理条件", "申请材料", "办理流程", "办理时限", "收费标准")
    for part in (*parts, "到现场次数"):
        assert f"{part}：{NOT_PUBLISHED}" in text, part
    assert text.count(NOT_PUBLISHED) == 8
    assert encode(NOT_PUBLISHED) in escpos
    image = Image.open(io.BytesIO(render_guide_slip_png(slip)))
    assert [s.data.decode("ascii") for s in decode(image)] == ["MATTER:EMPTY-1"]


def test_payload_is_ascii_url_or_matter_code() -> None:
    assert guide_qr_payload("420703000002") == "MATTER:420703000002"
    encoded = guide_qr_payload("X1", "https://example.gov.cn/指南?id=1")
    assert encoded.isascii()
    assert encoded == "https://example.gov.cn/%E6%8C%87%E5%8D%97?id=1"
    slip = GuideSlip(hall_name="厅", code="X1", name="事项", qr_payload=None)
    assert not any(isinstance(e, Qr) for e in guide_slip_layout(slip))


def test_slip_from_a_demo_guide(sqlite_factory: sessionmaker[Session], tmp_path: Path) -> None:
    with sqlite_factory() as session:
        guide = get_guide(session, "420703000001")
    slip = slip_from_guide(guide, HALL, "19号窗口")
    assert slip.name == guide.name
    # The demo claims no published page, so the code says what it is.
    assert guide.guide_url is None and slip.qr_payload == "MATTER:420703000001"
    PdfFolderPrinter(tmp_path / "out").print_receipt(guide_slip_layout(slip), "guide-1")
    data = (tmp_path / "out" / "guide-1.pdf").read_bytes()
    text = _flat(_pdftotext(data, tmp_path))
    assert guide.name in text and "本中心窗口：19号窗口" in text
    assert _pdf_codes(data, tmp_path) == [slip.qr_payload]
