"""Printing from the apps (issue #3 item 5): the system queue via QPainter, and printing in the
background with the outcome recorded for staff."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
from PIL import Image
from pytestqt.qtbot import QtBot
from pyzbar.pyzbar import decode
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.models import Ticket
from shared.models.feed import Change
from shared.printing import EscposNetworkPrinter, PdfFolderPrinter, PrintError
from shared.qt.printing import (
    NO_PRINTER_ZH,
    PrintOutcome,
    SystemPrinter,
    print_in_background,
    qt_printer_from_config,
)
from shared.qt.tasks import TaskRunner
from shared.rendering import TicketSlip
from shared.services.ticket_codes import installation_secret, ticket_slip, verify_payload
from shared.services.tickets import issue_ticket, view

OPEN = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)  # Thursday 10:00 in the hall


@pytest.fixture
def runner(sqlite_factory: sessionmaker[Session]) -> Iterator[TaskRunner]:
    tasks = TaskRunner(sqlite_factory)
    yield tasks
    tasks.shutdown()


@pytest.fixture
def issued(sqlite_factory: sessionmaker[Session]) -> tuple[TicketSlip, bytes]:
    with sqlite_factory.begin() as session:
        ticket = issue_ticket(session, site="huarong", queue="A", channel="desk", now=OPEN)
        return ticket_slip(session, ticket), installation_secret(session)


def _closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def _qr_from_pdf(pdf: Path, tmp_path: Path) -> list[str]:
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    with Image.open(tmp_path / "page.png") as image:
        return [s.data.decode("ascii") for s in decode(image)]


def test_system_printer_draws_the_ticket_on_an_80mm_page(
    qapp: object, issued: tuple[TicketSlip, bytes], tmp_path: Path
) -> None:
    slip, secret = issued
    out = tmp_path / "qt.pdf"
    SystemPrinter(output_file=str(out)).print_ticket(slip)
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(80 / 25.4 * 72, abs=1)
    assert float(box.height) > float(box.width)
    (payload,) = _qr_from_pdf(out, tmp_path)
    assert payload == slip.qr_payload
    assert verify_payload(payload, secret).number == slip.number


def test_a_missing_system_printer_is_a_print_error(
    qapp: object, issued: tuple[TicketSlip, bytes]
) -> None:
    with pytest.raises(PrintError) as caught:
        SystemPrinter("no-such-printer-在此").print_ticket(issued[0])
    assert "打印机" in caught.value.message_zh


def test_config_with_the_system_kind(qapp: object) -> None:
    printer = qt_printer_from_config({"kind": "system", "name": "Kiosk"})
    assert isinstance(printer, SystemPrinter) and printer.name == "Kiosk"
    assert qt_printer_from_config({"kind": "none"}) is None


def test_failed_print_is_marked_alerted_and_reprints_identically(
    qtbot: QtBot,
    runner: TaskRunner,
    sqlite_factory: sessionmaker[Session],
    issued: tuple[TicketSlip, bytes],
    tmp_path: Path,
) -> None:
    slip, secret = issued
    with sqlite_factory() as session:
        ticket_id = session.scalars(select(Ticket.id).where(Ticket.number == slip.number)).one()
        last_change = session.scalar(select(Change.revision).order_by(Change.revision.desc()))
    outcomes: list[PrintOutcome] = []
    dead = EscposNetworkPrinter("127.0.0.1", _closed_port(), timeout=2)

    print_in_background(runner, dead, slip, ticket_id, outcomes.append)
    assert outcomes == []  # nothing happened on the calling (GUI) thread
    qtbot.waitUntil(lambda: len(outcomes) == 1, timeout=10_000)
    failed = outcomes[0]
    assert (failed.printed, failed.recorded, failed.number) == (False, True, slip.number)
    assert failed.message_zh and "打印机" in failed.message_zh
    with sqlite_factory() as session:
        ticket = session.get_one(Ticket, ticket_id)
        assert (ticket.state, ticket.print_state) == ("issued", "print_failed")
        alerts = session.scalars(
            select(Change).where(Change.revision > (last_change or 0), Change.kind == "ticket")
        ).all()
        assert [(c.entity_id, c.action) for c in alerts] == [(str(ticket_id), "print_failed")]
        reprint = ticket_slip(session, view(session, ticket, OPEN))
    assert (reprint.number, reprint.qr_payload) == (slip.number, slip.qr_payload)

    folder = tmp_path / "reprints"
    print_in_background(runner, PdfFolderPrinter(folder), reprint, ticket_id, outcomes.append)
    qtbot.waitUntil(lambda: len(outcomes) == 2, timeout=10_000)
    assert outcomes[1] == PrintOutcome(ticket_id, slip.number, True, True)
    with sqlite_factory() as session:
        assert session.get_one(Ticket, ticket_id).print_state == "printed"
    pdf = folder / f"{slip.business_date:%Y%m%d}-{slip.number}.pdf"
    assert pdf.exists()
    if shutil.which("pdftoppm"):
        (payload,) = _qr_from_pdf(pdf, tmp_path)
        assert payload == slip.qr_payload and verify_payload(payload, secret)


def test_no_printer_reports_at_once_and_records_nothing(
    runner: TaskRunner, sqlite_factory: sessionmaker[Session], issued: tuple[TicketSlip, bytes]
) -> None:
    slip, _ = issued
    outcomes: list[PrintOutcome] = []
    with sqlite_factory() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == slip.number)).one()
    print_in_background(runner, None, slip, ticket.id, outcomes.append)
    assert outcomes == [PrintOutcome(ticket.id, slip.number, False, False, NO_PRINTER_ZH)]
    with sqlite_factory() as session:
        assert session.get_one(Ticket, ticket.id).print_state == "pending"


def test_a_crashing_driver_still_leaves_a_valid_ticket_marked_failed(
    qtbot: QtBot,
    runner: TaskRunner,
    sqlite_factory: sessionmaker[Session],
    issued: tuple[TicketSlip, bytes],
) -> None:
    slip, _ = issued

    class Broken:
        def describe(self) -> str:
            return "broken"

        def print_ticket(self, slip: TicketSlip) -> None:
            raise RuntimeError("driver bug")

    with sqlite_factory() as session:
        ticket_id = session.scalars(select(Ticket.id).where(Ticket.number == slip.number)).one()
    outcomes: list[PrintOutcome] = []
    print_in_background(runner, Broken(), slip, ticket_id, outcomes.append)
    qtbot.waitUntil(lambda: len(outcomes) == 1, timeout=10_000)
    assert not outcomes[0].printed and outcomes[0].recorded
    assert outcomes[0].error and "RuntimeError" in outcomes[0].error
    with sqlite_factory() as session:
        assert session.get_one(Ticket, ticket_id).print_state == "print_failed"
