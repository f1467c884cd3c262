"""Printing from the apps: the system print queue, and printing off the GUI thread.

:class:`SystemPrinter` sends a ticket through Qt's print system (CUPS, Windows spooler) by
drawing the PNG rendering of the same ticket layout with ``QPainter`` on a borderless 80 mm
page — ``QTextDocument.print_`` would add margins and a page number.

:func:`print_in_background` prints on the :class:`~shared.qt.tasks.TaskRunner` worker thread,
then records the outcome with :func:`shared.services.tickets.mark_printed` in its own short
transaction (never holding the database while a printer times out). A failure leaves the
ticket valid: it is marked ``print_failed``, which reaches staff through the change feed, and
the screen keeps the number with the advice in :attr:`PrintOutcome.message_zh`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from sqlalchemy.orm import Session

from shared.printing import PrintError, TicketPrinter, printer_from_config
from shared.printing.base import NOT_CONNECTED_ZH, describe
from shared.qt.tasks import TaskRunner
from shared.rendering import EscposProfile, TicketSlip, render_ticket_png
from shared.rendering.escpos_render import render_receipt_escpos
from shared.rendering.layout import Element
from shared.rendering.png import render_receipt_png
from shared.services.tickets import mark_printed

log = logging.getLogger(__name__)

PAGE_WIDTH_MM = 80.0
MAX_DPI = 300
"""Rendering above this only grows the image; thermal printers have 203 dpi."""

NO_PRINTER_ZH = "本机不打印号票，请记住屏幕上的号码。"


class SystemPrinter:
    """A printer of the operating system's print queue.

    Args:
        name: the queue's name; ``None`` for the system default printer.
        output_file: print into this PDF file instead (tests, "print to file").
    """

    def __init__(self, name: str | None = None, *, output_file: str | None = None) -> None:
        self.name = name
        self.output_file = output_file

    def describe(self) -> str:
        """``system <name>``."""
        return f"system {self.name or '(default)'}"

    def _printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.output_file:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(self.output_file)
            return printer
        info = QPrinterInfo.printerInfo(self.name) if self.name else QPrinterInfo.defaultPrinter()
        if info.isNull():
            raise PrintError(f"no such system printer: {self.describe()}", NOT_CONNECTED_ZH)
        printer.setPrinterName(info.printerName())
        return printer

    def print_ticket(self, slip: TicketSlip) -> None:
        """Draw the slip on one page exactly as long as the ticket; safe off the GUI thread."""
        self._print_png(lambda dpi: render_ticket_png(slip, dpi), f"{slip.site_code} {slip.number}")

    def print_receipt(self, elements: Sequence[Element], name: str) -> None:
        """Draw another receipt (a guide slip) the same way; safe off the GUI thread."""
        self._print_png(lambda dpi: render_receipt_png(elements, dpi), name)

    def _print_png(self, render: Callable[[int], bytes], doc_name: str) -> None:
        printer = self._printer()
        dpi = max(72, min(printer.resolution(), MAX_DPI))
        image = QImage.fromData(render(dpi))
        if image.isNull():
            raise PrintError("the ticket image could not be loaded")
        height_mm = image.height() / dpi * 25.4
        printer.setDocName(doc_name)
        printer.setFullPage(True)
        layout = QPageLayout(
            QPageSize(
                QSizeF(PAGE_WIDTH_MM, height_mm),
                QPageSize.Unit.Millimeter,
                "ServiceHall ticket",
                QPageSize.SizeMatchPolicy.ExactMatch,
            ),
            QPageLayout.Orientation.Portrait,
            QMarginsF(0, 0, 0, 0),
            QPageLayout.Unit.Millimeter,
        )
        if not printer.setPageLayout(layout):
            log.info("%s refused the 80 mm page; printing on its own paper", self.describe())
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintError(f"{self.describe()} did not accept the job", NOT_CONNECTED_ZH)
        try:
            page = printer.paperRect(QPrinter.Unit.DevicePixel)
            width = page.width()
            target = QRectF(0, 0, width, width * image.height() / image.width())
            painter.drawImage(target, image)
        finally:
            if not painter.end():
                raise PrintError(f"{self.describe()} failed to finish the job", NOT_CONNECTED_ZH)


def qt_printer_from_config(config: Mapping[str, Any] | None) -> TicketPrinter | None:
    """:func:`shared.printing.printer_from_config` with the ``system`` kind available."""
    return printer_from_config(
        config, system=lambda c: SystemPrinter(str(c["name"]) if c.get("name") else None)
    )


@dataclass(frozen=True)
class PrintOutcome:
    """How printing a ticket went, as the screen needs it.

    Attributes:
        ticket_id: the ticket.
        number: its number (keep it on screen when ``printed`` is false).
        printed: the printer took the ticket.
        recorded: the outcome was saved (``mark_printed``); false when the database failed or
            there is no printer.
        message_zh: advice for the visitor or clerk when not printed, else ``None``.
        error: the English detail for the log, else ``None``.
    """

    ticket_id: uuid.UUID
    number: str
    printed: bool
    recorded: bool
    message_zh: str | None = None
    error: str | None = None


def print_in_background(
    runner: TaskRunner,
    printer: TicketPrinter | None,
    slip: TicketSlip,
    ticket_id: uuid.UUID,
    on_done: Callable[[PrintOutcome], None] | None = None,
) -> None:
    """Print ``slip`` on the worker thread, record the outcome, then call ``on_done``.

    ``on_done`` runs on the GUI thread with a :class:`PrintOutcome`; it is always called,
    whatever failed. With no printer nothing is printed or recorded.
    """

    def report(outcome: PrintOutcome) -> None:
        if on_done is not None:
            on_done(outcome)

    if printer is None:
        report(PrintOutcome(ticket_id, slip.number, False, False, NO_PRINTER_ZH))
        return

    def do_print() -> PrintError | None:
        try:
            printer.print_ticket(slip)
        except PrintError as exc:
            return exc
        except Exception as exc:  # a driver bug must not lose the ticket: treat as a failure
            return PrintError(f"unexpected {type(exc).__name__}: {exc}")
        return None

    def printed(error: PrintError | None) -> None:
        ok = error is None
        if error is not None:
            log.warning("printing %s on %s failed: %s", slip.number, describe(printer), error)

        def record(session: Session) -> None:
            mark_printed(session, ticket_id, ok)

        def finish(recorded: bool) -> None:
            report(
                PrintOutcome(
                    ticket_id,
                    slip.number,
                    ok,
                    recorded,
                    None if error is None else error.message_zh,
                    None if error is None else str(error),
                )
            )

        def not_recorded(exc: BaseException) -> None:
            log.warning("recording the print of %s failed: %s", slip.number, type(exc).__name__)
            finish(False)

        runner.submit(record, on_done=lambda _result: finish(True), on_error=not_recorded)

    def crashed(exc: BaseException) -> None:
        printed(PrintError(f"printing crashed: {type(exc).__name__}"))

    runner.submit(do_print, on_done=printed, on_error=crashed, with_session=False)


def print_receipt(printer: object, elements: Sequence[Element], name: str) -> None:
    """Print a receipt other than a ticket (a guide slip) on a terminal's printer; blocks.

    ESC/POS printers get the ESC/POS rendering for their own profile, the PDF folder and the
    system queue their own ``print_receipt``; one layout, one renderer per format.

    Args:
        printer: a printer built by :func:`qt_printer_from_config`.
        elements: the receipt's layout.
        name: an ASCII name for the job (and the PDF folder's file).

    Raises:
        PrintError: the printer failed, or cannot print anything but tickets.
    """
    method = getattr(printer, "print_receipt", None)
    if callable(method):
        method(elements, name)
        return
    send, profile = getattr(printer, "send", None), getattr(printer, "profile", None)
    if callable(send) and isinstance(profile, EscposProfile):
        send(render_receipt_escpos(elements, profile))
        return
    raise PrintError(f"{describe(printer)} prints tickets only", "本机打印机暂不能打印指南。")


def print_receipt_in_background(
    runner: TaskRunner,
    printer: object,
    elements: Sequence[Element],
    name: str,
    on_done: Callable[[PrintError | None], None],
) -> None:
    """:func:`print_receipt` on the worker thread; ``on_done(None)`` or ``on_done(error)``
    on the GUI thread (always called; nothing is recorded: a guide slip is no ticket)."""

    def do_print() -> PrintError | None:
        try:
            print_receipt(printer, elements, name)
        except PrintError as exc:
            log.warning("printing %s on %s failed: %s", name, describe(printer), exc)
            return exc
        except Exception as exc:  # a driver bug is a failed print, not a crash
            log.warning("printing %s crashed: %s", name, type(exc).__name__)
            return PrintError(f"unexpected {type(exc).__name__}: {exc}")
        return None

    runner.submit(
        do_print,
        on_done=on_done,
        on_error=lambda exc: on_done(PrintError(f"printing crashed: {type(exc).__name__}")),
        with_session=False,
    )
