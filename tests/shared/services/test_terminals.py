"""Terminals and their printers, with real test prints (issue #9 item 3).

Test prints go to a real PDF folder (read back with pdftotext) and to real TCP listeners on
127.0.0.1 that refuse, stay silent, report paper-out or answer OK; each outcome must be stored
on the terminal, audited and published in the change feed. Both backends.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import Conflict, NotFound, ValidationError
from shared.models import AuditEntry, Change, Staff, Terminal
from shared.printing.escpos_printers import PAPER_STATUS_REQUEST
from shared.rendering.printer_test_slip import (
    PrinterTestSlip,
    printer_test_layout,
    render_printer_test_escpos,
    render_printer_test_pdf,
    render_printer_test_png,
)
from shared.services import terminals
from tests.support.printer_ports import PrinterPort, closed_port

NOW = datetime(2026, 12, 3, 2, 30, tzinfo=UTC)  # 10:30 in the hall


@pytest.fixture
def listeners() -> Iterator[dict[str, PrinterPort]]:
    ports = {mode: PrinterPort(mode) for mode in ("ok", "paper_out", "silent")}
    yield ports
    for port in ports.values():
        port.close()


def _terminal_row(factory: sessionmaker[Session], code: str) -> Terminal:
    with factory() as session:
        row = session.scalar(select(Terminal).where(Terminal.code == code))
        assert row is not None
        session.expunge(row)
        return row


def test_add_update_list_and_set_printer(seeded_factory: sessionmaker[Session]) -> None:
    with seeded_factory.begin() as session:
        added = terminals.add_terminal(
            session, site="huarong", code="kiosk-09", kind="kiosk", location="二楼", actor="it"
        )
        assert (added.site_code, added.printer_summary, added.pin_set) == ("huarong", "none", False)
    with seeded_factory.begin() as session:
        with pytest.raises(Conflict):
            terminals.add_terminal(session, site="huarong", code="kiosk-09", kind="kiosk")
        with pytest.raises(ValidationError):
            terminals.add_terminal(session, site="huarong", code="k 1", kind="kiosk")
        with pytest.raises(ValidationError):
            terminals.add_terminal(session, site="huarong", code="k2", kind="toaster")
        with pytest.raises(NotFound):
            terminals.add_terminal(session, site="atlantis", code="k3", kind="kiosk")
    with seeded_factory.begin() as session:
        moved = terminals.update_terminal(
            session, "kiosk-09", location="三楼", kind="rating_pad", active=False, actor="it"
        )
        assert (moved.location, moved.kind, moved.active) == ("三楼", "rating_pad", False)
        info = terminals.set_printer(
            session, "kiosk-09", {"kind": "escpos-network", "host": "10.1.1.9"}, actor="it"
        )
        assert info.printer["check_status"] is True and info.printer["port"] == 9100
    with seeded_factory.begin() as session, pytest.raises(ValidationError, match="prot"):
        terminals.set_printer(
            session, "kiosk-09", {"kind": "escpos-network", "host": "h", "prot": 1}
        )
    assert _terminal_row(seeded_factory, "kiosk-09").printer["host"] == "10.1.1.9"
    with seeded_factory() as session:
        codes = [t.code for t in terminals.list_terminals(session, "huarong")]
        assert "kiosk-09" in codes and codes == sorted(codes)
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity_kind == "terminal")
        ).all()
        assert {"terminal.added", "terminal.updated", "terminal.printer_set"} <= set(actions)
        kinds = session.scalars(select(Change.kind).where(Change.entity_id == str(added.id))).all()
        assert kinds.count("terminal") == 3


def _pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_test_print_to_a_pdf_folder_is_read_back_and_recorded(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    with seeded_factory.begin() as session:
        terminals.set_printer(session, "kiosk-02", {"kind": "pdf-folder", "path": str(folder)})
    outcome, info = terminals.test_print(seeded_factory, "kiosk-02", actor="it", now=NOW)
    assert outcome.printed and info.last_print_result == "printed"
    (pdf,) = folder.glob("printtest-kiosk-02-*.pdf")
    text = _pdftotext(pdf)
    for expected in ("打印测试", "kiosk-02", "huarong", "2026-12-03 10:30", "中文打印正常"):
        assert expected in text
    row = _terminal_row(seeded_factory, "kiosk-02")
    assert (row.last_print_result, row.last_print_at) == ("printed", NOW)
    with seeded_factory() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "terminal.test_print"))
        assert entry is not None and entry.detail["result"] == "printed" and entry.actor == "it"
        assert session.scalar(
            select(Change.revision).where(
                Change.kind == "terminal", Change.entity_id == str(row.id)
            )
        )


@pytest.mark.parametrize(
    ("mode", "printed", "reason"),
    [
        ("ok", True, ""),
        ("paper_out", False, "out of paper"),
        ("silent", False, "did not answer"),
        ("refused", False, "unreachable"),
    ],
)
def test_test_print_over_the_network_records_what_the_printer_said(
    seeded_factory: sessionmaker[Session],
    listeners: dict[str, PrinterPort],
    mode: str,
    printed: bool,
    reason: str,
) -> None:
    port = closed_port() if mode == "refused" else listeners[mode].port
    config = {"kind": "escpos-network", "host": "127.0.0.1", "port": port, "timeout": 1}
    with seeded_factory.begin() as session:
        terminals.set_printer(session, "kiosk-02", config)
    outcome, info = terminals.test_print(seeded_factory, "kiosk-02", now=NOW)
    assert outcome.printed is printed
    assert info.last_print_result == ("printed" if printed else "failed")
    assert reason in info.last_print_detail
    row = _terminal_row(seeded_factory, "kiosk-02")
    assert row.last_print_result == info.last_print_result and row.last_print_at == NOW
    if mode == "refused":
        return
    (sent,) = listeners[mode].wait_received(1)
    assert sent.startswith(PAPER_STATUS_REQUEST)
    if printed:
        assert "打印测试".encode("gb18030") in sent and b"kiosk-02" in sent
    else:
        assert sent == PAPER_STATUS_REQUEST  # the slip itself was never sent


def test_test_print_needs_a_printer_and_the_console_for_system_queues(
    seeded_factory: sessionmaker[Session],
) -> None:
    with pytest.raises(Conflict, match="no printer"):
        terminals.test_print(seeded_factory, "kiosk-02")
    with seeded_factory.begin() as session:
        terminals.set_printer(session, "kiosk-02", {"kind": "system", "name": "Q"})
    with pytest.raises(Conflict, match="console"):
        terminals.test_print(seeded_factory, "kiosk-02")
    assert _terminal_row(seeded_factory, "kiosk-02").last_print_result == ""


def test_the_test_slip_layout_in_every_format() -> None:
    slip = PrinterTestSlip(
        "华容区政务服务中心", "huarong", "kiosk-01", "一楼", "pdf-folder /x", NOW
    )
    texts = [e.text for e in printer_test_layout(slip) if hasattr(e, "text")]
    assert "打印测试" in texts and "终端：kiosk-01" in texts
    assert render_printer_test_pdf(slip).startswith(b"%PDF")
    assert render_printer_test_png(slip).startswith(b"\x89PNG")
    escpos = render_printer_test_escpos(slip)
    assert "打印测试".encode("gb18030") in escpos and b"\x1d(k" in escpos  # native QR
    assert slip.qr_payload.isascii() and slip.file_name.isascii()


def test_every_terminal_write_audits_the_staff_member_s_id(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    """Issue #9: the console passes the signed-in staff member's id, not only a name, so each
    audit entry leads back to the account (add, update, printer, test print)."""
    with seeded_factory() as session:
        it = session.scalars(select(Staff).order_by(Staff.username)).first()
        assert it is not None
        it_id, it_name = it.id, it.username
    who = {"actor": it_name, "actor_id": it_id}
    with seeded_factory.begin() as session:
        added = terminals.add_terminal(
            session, site="huarong", code="kiosk-10", kind="kiosk", **who
        )
        terminals.update_terminal(session, "kiosk-10", location="二楼", **who)
        terminals.set_printer(
            session, "kiosk-10", {"kind": "pdf-folder", "path": str(tmp_path)}, **who
        )
        terminals.record_print_result(session, "kiosk-10", printed=False, detail="jam", **who)
    terminals.test_print(seeded_factory, "kiosk-10", now=NOW, **who)
    with seeded_factory() as session:
        entries = session.execute(
            select(AuditEntry.action, AuditEntry.actor, AuditEntry.actor_id).where(
                AuditEntry.entity_id == str(added.id)
            )
        ).all()
    assert sorted(action for action, _, _ in entries) == [
        "terminal.added",
        "terminal.printer_set",
        "terminal.test_print",
        "terminal.test_print",
        "terminal.updated",
    ]
    assert {(actor, actor_id) for _, actor, actor_id in entries} == {(it_name, it_id)}
