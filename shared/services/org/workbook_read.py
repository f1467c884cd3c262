"""Reading the organisation workbook: sheets, headers and rows, with every problem collected.

Reading never stops at the first problem: a missing sheet or column, a bad cell, a duplicate
code are each recorded as a :class:`shared.errors.CellProblem` and reading goes on, so the
import can refuse the file once with everything that is wrong in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from shared.errors import CellProblem, HallError, ValidationError
from shared.services.org.workbook_format import FIRST_DATA_ROW, HELP_ROW, SHEETS, SheetSpec, text_of

T = TypeVar("T")


@dataclass(frozen=True)
class Row:
    """One data row: its number as Excel shows it and its cells as text, by column key."""

    sheet: SheetSpec
    number: int
    cells: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.cells.get(key, "")


@dataclass
class Problems:
    """Every problem found so far, in the order found."""

    items: list[CellProblem] = field(default_factory=list)
    #: Sheets missing or missing a column: references to their records are not checked, so
    #: one missing sheet is one problem, not one per row that refers to it.
    broken: set[str] = field(default_factory=set)

    def add(self, sheet: str, row: int, column: str, en: str, zh: str) -> None:
        """Record one problem (``column`` is a header, or empty for a whole sheet)."""
        self.items.append(CellProblem(sheet, row, column, en, zh))

    def at(self, row: Row, key: str, error: HallError) -> None:
        """Record ``error`` against one cell of ``row``."""
        header = row.sheet.header(key) if key else ""
        self.add(row.sheet.title, row.number, header, str(error), error.message_zh)

    def cell(self, row: Row, key: str, parse: Callable[[str], T]) -> T | None:
        """``parse(cell text)``, or ``None`` with the problem recorded."""
        try:
            return parse(row[key])
        except ValidationError as exc:
            self.at(row, key, exc)
            return None

    def required(self, row: Row, key: str) -> str | None:
        """The cell's text, or ``None`` with "required" recorded when it is blank."""
        text = row[key]
        if not text:
            header = row.sheet.header(key)
            self.add(
                row.sheet.title, row.number, header, f"{header} is required", f"请填写{header}。"
            )
            return None
        return text


def _is_help_row(spec: SheetSpec, keys: list[str | None], record: tuple[Any, ...]) -> bool:
    helps = {c.key: c.help for c in spec.columns}
    return any(
        key is not None and text_of(value) == helps[key]
        for key, value in zip(keys, record, strict=False)
    )


def _sheet_rows(spec: SheetSpec, records: list[tuple[Any, ...]], problems: Problems) -> list[Row]:
    if not records:
        problems.add(spec.title, 1, "", "the header row is missing", "缺少表头行。")
        problems.broken.add(spec.title)
        return []
    by_header = {c.header: c.key for c in spec.columns}
    keys: list[str | None] = []
    for value in records[0]:
        header = text_of(value).strip("*＊ ")
        key = by_header.get(header)
        if key is not None and key in keys:
            problems.add(spec.title, 1, header, "the column appears twice", "该列重复。")
            key = None
        keys.append(key)  # columns the workbook adds for its own notes are ignored
    missing = [c for c in spec.columns if c.required and c.key not in keys]
    for column in missing:
        problems.add(
            spec.title, 1, column.header, "the column is missing", f"缺少“{column.header}”列。"
        )
    if missing:
        problems.broken.add(spec.title)
        return []
    rows = []
    for number, record in enumerate(records[1:], start=HELP_ROW):
        if number == HELP_ROW and _is_help_row(spec, keys, record):
            continue
        cells = {
            key: text_of(value) for key, value in zip(keys, record, strict=False) if key is not None
        }
        if any(cells.values()):
            rows.append(Row(spec, number, cells))
    return rows


def read_workbook(path: Path, problems: Problems) -> dict[str, list[Row]]:
    """Each sheet's data rows by title (missing sheets recorded as problems, given no rows).

    Raises:
        ValidationError: the file is not a workbook that can be opened at all.
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise ValidationError(
            f"cannot read {path.name}: {exc}", f"无法读取 {path.name}，请确认是 .xlsx 文件。"
        ) from exc
    except Exception as exc:  # zipfile.BadZipFile and openpyxl's own errors
        raise ValidationError(
            f"cannot read {path.name}: not an .xlsx workbook ({type(exc).__name__})",
            f"无法读取 {path.name}，请确认是 .xlsx 文件。",
        ) from exc
    try:
        found: dict[str, list[Row]] = {}
        for spec in SHEETS:
            if spec.title not in book.sheetnames:
                problems.add(
                    spec.title, 0, "", "the sheet is missing", f"缺少“{spec.title}”工作表。"
                )
                found[spec.title] = []
                problems.broken.add(spec.title)
                continue
            records = list(book[spec.title].iter_rows(values_only=True))
            found[spec.title] = _sheet_rows(spec, records, problems)
        return found
    finally:
        book.close()


__all__ = ["FIRST_DATA_ROW", "Problems", "Row", "read_workbook"]
