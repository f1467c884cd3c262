"""Ticket printers (no Qt): ESC/POS over network, USB or serial, and a folder of PDFs.

The system print queue needs Qt and lives in ``shared.qt.printing``, which also prints in the
background and records the outcome. Everything here blocks; never call it on the GUI thread.
"""

from __future__ import annotations

from shared.printing.base import PrintError, TicketPrinter
from shared.printing.config import (
    KINDS,
    describe_config,
    printer_from_config,
    validate_printer_config,
)
from shared.printing.escpos_printers import (
    EscposNetworkPrinter,
    EscposSerialPrinter,
    EscposUsbPrinter,
)
from shared.printing.pdf_folder import PdfFolderPrinter

__all__ = [
    "KINDS",
    "EscposNetworkPrinter",
    "EscposSerialPrinter",
    "EscposUsbPrinter",
    "PdfFolderPrinter",
    "PrintError",
    "TicketPrinter",
    "describe_config",
    "printer_from_config",
    "validate_printer_config",
]
