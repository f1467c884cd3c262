"""Printer settings are validated when written (issue #9 item 3).

Before, ``printer_from_config`` ignored unknown keys (a typo such as ``"prot"``) and read
``"false"`` as true; every write now goes through ``validate_printer_config``.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared.errors import ValidationError
from shared.printing import EscposNetworkPrinter, describe_config, printer_from_config
from shared.printing.config import validate_printer_config


@pytest.mark.parametrize(
    ("config", "english", "chinese"),
    [
        (
            {"kind": "escpos-network", "host": "10.0.0.5", "prot": 9100},
            "unknown key 'prot'",
            "prot",
        ),
        (
            {"kind": "escpos-network", "host": "10.0.0.5", "native_qr": "false"},
            "'native_qr' must be true or false",
            "不能写成文字",
        ),
        (
            {"kind": "escpos-network", "host": "10.0.0.5", "check_status": "no"},
            "'check_status' must be true or false",
            "true 或 false",
        ),
        ({"kind": "escpos-network", "host": "10.0.0.5", "port": "9100"}, "whole number", "整数"),
        (
            {"kind": "escpos-network", "host": "10.0.0.5", "port": 70000},
            "between 1 and 65535",
            "1 至 65535",
        ),
        ({"kind": "escpos-network", "host": "10.0.0.5", "port": True}, "whole number", "整数"),
        ({"kind": "escpos-network"}, "needs 'host'", "缺少"),
        ({"kind": "escpos-network", "host": "a b"}, "not a host name", "地址"),
        ({"kind": "escpos-network", "host": "x", "width_dots": 5}, "between 96 and 4096", "96"),
        ({"kind": "escpos-network", "host": "x", "timeout": 0}, "more than 0", "秒"),
        (
            {"kind": "escpos-serial", "device": "/dev/ttyUSB0", "baud": 9601},
            "'baud' must be one of",
            "波特率",
        ),
        (
            {"kind": "escpos-serial", "device": "/dev/ttyUSB0", "baud": "9600"},
            "whole number",
            "整数",
        ),
        ({"kind": "escpos-usb", "vendor": "0x0416"}, "needs 'product'", "缺少"),
        ({"kind": "escpos-usb", "vendor": "vendor", "product": "0x5011"}, "USB id", "USB"),
        ({"kind": "pdf-folder", "path": "relative/dir"}, "absolute", "完整路径"),
        ({"kind": "pdf-folder", "path": 42}, "must be text", "文字"),
        ({"kind": "system", "name": "Q", "host": "x"}, "unknown key 'host'", "host"),
        ({"kind": "none", "path": "/x"}, "unknown key 'path'", "path"),
        ({"kind": "carrier-pigeon"}, "unknown printer kind", "打印机类型"),
        ({"host": "10.0.0.5"}, "'kind' is missing", "kind"),
    ],
)
def test_bad_settings_are_refused_with_reasons(
    config: dict[str, Any], english: str, chinese: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_printer_config(config)
    assert english in str(caught.value)
    assert chinese in caught.value.message_zh and caught.value.message_zh.startswith("打印机设置")
    # The printer factory applies the same gate to rows written before it existed.
    with pytest.raises(ValidationError):
        printer_from_config(config)


def test_settings_are_normalised_with_defaults_written_out() -> None:
    assert validate_printer_config(None) == {"kind": "none"}
    assert validate_printer_config({}) == {"kind": "none"}
    assert validate_printer_config({"kind": "escpos-network", "host": " 10.0.0.5 "}) == {
        "kind": "escpos-network",
        "host": "10.0.0.5",
        "port": 9100,
        "timeout": 5.0,
        "check_status": True,
    }
    usb = validate_printer_config({"kind": "escpos-usb", "vendor": "416", "product": 20497})
    assert (usb["vendor"], usb["product"], usb["check_status"]) == ("0x0416", "0x5011", True)
    serial = validate_printer_config({"kind": "escpos-serial", "device": "COM3"})
    assert serial["baud"] == 9600
    # The older key name is still read, and written back under the new one.
    legacy = validate_printer_config({"kind": "escpos-network", "host": "x", "check_paper": False})
    assert legacy["check_status"] is False and "check_paper" not in legacy
    assert validate_printer_config({"kind": "pdf-folder", "path": r"C:\tickets"})["path"]


def test_status_checking_is_the_default_and_can_be_turned_off() -> None:
    default = printer_from_config({"kind": "escpos-network", "host": "10.0.0.5"})
    assert isinstance(default, EscposNetworkPrinter) and default.check_status is True
    off = printer_from_config({"kind": "escpos-network", "host": "10.0.0.5", "check_status": False})
    assert isinstance(off, EscposNetworkPrinter) and off.check_status is False


def test_one_line_summaries() -> None:
    assert describe_config({}) == "none"
    assert describe_config({"kind": "escpos-network", "host": "h"}) == "escpos-network h:9100"
    assert (
        describe_config({"kind": "escpos-serial", "device": "COM3", "check_status": False})
        == "escpos-serial COM3@9600, no status check"
    )
    assert describe_config({"kind": "system"}) == "system (default)"
    assert describe_config({"kind": "escpos-network", "prot": 1}).startswith("invalid: ")
