"""What every ticket printer is: a slip in, paper out, or a :class:`PrintError`.

Printers render with the pure renderers and only move bytes; they never touch the database.
Marking a ticket printed or print-failed is the caller's job (``shared.qt.printing`` does it
off the GUI thread), so a failed print leaves the ticket valid and reprintable.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from shared.errors import HallError
from shared.rendering import TicketSlip


class PrintError(HallError):
    """A ticket could not be printed; ``message_zh`` tells the visitor or clerk what to do."""

    default_zh = "打印机缺纸或未连接，请记住屏幕上的号码，或请工作人员补打。"


NOT_CONNECTED_ZH = "打印机未连接，请记住屏幕上的号码，或请工作人员补打。"
OUT_OF_PAPER_ZH = "打印机缺纸，请记住屏幕上的号码，或请工作人员补打。"
NOT_INSTALLED_ZH = "打印机驱动未安装，请联系工作人员。"


@runtime_checkable
class TicketPrinter(Protocol):
    """Anything that prints a ticket slip (the printers here also offer ``describe()``)."""

    def print_ticket(self, slip: TicketSlip) -> None:
        """Print ``slip``; blocks until the bytes are handed over.

        Raises:
            PrintError: the printer is missing, unreachable, out of paper or refused the job.
        """
        ...


def describe(printer: object) -> str:
    """A printer's short description for logs (its ``describe()`` when it has one)."""
    method = getattr(printer, "describe", None)
    return str(method()) if callable(method) else type(printer).__name__
