"""A "printer" that files each ticket as a PDF: for a desk without a receipt printer, for an
archive, and for testing a terminal's set-up without paper.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from shared.printing.base import PrintError
from shared.rendering import TicketSlip, render_ticket_pdf
from shared.rendering.layout import Element
from shared.rendering.pdf import render_receipt_pdf


class PdfFolderPrinter:
    """Writes ``<business date>-<number>.pdf`` into a folder, atomically.

    The file appears whole or not at all (written beside it, then renamed), so a program
    watching the folder never picks up half a PDF; a reprint replaces the file.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def describe(self) -> str:
        """``pdf-folder <path>``."""
        return f"pdf-folder {self.folder}"

    def path_for(self, slip: TicketSlip) -> Path:
        """Where the slip's PDF goes."""
        return self.folder / f"{slip.business_date:%Y%m%d}-{slip.number}.pdf"

    def print_ticket(self, slip: TicketSlip) -> None:
        """Render the slip and file it."""
        self._write(self.path_for(slip), render_ticket_pdf(slip))

    def print_receipt(self, elements: Sequence[Element], name: str) -> None:
        """File another receipt (a guide slip) as ``<name>.pdf``."""
        self._write(self.folder / f"{name}.pdf", render_receipt_pdf(elements, title=name))

    def _write(self, target: Path, data: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(prefix=".", suffix=".part", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temp, target)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise PrintError(
                f"cannot write {target}: {exc}", "无法保存号票文件，请联系工作人员。"
            ) from exc
