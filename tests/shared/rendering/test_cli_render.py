"""``hall ticket render`` and ``hall ticket verify`` as IT runs them: real processes, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pypdf
import pytest
from PIL import Image
from pyzbar.pyzbar import decode
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from shared.db import create_hall_engine
from shared.models import ServiceMatter
from shared.services.ticket_codes import payload_for


def hall(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shared.cli", "--db", url, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def issued(seeded_sqlite_url: str) -> tuple[str, dict[str, object], ServiceMatter]:
    engine = create_hall_engine(seeded_sqlite_url)
    with sessionmaker(engine, expire_on_commit=False)() as session:
        candidates = session.scalars(
            select(ServiceMatter)
            .where(ServiceMatter.queue_prefix == "A")  # an A ticket takes a matter of queue A
            .order_by(ServiceMatter.code)
            .limit(50)
        )
        # Materials are groups of items (issue #11).
        matter = next(m for m in candidates if len(m.materials[0]["items"]) >= 2)
    engine.dispose()
    result = hall(
        seeded_sqlite_url,
        "ticket",
        "issue",
        "--queue",
        "A",
        "--matter",
        matter.code,
        "--override-hours",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    return seeded_sqlite_url, json.loads(result.stdout), matter


def test_render_each_format_and_verify_the_code(
    issued: tuple[str, dict[str, object], ServiceMatter], tmp_path: Path
) -> None:
    url, ticket, matter = issued
    number = str(ticket["number"])
    outputs: dict[str, dict[str, object]] = {}
    for fmt in ("pdf", "png", "escpos"):
        out = tmp_path / f"ticket.{fmt}"
        result = hall(url, "ticket", "render", number, "--format", fmt, "--out", str(out), "--json")
        assert result.returncode == 0, result.stderr
        outputs[fmt] = json.loads(result.stdout)
        assert out.stat().st_size == outputs[fmt]["bytes"]
    payloads = {str(o["qr_payload"]) for o in outputs.values()}
    assert len(payloads) == 1  # one ticket, one code, in every format
    (payload,) = payloads

    with Image.open(tmp_path / "ticket.png") as image:
        found = [s.data.decode("ascii") for s in decode(image)]
    assert found == [payload]

    text = pypdf.PdfReader(tmp_path / "ticket.pdf").pages[0].extract_text()
    assert number in text and matter.materials[0]["items"][0]["name"] in text

    escpos = (tmp_path / "ticket.escpos").read_bytes()
    assert "综合受理".encode("gb18030") in escpos
    assert b"\x1d(k" in escpos and payload.encode("ascii") in escpos

    verified = hall(url, "ticket", "verify", payload, "--json")
    assert verified.returncode == 0, verified.stderr
    data = json.loads(verified.stdout)
    assert data["valid"] is True
    assert (data["site"], data["number"], data["state"]) == ("huarong", number, "issued")
    assert data["business_date"] == ticket["business_date"]

    plain = hall(url, "ticket", "verify", payload)
    assert plain.returncode == 0 and plain.stdout.startswith("valid: huarong")


def test_raster_qr_for_printers_without_the_qr_command(
    issued: tuple[str, dict[str, object], ServiceMatter], tmp_path: Path
) -> None:
    url, ticket, _ = issued
    out = tmp_path / "raster.bin"
    args = ["ticket", "render", str(ticket["number"]), "--format", "escpos", "--out", str(out)]
    result = hall(url, *args, "--raster-qr", "--width-dots", "384")
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert b"\x1dv0" in data and b"\x1d(k" not in data
    assert data[data.index(b"\x1dv0") + 4] == 384 // 8


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: p.replace(":A001:", ":A002:"),
        lambda p: p[:-1] + ("B" if p[-1] == "A" else "A"),
        lambda p: p[:-3],
        lambda p: "not a ticket",
        lambda p: payload_for("huarong", date(2026, 11, 26), "A001", b"another secret!!"),
    ],
)
def test_a_tampered_code_exits_1_without_traceback(
    issued: tuple[str, dict[str, object], ServiceMatter], tmp_path: Path, tamper: object
) -> None:
    url, ticket, _ = issued
    out = tmp_path / "t.png"
    rendered = hall(
        url,
        "ticket",
        "render",
        str(ticket["number"]),
        "--format",
        "png",
        "--out",
        str(out),
        "--json",
    )
    payload = str(json.loads(rendered.stdout)["qr_payload"])
    assert callable(tamper)
    forged = tamper(payload)
    result = hall(url, "ticket", "verify", forged)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: invalid ticket code"
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_render_errors_are_one_line(
    issued: tuple[str, dict[str, object], ServiceMatter], tmp_path: Path
) -> None:
    url, _, _ = issued
    missing = hall(url, "ticket", "render", "A999", "--format", "pdf", "--out", str(tmp_path / "x"))
    assert missing.returncode == 1 and missing.stderr.startswith("error: no ticket A999")
    bad_out = hall(url, "ticket", "render", "A001", "--format", "pdf", "--out", "/proc/nope/x.pdf")
    assert bad_out.returncode == 1 and bad_out.stderr.startswith("error: cannot write")
    for result in (missing, bad_out):
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
