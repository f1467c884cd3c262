"""Ticket printers without Qt (issue #3 item 5): a fake network printer port, real PDFs."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.errors import ValidationError
from shared.models import Ticket
from shared.printing import (
    EscposNetworkPrinter,
    EscposSerialPrinter,
    EscposUsbPrinter,
    PdfFolderPrinter,
    PrintError,
    TicketPrinter,
    printer_from_config,
)
from shared.printing.escpos_printers import PAPER_STATUS_REQUEST
from shared.rendering import EscposProfile, TicketSlip, render_ticket_escpos
from shared.services.ticket_codes import ticket_slip
from shared.services.tickets import issue_ticket, mark_printed, view


def _slip() -> TicketSlip:
    return TicketSlip(
        hall_name="华容区政务服务中心",
        site_code="huarong",
        number="A007",
        queue_name="综合受理",
        people_ahead=2,
        wait_minutes=(4, 8),
        issued_at=datetime(2026, 11, 26, 2, 0, tzinfo=UTC),
        business_date=date(2026, 11, 26),
        matter_name="居民身份证换领",
        materials=({"name": "居民户口簿", "original": 1, "copy": 1},),
        qr_payload="SH1:huarong:20261126:A007:ABCDEFGHIJ",
    )


@dataclass
class FakePrinterPort:
    """A TCP listener on 127.0.0.1 standing in for a printer's port 9100."""

    reply: Callable[[bytes], bytes | None] = lambda _data: None
    received: list[bytes] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(10)
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self._server.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            chunks = []
            while True:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                answer = self.reply(b"".join(chunks))
                if answer is not None:
                    conn.sendall(answer)
            self.received.append(b"".join(chunks))

    def close(self) -> bytes:
        self._thread.join(10)
        self._server.close()
        return b"".join(self.received)


@pytest.fixture
def port() -> Iterator[FakePrinterPort]:
    fake = FakePrinterPort()
    yield fake
    fake._server.close()


def test_network_printer_sends_exactly_the_escpos_bytes(port: FakePrinterPort) -> None:
    slip = _slip()
    # A printer that cannot report its status is set up with the check off.
    EscposNetworkPrinter("127.0.0.1", port.port, check_status=False).print_ticket(slip)
    assert port.close() == render_ticket_escpos(slip)


def test_network_printer_uses_its_profile(port: FakePrinterPort) -> None:
    slip = _slip()
    profile = EscposProfile(native_qr=False, width_dots=384)
    EscposNetworkPrinter("127.0.0.1", port.port, profile, check_status=False).print_ticket(slip)
    data = port.close()
    assert data == render_ticket_escpos(slip, profile)
    assert b"\x1dv0" in data


def _closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def test_refused_connection_is_a_print_error_in_chinese() -> None:
    printer = EscposNetworkPrinter("127.0.0.1", _closed_port(), timeout=2)
    with pytest.raises(PrintError) as caught:
        printer.print_ticket(_slip())
    assert "unreachable" in str(caught.value)
    assert "打印机" in caught.value.message_zh and "未连接" in caught.value.message_zh


def _paper_reply(status: int) -> Callable[[bytes], bytes | None]:
    def reply(data: bytes) -> bytes | None:
        return bytes((status,)) if data == PAPER_STATUS_REQUEST else None

    return reply


def test_out_of_paper_is_refused_before_printing() -> None:
    fake = FakePrinterPort(reply=_paper_reply(0x72))  # paper end bits 5 and 6 set
    printer = EscposNetworkPrinter("127.0.0.1", fake.port)  # status checked by default
    with pytest.raises(PrintError) as caught:
        printer.print_ticket(_slip())
    assert "缺纸" in caught.value.message_zh
    assert fake.close() == PAPER_STATUS_REQUEST


def test_paper_present_prints_after_the_status_check() -> None:
    fake = FakePrinterPort(reply=_paper_reply(0x12))
    slip = _slip()
    EscposNetworkPrinter("127.0.0.1", fake.port).print_ticket(slip)
    assert fake.close() == PAPER_STATUS_REQUEST + render_ticket_escpos(slip)


def test_a_silent_printer_is_not_printed_to_by_default() -> None:
    """Issue #9: no answer to DLE EOT is a failure, never a silent "printed"."""
    fake = FakePrinterPort()  # accepts, never answers
    printer = EscposNetworkPrinter("127.0.0.1", fake.port, timeout=0.5)
    with pytest.raises(PrintError) as caught:
        printer.print_ticket(_slip())
    assert "did not answer" in str(caught.value)
    assert "没有应答" in caught.value.message_zh
    assert fake.close() == PAPER_STATUS_REQUEST  # the ticket itself was never sent


def test_pdf_folder_printer_files_a_readable_pdf(tmp_path: Path) -> None:
    folder = tmp_path / "tickets"
    printer = PdfFolderPrinter(folder)
    printer.print_ticket(_slip())
    printer.print_ticket(_slip())  # a reprint replaces the file
    assert sorted(p.name for p in folder.iterdir()) == ["20261126-A007.pdf"]
    text = pypdf.PdfReader(folder / "20261126-A007.pdf").pages[0].extract_text()
    assert "A007" in text and "综合受理" in text and "居民户口簿" in text


def test_pdf_folder_printer_reports_an_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(PrintError) as caught:
        PdfFolderPrinter(blocker / "tickets").print_ticket(_slip())
    assert "无法保存" in caught.value.message_zh


def test_usb_and_serial_say_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "usb", None)
    monkeypatch.setitem(sys.modules, "usb.core", None)
    monkeypatch.setitem(sys.modules, "serial", None)
    with pytest.raises(PrintError, match="pyusb") as usb:
        EscposUsbPrinter(0x0416, 0x5011).print_ticket(_slip())
    with pytest.raises(PrintError, match="pyserial") as serial:
        EscposSerialPrinter("/dev/ttyUSB0").print_ticket(_slip())
    for caught in (usb, serial):
        assert caught.value.message_zh == "打印机驱动未安装，请联系工作人员。"


def test_printers_follow_the_protocol(tmp_path: Path) -> None:
    printers = [
        EscposNetworkPrinter("127.0.0.1"),
        EscposUsbPrinter(1, 2),
        EscposSerialPrinter("COM3"),
        PdfFolderPrinter(tmp_path),
    ]
    for printer in printers:
        assert isinstance(printer, TicketPrinter)
        assert printer.describe()


def test_printer_from_config(tmp_path: Path) -> None:
    assert printer_from_config(None) is None
    assert printer_from_config({}) is None
    assert printer_from_config({"kind": "none"}) is None

    network = printer_from_config(
        {"kind": "escpos-network", "host": "10.0.0.5", "native_qr": False, "width_dots": 384}
    )
    assert isinstance(network, EscposNetworkPrinter)
    assert (network.host, network.port) == ("10.0.0.5", 9100)
    assert network.profile == EscposProfile(native_qr=False, width_dots=384)

    usb = printer_from_config({"kind": "escpos-usb", "vendor": "0x0416", "product": 20497})
    assert isinstance(usb, EscposUsbPrinter) and (usb.vendor, usb.product) == (0x0416, 0x5011)

    serial = printer_from_config({"kind": "escpos-serial", "device": "/dev/ttyS0", "baud": 19200})
    assert isinstance(serial, EscposSerialPrinter) and serial.baud == 19200

    folder = printer_from_config({"kind": "pdf-folder", "path": str(tmp_path)})
    assert isinstance(folder, PdfFolderPrinter) and folder.folder == tmp_path

    made: list[object] = []
    system = printer_from_config(
        {"kind": "system", "name": "Kiosk"},
        system=lambda c: made.append(c) or PdfFolderPrinter(tmp_path),
    )
    assert made == [{"kind": "system", "name": "Kiosk"}] and system is not None


@pytest.mark.parametrize(
    "config",
    [
        {"kind": "system", "name": "Kiosk"},  # needs the Qt side
        {"kind": "carrier-pigeon"},
        {"kind": "escpos-network"},
        {"kind": "escpos-network", "host": "x", "port": "ninety"},
        {"kind": "escpos-usb", "vendor": "0x0416"},
        {"kind": "escpos-network", "host": "x", "width_dots": 5},
        {"kind": "pdf-folder"},
    ],
)
def test_bad_printer_config_is_refused(config: dict[str, object]) -> None:
    with pytest.raises(ValidationError) as caught:
        printer_from_config(config)
    assert caught.value.message_zh


OPEN = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


def test_failed_print_is_recorded_and_a_reprint_is_identical(
    seeded_factory: sessionmaker[Session], tmp_path: Path
) -> None:
    with seeded_factory.begin() as session:
        issued = issue_ticket(session, site="huarong", queue="A", channel="desk", now=OPEN)
        first = ticket_slip(session, issued)
    dead = EscposNetworkPrinter("127.0.0.1", _closed_port(), timeout=2)
    with pytest.raises(PrintError):
        dead.print_ticket(first)
    with seeded_factory.begin() as session:
        mark_printed(session, issued.id, False, now=OPEN)
    with seeded_factory.begin() as session:
        ticket = session.get_one(Ticket, issued.id)
        assert ticket.print_state == "print_failed" and ticket.state == "issued"
        again = ticket_slip(session, view(session, ticket, OPEN))
    assert (again.number, again.qr_payload, again.business_date) == (
        first.number,
        first.qr_payload,
        first.business_date,
    )
    PdfFolderPrinter(tmp_path).print_ticket(again)
    with seeded_factory.begin() as session:
        mark_printed(session, issued.id, True, now=OPEN)
    with seeded_factory() as session:
        assert session.scalar(select(Ticket.print_state).where(Ticket.id == issued.id)) == "printed"
    assert (tmp_path / f"20261126-{first.number}.pdf").exists()
