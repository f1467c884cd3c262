"""``hall tour …`` as a real process (issue #6): book, refuse, run, slip, check in, ledger."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from shared.clock import to_local, utcnow
from shared.rendering.ledger import HEADERS

THURSDAY = "2026-11-26"


def hall(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shared.cli", "--db", url, "tour", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def ok(url: str, *args: str) -> Any:
    result = hall(url, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def booking(
    *extra: str, date: str = THURSDAY, start: str = "09:00", end: str = "10:00"
) -> list[str]:
    return [
        "book", "--date", date, "--start", start, "--end", end, "--group", "省政务办调研组",
        "--org", "湖北省政务服务办", "--visitors", "20", "--route", "hall", *extra,
    ]  # fmt: skip


def test_book_refuse_override_and_list(seeded_sqlite_url: str) -> None:
    url = seeded_sqlite_url
    first = ok(url, *booking("--docent", "docent1", "--level", "重要", "--letter", "鄂华政函12号"))
    assert first["state"] == "requested" and first["docents"] == ["docent1"]
    assert (first["level"], first["letter"], first["start"]) == ("重要", "鄂华政函12号", "09:00")

    clash = hall(url, *booking("--docent", "docent1", start="09:30", end="10:30"), "--json")
    assert clash.returncode == 1 and clash.stdout == ""
    assert clash.stderr.startswith(
        "error: docent docent1 already leads '省政务办调研组' 09:00-10:00"
    )
    assert len(clash.stderr.strip().splitlines()) == 1 and "Traceback" not in clash.stderr

    guide = hall(
        url, *booking("--docent", "docent1", "--override-reason", "领导要求", "--as", "guide1")
    )
    assert guide.returncode == 1 and "only a manager or admin may override" in guide.stderr
    forced = ok(
        url,
        *booking("--docent", "docent1", "--override-reason", "市领导临时视察", "--as", "manager"),
    )
    assert forced["override_by"] == "manager" and forced["override_reason"] == "市领导临时视察"

    auto = ok(url, *booking(start="14:30", end="15:30", date=THURSDAY))
    assert auto["docents"] == ["docent2"]  # the least busy free docent

    saturday = hall(url, *booking(date="2026-11-28"))
    assert saturday.returncode == 1 and "outside hall hours" in saturday.stderr
    assert ok(url, *booking("--extended", date="2026-11-28"))["extended"] is True

    listed = ok(url, "list", "--date", THURSDAY)
    assert [t["id"] for t in listed] == [first["id"], forced["id"], auto["id"]]
    assert ok(url, "list", "--date", "2026-11-27") == []
    bad = hall(url, *booking(date="2026-11-26", start="9h"))
    assert bad.returncode == 2 and "not a time" in bad.stderr


def test_run_a_tour_slip_checkin_and_ledger(seeded_sqlite_url: str, tmp_path: Path) -> None:
    url = seeded_sqlite_url
    today = f"{to_local(utcnow()).date():%Y-%m-%d}"
    first, last = min(THURSDAY, today), max(THURSDAY, today)
    tour = ok(url, *booking("--extended", date=today, start="06:00", end="07:00"))
    prefix = tour["id"][:8]

    slip = ok(url, "slip", prefix, "--out", str(tmp_path / "slip.pdf"))
    assert (tmp_path / "slip.pdf").read_bytes().startswith(b"%PDF")
    payload = slip["qr_payload"]
    assert payload.startswith(f"SHT1:{tour['id'].replace('-', '')[:12]}:")

    forged = hall(url, "checkin", payload[:-1] + ("A" if payload[-1] != "A" else "B"))
    assert forged.returncode == 1 and forged.stderr.strip() == "error: invalid tour code"
    arrived = ok(url, "checkin", payload, "--as", "guide1")
    assert arrived["arrived_at"] is not None and arrived["id"] == tour["id"]

    assert ok(url, "start", prefix, "--as", "docent1")["state"] == "in_progress"
    again = hall(url, "start", prefix)
    assert again.returncode == 1 and "it is in_progress" in again.stderr
    done = ok(
        url, "finish", prefix, "--actual-visitors", "18", "--feedback", "5", "--notes", "顺利"
    )
    assert (done["state"], done["actual_visitors"], done["feedback"]) == ("completed", 18, 5)

    other = ok(url, *booking(date=THURSDAY))
    assert ok(url, "confirm", other["id"])["state"] == "confirmed"
    assert ok(url, "cancel", other["id"][:6], "--reason", "行程变更")["state"] == "cancelled"

    xlsx = tmp_path / "ledger.xlsx"
    written = ok(url, "ledger", "--from", first, "--to", last, "--out", str(xlsx))
    assert written["tours"] == 2
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    assert tuple(c.value for c in sheet[2]) == HEADERS
    assert sorted(sheet.cell(r, 11).value for r in (3, 4)) == ["已取消", "已完成"]
    pdf = tmp_path / "ledger.pdf"
    ok(url, "ledger", "--from", first, "--to", last, "--out", str(pdf))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "接待台账" in text and "省政务办调研组" in text
    wrong = hall(url, "ledger", "--from", first, "--to", last, "--out", str(tmp_path / "x.csv"))
    assert wrong.returncode == 1 and ".xlsx or .pdf" in wrong.stderr


@pytest.mark.parametrize(
    ("ref", "message"), [("abc", "at least 6"), ("ffffffffff", "no such tour")]
)
def test_bad_tour_ids_are_one_line_errors(seeded_sqlite_url: str, ref: str, message: str) -> None:
    result = hall(seeded_sqlite_url, "confirm", ref)
    assert result.returncode == 1 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.postgres
def test_book_and_refuse_on_postgres(seeded_pg_url: str) -> None:
    first = ok(seeded_pg_url, *booking("--docent", "docent3"))
    assert ok(seeded_pg_url, "confirm", first["id"][:6])["state"] == "confirmed"
    clash = hall(seeded_pg_url, *booking("--docent", "docent3"))
    assert clash.returncode == 1 and "docent docent3 already leads" in clash.stderr
