"""Receipt printers that take ESC/POS bytes: over the network, USB or a serial line.

Each renders the slip with :func:`shared.rendering.render_ticket_escpos` for its own profile,
then sends the bytes. The network printer is a plain TCP socket to port 9100 with a timeout
(what python-escpos's ``Network`` does, minus its silent retries); USB goes through
python-escpos and pyusb, serial through pyserial — both imported only when used, so a kiosk
without them still starts and says clearly what is missing.

Status checking (issue #9): by default each printer first asks for its paper sensor
(``DLE EOT 4``) and prints only on a clear answer. Paper-out is refused, and so is no answer at
all: a printer that is silent, switched off behind a print server or not an ESC/POS printer is
never reported as having printed. Printers that cannot answer are set up with
``check_status: false`` (``hall terminal set-printer … --no-check-status``).
"""

from __future__ import annotations

import importlib
import logging
import socket
from collections.abc import Sequence
from typing import Any

from shared.printing.base import NOT_CONNECTED_ZH, NOT_INSTALLED_ZH, OUT_OF_PAPER_ZH, PrintError
from shared.rendering import EscposProfile, TicketSlip, render_ticket_escpos
from shared.rendering.escpos_render import render_receipt_escpos
from shared.rendering.layout import Element

log = logging.getLogger(__name__)

PAPER_STATUS_REQUEST = b"\x10\x04\x04"
"""``DLE EOT 4``: ask for the roll paper sensor status (one byte back)."""
PAPER_END_BITS = 0x60
NO_ANSWER_ZH = "打印机没有应答，请记住屏幕上的号码，或请工作人员补打。"


def check_paper_status(status: bytes, name: str) -> None:
    """Refuse unless ``status`` is a clear "paper present" answer to ``DLE EOT 4``.

    Raises:
        PrintError: no answer (``status`` empty) or the paper-end sensor is set.
    """
    if not status:
        raise PrintError(f"printer {name} did not answer the status request", NO_ANSWER_ZH)
    if status[0] & PAPER_END_BITS:
        raise PrintError(f"printer {name} is out of paper", OUT_OF_PAPER_ZH)


class EscposNetworkPrinter:
    """An ESC/POS printer on the network (raw TCP, usually port 9100).

    Args:
        host: the printer's address.
        port: its raw printing port.
        profile: what the printer can do (native QR, paper width).
        timeout: seconds to connect and to send before giving up.
        check_status: ask the printer for its paper sensor first; refuse when the roll is out
            or when the printer does not answer within ``timeout`` (the default: a silent
            printer must not count as printed).
    """

    def __init__(
        self,
        host: str,
        port: int = 9100,
        profile: EscposProfile | None = None,
        *,
        timeout: float = 5.0,
        check_status: bool = True,
    ) -> None:
        self.host = host
        self.port = port
        self.profile = profile or EscposProfile()
        self.timeout = timeout
        self.check_status = check_status

    def describe(self) -> str:
        """``escpos-network host:port``."""
        return f"escpos-network {self.host}:{self.port}"

    def print_ticket(self, slip: TicketSlip) -> None:
        """Render and send the slip."""
        self.send(render_ticket_escpos(slip, self.profile))

    def print_receipt(self, elements: Sequence[Element], name: str) -> None:
        """Render another receipt (a guide or test slip) for this printer and send it."""
        self.send(render_receipt_escpos(elements, self.profile))

    def send(self, data: bytes) -> None:
        """Send raw ESC/POS bytes.

        Raises:
            PrintError: the printer cannot be reached, closes the connection, does not answer
                the status request or is out of paper.
        """
        try:
            with socket.create_connection((self.host, self.port), timeout=self.timeout) as sock:
                if self.check_status:
                    self._check_status(sock)
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
                self._drain(sock)
        except PrintError:
            raise
        except OSError as exc:
            raise PrintError(
                f"printer {self.host}:{self.port} unreachable: {exc}", NOT_CONNECTED_ZH
            ) from exc

    def _drain(self, sock: socket.socket) -> None:
        # Read whatever the printer says until it closes, briefly: closing with unread bytes
        # would reset the connection and could drop the tail of the job. Printers that keep
        # the connection open are left after a second; the bytes were already handed over.
        sock.settimeout(min(self.timeout, 1.0))
        try:
            while sock.recv(1024):
                pass
        except OSError as exc:
            log.debug("printer %s:%s after the job: %s", self.host, self.port, exc)

    def _check_status(self, sock: socket.socket) -> None:
        sock.sendall(PAPER_STATUS_REQUEST)
        try:
            status = sock.recv(1)
        except TimeoutError:
            status = b""
        check_paper_status(status, f"{self.host}:{self.port}")


class EscposUsbPrinter:
    """An ESC/POS printer on USB, found by vendor and product id (needs pyusb and libusb)."""

    def __init__(
        self,
        vendor: int,
        product: int,
        profile: EscposProfile | None = None,
        *,
        timeout_ms: int = 5000,
        in_ep: int = 0x82,
        out_ep: int = 0x01,
        check_status: bool = True,
    ) -> None:
        self.vendor = vendor
        self.product = product
        self.profile = profile or EscposProfile()
        self.timeout_ms = timeout_ms
        self.in_ep = in_ep
        self.out_ep = out_ep
        self.check_status = check_status

    def describe(self) -> str:
        """``escpos-usb vvvv:pppp``."""
        return f"escpos-usb {self.vendor:04x}:{self.product:04x}"

    def print_ticket(self, slip: TicketSlip) -> None:
        """Render and send the slip."""
        self.send(render_ticket_escpos(slip, self.profile))

    def print_receipt(self, elements: Sequence[Element], name: str) -> None:
        """Render another receipt (a guide or test slip) for this printer and send it."""
        self.send(render_receipt_escpos(elements, self.profile))

    def send(self, data: bytes) -> None:
        """Send raw ESC/POS bytes over USB."""
        try:
            importlib.import_module("usb.core")  # pyusb: python-escpos's Usb needs it
        except ImportError as exc:
            raise PrintError(
                "USB printing needs pyusb: pip install pyusb (and libusb-1.0)", NOT_INSTALLED_ZH
            ) from exc
        from shared.rendering.escpos_library import Usb

        printer: Any = Usb(
            self.vendor,
            self.product,
            timeout=self.timeout_ms,
            in_ep=self.in_ep,
            out_ep=self.out_ep,
        )
        try:
            printer.open()
            if self.check_status:
                status = bytes(printer.query_status(PAPER_STATUS_REQUEST) or b"")
                check_paper_status(status, self.describe())
            printer._raw(data)
        except PrintError:
            raise
        except Exception as exc:  # pyusb and python-escpos raise several unrelated types
            raise PrintError(
                f"USB printer {self.describe()} failed: {type(exc).__name__}: {exc}",
                NOT_CONNECTED_ZH,
            ) from exc
        finally:
            try:
                printer.close()
            except Exception:  # closing a device that never opened
                log.debug("closing %s failed", self.describe())


class EscposSerialPrinter:
    """An ESC/POS printer on a serial line (``/dev/ttyUSB0``, ``COM3``; needs pyserial)."""

    def __init__(
        self,
        device: str,
        baud: int = 9600,
        profile: EscposProfile | None = None,
        *,
        timeout: float = 5.0,
        check_status: bool = True,
    ) -> None:
        self.device = device
        self.baud = baud
        self.profile = profile or EscposProfile()
        self.timeout = timeout
        self.check_status = check_status

    def describe(self) -> str:
        """``escpos-serial device@baud``."""
        return f"escpos-serial {self.device}@{self.baud}"

    def print_ticket(self, slip: TicketSlip) -> None:
        """Render and send the slip."""
        self.send(render_ticket_escpos(slip, self.profile))

    def print_receipt(self, elements: Sequence[Element], name: str) -> None:
        """Render another receipt (a guide or test slip) for this printer and send it."""
        self.send(render_receipt_escpos(elements, self.profile))

    def send(self, data: bytes) -> None:
        """Send raw ESC/POS bytes down the serial line (hardware flow control off)."""
        try:
            serial: Any = importlib.import_module("serial")
        except ImportError as exc:
            raise PrintError(
                "serial printing needs pyserial: pip install pyserial", NOT_INSTALLED_ZH
            ) from exc
        try:
            with serial.Serial(
                self.device, self.baud, timeout=self.timeout, write_timeout=self.timeout
            ) as port:
                if self.check_status:
                    port.write(PAPER_STATUS_REQUEST)
                    check_paper_status(bytes(port.read(1)), self.describe())
                port.write(data)
                port.flush()
        except (OSError, serial.SerialException) as exc:
            raise PrintError(
                f"serial printer {self.describe()} failed: {exc}", NOT_CONNECTED_ZH
            ) from exc
