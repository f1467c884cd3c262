"""Read an ESC/POS byte stream back as a printer would: every command the renderers send,
the text between them, the raster images (issue #19: the GB2312 check over every byte).

The reader is strict: a command it does not know, a control byte, a truncated command or a
double-byte character outside GB2312 fails the test, so a new command or a stray byte is seen
at once rather than passed over.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

ESC, FS, GS, LF = 0x1B, 0x1C, 0x1D, 0x0A

#: ESC commands and how many parameter bytes follow each.
_ESC_ARGS = {ord("@"): 0, ord("E"): 1, ord("a"): 1, ord("J"): 1, ord("d"): 1}
#: FS commands: ``FS &`` (Chinese mode on) only.
_FS_ARGS = {ord("&"): 0}


class StreamError(AssertionError):
    """The bytes are not what a GB2312 receipt printer understands."""


@dataclass
class Printout:
    """What a stream prints: text lines, raster images, native QR payloads, and counts."""

    lines: list[str] = field(default_factory=lambda: [""])
    #: Per line, the widest character magnification (``GS !``) it was printed at.
    widths: list[int] = field(default_factory=lambda: [0])
    images: list[Image.Image] = field(default_factory=list)
    qr_payloads: list[bytes] = field(default_factory=list)
    double_bytes: int = 0
    single_bytes: int = 0
    command_bytes: int = 0
    image_bytes: int = 0

    @property
    def text_lines(self) -> list[str]:
        """The printed text lines, empty ones left out."""
        return [line for line in self.lines if line.strip()]

    def columns_used(self) -> list[tuple[str, int]]:
        """Each printed line with the half-width columns it takes on paper (magnified)."""
        return [
            (line, sum(1 if ord(c) < 0x80 else 2 for c in line) * width)
            for line, width in zip(self.lines, self.widths, strict=True)
            if line
        ]


def in_gb2312(first: int, second: int) -> bool:
    """A double-byte code inside GB2312: rows 1-9 (symbols) or 16-87 (hanzi), an assigned
    cell (Python's ``gb2312`` codec knows which)."""
    if not (0xA1 <= first <= 0xA9 or 0xB0 <= first <= 0xF7) or not 0xA1 <= second <= 0xFE:
        return False
    try:
        bytes((first, second)).decode("gb2312")
    except UnicodeDecodeError:
        return False
    return True


def _need(data: bytes, at: int, count: int, what: str) -> None:
    if at + count > len(data):
        raise StreamError(f"{what} at byte {at} is cut short")


def read_stream(data: bytes) -> Printout:
    """Parse ``data`` (see the module); raises :class:`StreamError` on anything else."""
    out = Printout()
    width = 1
    i = 0
    while i < len(data):
        byte = data[i]
        if byte == ESC:
            _need(data, i, 2, "ESC")
            args = _ESC_ARGS.get(data[i + 1])
            if args is None:
                raise StreamError(f"unknown command ESC {data[i + 1]:#04x} at byte {i}")
            _need(data, i, 2 + args, "ESC")
            out.command_bytes += 2 + args
            i += 2 + args
        elif byte == FS:
            _need(data, i, 2, "FS")
            if data[i + 1] not in _FS_ARGS:
                raise StreamError(f"unknown command FS {data[i + 1]:#04x} at byte {i}")
            out.command_bytes += 2
            i += 2
        elif byte == GS:
            if data[i + 1 : i + 2] == b"!" and i + 2 < len(data):
                width = (data[i + 2] >> 4) + 1
            i = _gs(data, i, out)
        elif byte == LF:
            out.lines.append("")
            out.widths.append(0)
            i += 1
        elif 0x20 <= byte < 0x7F:
            out.lines[-1] += chr(byte)
            out.widths[-1] = max(out.widths[-1], width)
            out.single_bytes += 1
            i += 1
        elif byte >= 0x80:
            _need(data, i, 2, "double-byte character")
            first, second = data[i], data[i + 1]
            if not in_gb2312(first, second):
                raise StreamError(f"{first:02X} {second:02X} at byte {i} is outside GB2312")
            # Read as the printer reads it: GB18030 (A1 A4 is ·, where Python's gb2312 says ・).
            out.lines[-1] += bytes((first, second)).decode("gb18030")
            out.widths[-1] = max(out.widths[-1], width)
            out.double_bytes += 1
            i += 2
        else:
            raise StreamError(f"stray control byte {byte:#04x} at byte {i}")
    return out


def _gs(data: bytes, i: int, out: Printout) -> int:
    _need(data, i, 2, "GS")
    command = data[i + 1]
    if command == ord("!"):  # character size
        _need(data, i, 3, "GS !")
        out.command_bytes += 3
        return i + 3
    if command == ord("V"):  # cut
        _need(data, i, 3, "GS V")
        size = 4 if data[i + 2] in (65, 66) else 3
        out.command_bytes += size
        return i + size
    if command == ord("("):  # GS ( k: the QR symbol's settings, data and print
        _need(data, i, 5, "GS (")
        if data[i + 2] != ord("k"):
            raise StreamError(f"unknown command GS ( {data[i + 2]:#04x} at byte {i}")
        length = data[i + 3] | data[i + 4] << 8
        _need(data, i, 5 + length, "GS ( k")
        body = data[i + 5 : i + 5 + length]
        if body[:3] == b"1P0":
            out.qr_payloads.append(body[3:])
        out.command_bytes += 5 + length
        return i + 5 + length
    if command == ord("v"):  # GS v 0: a raster image
        _need(data, i, 8, "GS v 0")
        width_bytes = data[i + 4] | data[i + 5] << 8
        height = data[i + 6] | data[i + 7] << 8
        size = width_bytes * height
        _need(data, i, 8 + size, "GS v 0 image")
        body = data[i + 8 : i + 8 + size]
        # Raster bits: 1 = black dot; PIL's "1" mode: 1 = white.
        inverted = bytes(b ^ 0xFF for b in body)
        out.images.append(Image.frombytes("1", (width_bytes * 8, height), inverted))
        out.image_bytes += 8 + size
        return i + 8 + size
    raise StreamError(f"unknown command GS {command:#04x} at byte {i}")
