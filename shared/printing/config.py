"""Build a terminal's printer from its ``printer`` settings (``Terminal.printer``, JSON).

Kinds::

    {"kind": "escpos-network", "host": "10.0.0.50", "port": 9100, "native_qr": true,
     "width_dots": 576, "check_paper": false, "timeout": 5}
    {"kind": "escpos-usb", "vendor": "0x0416", "product": "0x5011"}
    {"kind": "escpos-serial", "device": "/dev/ttyUSB0", "baud": 9600}
    {"kind": "pdf-folder", "path": "/var/lib/servicehall/tickets"}
    {"kind": "system", "name": "Kiosk-Printer"}   (Qt: shared.qt.printing)
    {"kind": "none"} or {}                         (no printer: the number is shown only)

The ESC/POS kinds also take the profile keys of :class:`shared.rendering.EscposProfile`.
"""

from __future__ import annotations

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

SystemPrinterFactory = Callable[[Mapping[str, Any]], TicketPrinter]
"""Makes a system-print-queue printer from the config (supplied by the Qt side)."""

BAD_CONFIG_ZH = "打印机设置有误，请联系工作人员。"


def _int(value: Any, key: str) -> int:
    try:
        return int(value, 0) if isinstance(value, str) else int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"printer setting {key!r} is not a number: {value!r}") from exc


def _required(config: Mapping[str, Any], key: str) -> Any:
    if config.get(key) in (None, ""):
        raise ValidationError(f"printer kind {config.get('kind')!r} needs {key!r}", BAD_CONFIG_ZH)
    return config[key]


def printer_from_config(
    config: Mapping[str, Any] | None, *, system: SystemPrinterFactory | None = None
) -> TicketPrinter | None:
    """The printer a terminal's settings describe, or ``None`` for a terminal without one.

    Args:
        config: the terminal's ``printer`` JSON.
        system: builds the ``system`` kind; the Qt side passes it (``shared`` has no Qt).

    Raises:
        ValidationError: an unknown kind or a missing or malformed setting.
    """
    if not config:
        return None
    kind = config.get("kind", "none")
    if kind == "none":
        return None
    try:
        profile = EscposProfile.from_config(config)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"bad printer profile: {exc}", BAD_CONFIG_ZH) from exc
    timeout = float(config.get("timeout", 5.0))
    if kind == "escpos-network":
        return EscposNetworkPrinter(
            str(_required(config, "host")),
            _int(config.get("port", 9100), "port"),
            profile,
            timeout=timeout,
            check_paper=bool(config.get("check_paper", False)),
        )
    if kind == "escpos-usb":
        return EscposUsbPrinter(
            _int(_required(config, "vendor"), "vendor"),
            _int(_required(config, "product"), "product"),
            profile,
            timeout_ms=int(timeout * 1000),
        )
    if kind == "escpos-serial":
        return EscposSerialPrinter(
            str(_required(config, "device")),
            _int(config.get("baud", 9600), "baud"),
            profile,
            timeout=timeout,
        )
    if kind == "pdf-folder":
        return PdfFolderPrinter(str(_required(config, "path")))
    if kind == "system":
        if system is None:
            raise ValidationError(
                "the 'system' printer kind needs the Qt application (shared.qt.printing)",
                BAD_CONFIG_ZH,
            )
        return system(config)
    raise ValidationError(
        f"unknown printer kind: {kind!r} (one of {', '.join(KINDS)})", BAD_CONFIG_ZH
    )
