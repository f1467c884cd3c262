"""ESC/POS bytes (issue #3 item 4): GB18030 text, the number magnified, native QR or raster."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from shared.rendering import EscposProfile, TicketSlip, render_ticket_escpos
from shared.rendering.escpos_render import (
    CHINESE_MODE,
    display_columns,
    qr_raster,
    render_receipt_escpos,
)
from shared.rendering.layout import Text
from shared.services.ticket_codes import verify_payload
from tests.shared.rendering.conftest import PAYLOAD, SECRET

GS = b"\x1d"
RASTER = GS + b"v0"
NATIVE_QR = GS + b"(k"


def gb(text: str) -> bytes:
    return text.encode("gb18030")


def test_text_is_gb2312(slip: TicketSlip) -> None:
    data = render_ticket_escpos(slip)
    # The range's dash goes out as ASCII "-" (issue #19): GB18030's A8 43 is not GB2312.
    for text in ["华容区政务服务中心", "综合受理", "前面还有 3 人", "预计等候 5-10 分钟"]:
        assert gb(text) in data, text
    assert gb("–") not in data
    assert gb("办理事项：居民身份证换领") in data
    assert gb("□ 居民户口簿（原件1份，复印件1份）") in data
    assert "华容".encode() not in data  # no UTF-8 leaked through


def test_starts_clean_in_chinese_mode_and_ends_with_a_cut(slip: TicketSlip) -> None:
    data = render_ticket_escpos(slip)
    assert data.startswith(b"\x1b@" + CHINESE_MODE)
    assert re.search(rb"\x1dV[\x00\x01\x30\x31]$", data)


def test_number_is_magnified_four_times(slip: TicketSlip) -> None:
    data = render_ticket_escpos(slip)
    # GS ! 0x33: width x4, height x4 — set before the number, with nothing printed between.
    size = data.rindex(GS + b"!\x33", 0, data.index(b"A001\n"))
    assert not re.search(rb"[\x20-\x7e\x80-\xff]{2,}\n", data[size + 3 : data.index(b"A001\n")])
    # The hall name and queue print double size (GS ! 0x11), running text normal (GS ! 0x00).
    assert GS + b"!\x11" + b"\x1bE\x01\x1ba\x01" + gb("华容区政务服务中心") in data
    assert GS + b"!\x00" in data


def test_full_width_punctuation_alone_survives() -> None:
    # python-escpos's own encoder prints such a line as "?".
    data = render_receipt_escpos([Text("（：）"), Text("，。")])
    assert gb("（：）\n") in data and gb("，。\n") in data
    assert b"?" not in data


def test_native_qr_command_carries_the_payload(slip: TicketSlip) -> None:
    data = render_ticket_escpos(slip)
    stored = PAYLOAD.encode("ascii")
    length = len(stored) + 3
    # GS ( k pL pH cn=49 fn=80 m=48 data: store the symbol; then fn=81: print it.
    assert NATIVE_QR + bytes((length & 0xFF, length >> 8)) + b"1P0" + stored in data
    assert NATIVE_QR + b"\x03\x001Q0" in data
    assert NATIVE_QR + b"\x03\x001E1" in data  # error correction M
    assert RASTER not in data


def _raster_images(data: bytes) -> list[Image.Image]:
    images = []
    start = 0
    while (at := data.find(RASTER, start)) >= 0:
        width_bytes = data[at + 4] | data[at + 5] << 8
        height = data[at + 6] | data[at + 7] << 8
        body = data[at + 8 : at + 8 + width_bytes * height]
        # Raster bits: 1 = black dot; PIL's "1" mode: 1 = white.
        inverted = bytes(b ^ 0xFF for b in body)
        images.append(Image.frombytes("1", (width_bytes * 8, height), inverted))
        start = at + 8 + len(body)
    return images


def test_raster_fallback_when_the_printer_has_no_qr_command(slip: TicketSlip) -> None:
    data = render_ticket_escpos(slip, EscposProfile(native_qr=False))
    assert NATIVE_QR not in data
    images = _raster_images(data)
    assert len(images) == 1
    assert images[0].width == 576
    # Decoded by a real decoder, straight from the bytes sent to the printer.
    found = decode(images[0].convert("L"))
    assert [s.data.decode("ascii") for s in found] == [PAYLOAD]
    assert verify_payload(PAYLOAD, SECRET).number == "A001"
    # The text is still there.
    assert gb("华容区政务服务中心") in data and b"A001\n" in data


def test_58mm_profile_narrows_rules_and_raster() -> None:
    narrow = EscposProfile(native_qr=False, width_dots=384)
    assert narrow.columns == 32
    image = qr_raster(PAYLOAD, narrow)
    assert image.width == 384
    found = decode(image.convert("L"))
    assert [s.data.decode("ascii") for s in found] == [PAYLOAD]


def test_long_lines_wrap_to_the_paper(slip: TicketSlip) -> None:
    name = "因工作调动、升学、参军等原因需要跨省迁移户口的居民办理户口迁入登记及相关证明开具"
    data = render_ticket_escpos(replace(slip, matter_name=name))
    text_lines = [
        line for line in re.sub(rb"\x1b[a-zA-Z!@].|\x1d!.", b"", data).split(b"\n") if line
    ]
    # Wrapped lines stand under the name, not under 办理事项： (issue #19): strip the indent.
    joined = b"".join(line.lstrip(b" ") for line in text_lines)
    assert gb(name[:10]) in joined and gb(name[-10:]) in joined
    indented = [line for line in text_lines if line.startswith(b" " * len(gb("办理事项：")))]
    assert len(indented) >= 2
    for line in text_lines:
        try:
            text = line.decode("gb18030")
        except UnicodeDecodeError:
            continue  # the QR command's bytes
        if text.isprintable():
            assert display_columns(text) <= 48, text


def test_profile_from_config_and_its_limits() -> None:
    profile = EscposProfile.from_config(
        {"kind": "escpos-network", "native_qr": 0, "width_dots": "384", "host": "x"}
    )
    assert profile == EscposProfile(native_qr=False, width_dots=384)
    with pytest.raises(ValueError):
        EscposProfile(width_dots=10)
    with pytest.raises(ValueError):
        EscposProfile.from_config({"qr_module_dots": 40})


def test_rendering_is_deterministic_and_quiet(
    slip: TicketSlip, capsys: pytest.CaptureFixture[str]
) -> None:
    raster = EscposProfile(native_qr=False)
    assert render_ticket_escpos(slip, raster) == render_ticket_escpos(slip, raster)
    # python-escpos prints a warning on stdout for images on paper of unknown width: not here.
    assert capsys.readouterr().out == ""


def test_display_columns_count_chinese_double() -> None:
    assert display_columns("A001") == 4
    assert display_columns("华容") == 4
    assert display_columns("（原件1份）") == 11


def test_printing_packages_load_no_qt() -> None:
    code = (
        "import sys\n"
        "import shared.rendering, shared.printing, shared.services.ticket_codes\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
