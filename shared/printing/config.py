"""A terminal's ``printer`` settings (``Terminal.printer``, JSON): checked, then built.

Kinds::

    {"kind": "escpos-network", "host": "10.0.0.50", "port": 9100, "native_qr": true,
     "width_dots": 576, "check_status": true, "timeout": 5}
    {"kind": "escpos-usb", "vendor": "0x0416", "product": "0x5011"}
    {"kind": "escpos-serial", "device": "/dev/ttyUSB0", "baud": 9600}
    {"kind": "pdf-folder", "path": "/var/lib/servicehall/tickets"}
    {"kind": "system", "name": "Kiosk-Printer"}   (Qt: shared.qt.printing)
    {"kind": "none"} or {}                         (no printer: the number is shown only)

The ESC/POS kinds also take the profile keys of :class:`shared.rendering.EscposProfile`
(``native_qr``, ``width_dots``, ``qr_module_dots``, ``chinese_mode``, ``cut``,
``raster_text``: print a line with a character outside GB2312 as an image) and
``check_status`` (default true: ask the printer for its paper sensor and refuse when it is out
or does not answer).

:func:`validate_printer_config` is the one gate (issue #9): every write goes through it and
:func:`printer_from_config` uses it too, so a typo such as ``"prot"`` or ``"false"`` written as
a string is refused with the reason instead of being silently ignored or read as true.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from shared.errors import ValidationError
from shared.printing.base import TicketPrinter
from shared.printing.escpos_printers import (
    EscposNetworkPrinter,
    EscposSerialPrinter,
    EscposUsbPrinter,
)
from shared.printing.pdf_folder import PdfFolderPrinter
from shared.rendering import EscposProfile

KINDS = ("escpos-network", "escpos-usb", "escpos-serial", "pdf-folder", "system", "none")
ESCPOS_KINDS = ("escpos-network", "escpos-usb", "escpos-serial")
BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
DEFAULT_TIMEOUT = 5.0
MAX_TIMEOUT = 60.0

SystemPrinterFactory = Callable[[Mapping[str, Any]], TicketPrinter]
"""Makes a system-print-queue printer from the config (supplied by the Qt side)."""

BAD_CONFIG_ZH = "打印机设置有误，请联系工作人员。"

_PROFILE_BOOLS = ("native_qr", "chinese_mode", "cut", "raster_text")
_PROFILE_INTS = {"width_dots": (96, 4096), "qr_module_dots": (1, 16)}
_COMMON_ESCPOS = {*_PROFILE_BOOLS, *_PROFILE_INTS, "timeout", "check_status"}
_KEYS: dict[str, set[str]] = {
    "escpos-network": {"host", "port"} | _COMMON_ESCPOS,
    "escpos-usb": {"vendor", "product"} | _COMMON_ESCPOS,
    "escpos-serial": {"device", "baud"} | _COMMON_ESCPOS,
    "pdf-folder": {"path"},
    "system": {"name"},
    "none": set(),
}
_REQUIRED = {
    "escpos-network": ("host",),
    "escpos-usb": ("vendor", "product"),
    "escpos-serial": ("device",),
    "pdf-folder": ("path",),
}
_ALIASES = {"check_paper": "check_status"}
"""Older names still read (and written back under the new name)."""
_HOST = re.compile(r"[A-Za-z0-9.:\-\[\]_]+")


def _fail(message: str, message_zh: str) -> ValidationError:
    return ValidationError(f"printer settings: {message}", f"打印机设置有误：{message_zh}")


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(
            f"{key!r} must be true or false, not {value!r}",
            f"“{key}”应为 true 或 false（不能写成文字）。",
        )
    return value


def _whole(key: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(f"{key!r} must be a whole number, not {value!r}", f"“{key}”应为整数。")
    if not low <= value <= high:
        raise _fail(
            f"{key!r} must be between {low} and {high}, got {value}",
            f"“{key}”应在 {low} 至 {high} 之间。",
        )
    return value


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _fail(f"{key!r} must be text, not {value!r}", f"“{key}”应为文字。")
    return value.strip()


def _usb_id(key: str, value: Any) -> str:
    if isinstance(value, str) and re.fullmatch(r"(0[xX])?[0-9A-Fa-f]{1,4}", value.strip()):
        number = int(value.strip(), 16)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise _fail(
            f"{key!r} must be a USB id such as 0x0416, not {value!r}",
            f"“{key}”应为 USB 编号，例如 0x0416。",
        )
    return f"0x{_whole(key, number, 0, 0xFFFF):04x}"


def _timeout(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise _fail(f"'timeout' must be a number of seconds, not {value!r}", "“timeout”应为秒数。")
    if not 0 < value <= MAX_TIMEOUT:
        raise _fail(
            f"'timeout' must be more than 0 and at most {MAX_TIMEOUT:g} seconds, got {value}",
            f"“timeout”应大于 0 且不超过 {MAX_TIMEOUT:g} 秒。",
        )
    return float(value)


def _kind(config: Mapping[str, Any]) -> str:
    kind = config.get("kind", "none" if not config else None)
    if kind is None:
        raise _fail("'kind' is missing", "缺少打印机类型（kind）。")
    if not isinstance(kind, str) or kind not in KINDS:
        raise _fail(
            f"unknown printer kind {kind!r} (one of {', '.join(KINDS)})",
            f"没有“{kind}”这种打印机类型。",
        )
    return kind


def _value(kind: str, key: str, value: Any) -> Any:
    if key in _PROFILE_BOOLS or key == "check_status":
        return _bool(key, value)
    if key in _PROFILE_INTS:
        return _whole(key, value, *_PROFILE_INTS[key])
    if key == "timeout":
        return _timeout(value)
    if key == "port":
        return _whole(key, value, 1, 65535)
    if key == "baud":
        baud = _whole(key, value, 1, 10_000_000)
        if baud not in BAUD_RATES:
            rates = ", ".join(str(r) for r in BAUD_RATES)
            raise _fail(f"'baud' must be one of {rates}, got {baud}", f"波特率应为 {rates} 之一。")
        return baud
    if key in ("vendor", "product"):
        return _usb_id(key, value)
    text = _text(key, value)
    if key == "host" and not _HOST.fullmatch(text):
        raise _fail(f"'host' is not a host name or address: {text!r}", "打印机地址（host）无效。")
    if key == "path" and not text.startswith(("/", "\\")) and not re.match(r"[A-Za-z]:", text):
        raise _fail(
            f"'path' must be an absolute folder path, got {text!r}",
            "保存文件夹（path）应为完整路径。",
        )
    return text


def validate_printer_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """``config`` checked and normalised, ready to store in ``Terminal.printer``.

    Unknown keys (a typo such as ``"prot"``), wrong types (a port written as text), string
    booleans (``"false"``), missing required keys, out-of-range ports and odd baud rates are
    refused. Defaults are written out (``port`` 9100, ``baud`` 9600, ``timeout`` 5,
    ``check_status`` true), USB ids as ``"0x0416"``; ``None`` and ``{}`` become
    ``{"kind": "none"}``.

    Raises:
        ValidationError: with an English message naming the key and a Chinese ``message_zh``.
    """
    if config is None:
        return {"kind": "none"}
    if not isinstance(config, Mapping):
        raise _fail(f"expected an object, got {type(config).__name__}", "格式不正确。")
    kind = _kind(config)
    allowed = _KEYS[kind]
    result: dict[str, Any] = {"kind": kind}
    for raw_key, value in config.items():
        if raw_key == "kind":
            continue
        key = _ALIASES.get(raw_key, raw_key)
        if key not in allowed:
            known = ", ".join(sorted(allowed)) or "no other keys"
            raise _fail(
                f"unknown key {raw_key!r} for kind {kind!r} (allowed: {known})",
                f"“{raw_key}”不是“{kind}”打印机的设置项。",
            )
        result[key] = _value(kind, key, value)
    for key in _REQUIRED.get(kind, ()):
        if result.get(key) in (None, ""):
            raise _fail(f"kind {kind!r} needs {key!r}", f"“{kind}”打印机缺少“{key}”。")
    if kind in ESCPOS_KINDS:
        result.setdefault("timeout", DEFAULT_TIMEOUT)
        result.setdefault("check_status", True)
        if kind == "escpos-network":
            result.setdefault("port", 9100)
        if kind == "escpos-serial":
            result.setdefault("baud", 9600)
    return result


def describe_config(config: Mapping[str, Any] | None) -> str:
    """A one-line summary of validated settings for lists and ``hall doctor``.

    Settings that no longer validate are summarised as ``invalid: <reason>``.
    """
    try:
        c = validate_printer_config(config)
    except ValidationError as exc:
        return f"invalid: {str(exc).removeprefix('printer settings: ')}"
    kind = c["kind"]
    status = "" if c.get("check_status", True) else ", no status check"
    if kind == "escpos-network":
        return f"escpos-network {c['host']}:{c['port']}{status}"
    if kind == "escpos-usb":
        return f"escpos-usb {c['vendor']}:{c['product']}{status}"
    if kind == "escpos-serial":
        return f"escpos-serial {c['device']}@{c['baud']}{status}"
    if kind == "pdf-folder":
        return f"pdf-folder {c['path']}"
    if kind == "system":
        return f"system {c.get('name') or '(default)'}"
    return "none"


def printer_from_config(
    config: Mapping[str, Any] | None, *, system: SystemPrinterFactory | None = None
) -> TicketPrinter | None:
    """The printer a terminal's settings describe, or ``None`` for a terminal without one.

    Args:
        config: the terminal's ``printer`` JSON (validated here again: rows written before
            validation existed may still be wrong).
        system: builds the ``system`` kind; the Qt side passes it (``shared`` has no Qt).

    Raises:
        ValidationError: settings that :func:`validate_printer_config` refuses.
    """
    c = validate_printer_config(config or None)
    kind = c["kind"]
    if kind == "none":
        return None
    profile = EscposProfile.from_config(c)
    timeout = float(c.get("timeout", DEFAULT_TIMEOUT))
    check = bool(c.get("check_status", True))
    if kind == "escpos-network":
        return EscposNetworkPrinter(
            c["host"], c["port"], profile, timeout=timeout, check_status=check
        )
    if kind == "escpos-usb":
        return EscposUsbPrinter(
            int(c["vendor"], 16),
            int(c["product"], 16),
            profile,
            timeout_ms=int(timeout * 1000),
            check_status=check,
        )
    if kind == "escpos-serial":
        return EscposSerialPrinter(
            c["device"], c["baud"], profile, timeout=timeout, check_status=check
        )
    if kind == "pdf-folder":
        return PdfFolderPrinter(c["path"])
    if system is None:
        raise ValidationError(
            "the 'system' printer kind needs the Qt application (shared.qt.printing)",
            BAD_CONFIG_ZH,
        )
    return system(c)
