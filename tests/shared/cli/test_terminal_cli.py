"""``hall terminal …``, ``hall kiosk …`` and ``hall doctor`` as IT uses them (issue #9).

Real processes on real databases; printers are real listeners on 127.0.0.1 and a real folder.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shared.cli.test_cli import hall
from tests.support.printer_ports import PrinterPort, closed_port


@pytest.fixture
def printers() -> Iterator[dict[str, PrinterPort]]:
    ports = {mode: PrinterPort(mode) for mode in ("ok", "paper_out")}
    yield ports
    for port in ports.values():
        port.close()


def _ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


def _one_line_error(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode != 0
    assert result.stderr.startswith("error: ") and text in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_terminals_and_printers_end_to_end(
    seeded_db_url: str, printers: dict[str, PrinterPort], tmp_path: Path
) -> None:
    db = ("--db", seeded_db_url)
    added = json.loads(
        _ok(
            hall(
                "terminal", "add", "kiosk-07", "--site", "huarong", "--kind", "kiosk",
                "--location", "二楼东侧", *db, "--json",
            )
        ).stdout
    )  # fmt: skip
    assert (added["code"], added["location"], added["printer_summary"]) == (
        "kiosk-07",
        "二楼东侧",
        "none",
    )
    _ok(hall("terminal", "set", "kiosk-07", "--location", "二楼西侧", "--inactive", *db))
    ok_port = str(printers["ok"].port)
    set_ok = _ok(
        hall(
            "terminal", "set-printer", "kiosk-07", "--kind", "escpos-network",
            "--host", "127.0.0.1", "--port", ok_port, "--timeout", "2", "--no-native-qr", *db,
        )
    )  # fmt: skip
    assert set_ok.stdout.strip() == f"kiosk-07: escpos-network 127.0.0.1:{ok_port}"
    printed = _ok(hall("terminal", "test-print", "kiosk-07", *db))
    assert "test slip printed" in printed.stdout
    (sent,) = printers["ok"].wait_received(1)
    assert "打印测试".encode("gb18030") in sent and b"\x1dv0" in sent  # QR as an image

    paper_port = str(printers["paper_out"].port)
    _ok(
        hall(
            "terminal", "set-printer", "kiosk-02", "--kind", "escpos-network",
            "--host", "127.0.0.1", "--port", paper_port, *db,
        )
    )  # fmt: skip
    _one_line_error(hall("terminal", "test-print", "kiosk-02", *db), "out of paper")

    folder = tmp_path / "slips"
    _ok(
        hall(
            "terminal",
            "set-printer",
            "kiosk-01",
            "--kind",
            "pdf-folder",
            "--path",
            str(folder),
            *db,
        )
    )
    _ok(hall("terminal", "test-print", "kiosk-01", *db))
    assert len(list(folder.glob("printtest-kiosk-01-*.pdf"))) == 1

    listed = {t["code"]: t for t in json.loads(_ok(hall("terminal", "list", *db, "--json")).stdout)}
    assert listed["kiosk-07"]["last_print_result"] == "printed"
    assert listed["kiosk-07"]["active"] is False and listed["kiosk-07"]["location"] == "二楼西侧"
    assert listed["kiosk-02"]["last_print_result"] == "failed"
    assert "out of paper" in listed["kiosk-02"]["last_print_detail"]

    doctor = _ok(hall("doctor", *db)).stdout
    lines = {line.split()[0]: line for line in doctor.splitlines() if line.startswith("  kiosk-")}
    assert f"escpos-network 127.0.0.1:{ok_port}" in lines["kiosk-07"]
    assert "last print: printed" in lines["kiosk-07"] and "[inactive]" in lines["kiosk-07"]
    assert "last print: failed" in lines["kiosk-02"] and "out of paper" in lines["kiosk-02"]
    assert f"pdf-folder {folder}" in lines["kiosk-01"]
    report = json.loads(_ok(hall("doctor", *db, "--json")).stdout)
    assert {t["code"] for t in report["terminals"]} >= {"kiosk-01", "kiosk-02", "kiosk-07"}


def test_terminal_commands_refuse_bad_input_in_one_line(seeded_sqlite_url: str) -> None:
    db = ("--db", seeded_sqlite_url)
    _one_line_error(
        hall(
            "terminal", "set-printer", "kiosk-01", "--kind", "escpos-network", "--path", "/x", *db
        ),
        "--path does not apply to --kind escpos-network",
    )
    _one_line_error(
        hall("terminal", "set-printer", "kiosk-01", "--kind", "escpos-network", *db),
        "needs 'host'",
    )
    _one_line_error(
        hall(
            "terminal", "set-printer", "kiosk-01", "--kind", "escpos-serial",
            "--device", "/dev/ttyUSB0", "--baud", "9601", *db,
        ),
        "'baud' must be one of",
    )  # fmt: skip
    _one_line_error(
        hall("terminal", "set-printer", "kiosk-01", "--kind", "pdf-folder", "--path", "rel", *db),
        "absolute",
    )
    _one_line_error(
        hall("terminal", "set-printer", "nope", "--kind", "none", *db), "no such terminal"
    )
    _one_line_error(hall("terminal", "test-print", "kiosk-02", *db), "has no printer")
    _one_line_error(hall("terminal", "set", "kiosk-01", *db), "nothing to change")
    refused = str(closed_port())
    _ok(
        hall(
            "terminal", "set-printer", "kiosk-02", "--kind", "escpos-network",
            "--host", "127.0.0.1", "--port", refused, "--no-check-status", *db,
        )
    )  # fmt: skip
    failed = hall("terminal", "test-print", "kiosk-02", *db, "--json")
    assert failed.returncode == 1 and json.loads(failed.stdout)["printed"] is False
    assert "Traceback" not in failed.stderr and failed.stderr == ""


def test_kiosk_pin_commands(seeded_db_url: str) -> None:
    db = ("--db", seeded_db_url)
    _one_line_error(hall("kiosk", "set-pin", "--pin-stdin", *db, stdin="123456\n"), "too easy")
    _one_line_error(hall("kiosk", "set-pin", "--pin-stdin", *db, stdin="12\n"), "6 to 12 digits")
    _one_line_error(hall("kiosk", "set-pin", *db, stdin=""), "--pin-stdin")
    site = _ok(hall("kiosk", "set-pin", "--site", "huarong", "--pin-stdin", *db, stdin="482915\n"))
    assert site.stdout.strip() == "kiosk PIN set for site:huarong" and "482915" not in site.stdout
    own = _ok(
        hall(
            "kiosk",
            "set-pin",
            "--terminal",
            "kiosk-01",
            "--pin-stdin",
            *db,
            "--json",
            stdin="735190\n",
        )
    )
    assert json.loads(own.stdout) == {"scope": "terminal:kiosk-01", "pin_set": True}
    _one_line_error(
        hall("kiosk", "set-pin", "--terminal", "kiosk-99", "--pin-stdin", *db, stdin="735190\n"),
        "no such terminal",
    )
    unlocked = _ok(hall("kiosk", "unlock-pin", "--terminal", "kiosk-01", *db))
    assert unlocked.stdout.strip() == "PIN pad of terminal kiosk-01 was not locked"
    listed = {t["code"]: t for t in json.loads(_ok(hall("terminal", "list", *db, "--json")).stdout)}
    assert listed["kiosk-01"]["pin_set"] is True and listed["kiosk-02"]["pin_set"] is False
