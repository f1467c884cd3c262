"""Catalog files in and out: the sheets of an XLSX workbook or the one sheet of a CSV, read
within limits, and written safely for Excel (issue #11). The catalog itself
(:func:`read_sheets`) and the hall's aliases (:func:`read_table`, the first sheet only) are
read and written here, so both refuse the same things with the same words.

Reading refuses, before it spends memory, a file over its :class:`Limits` (for the catalog
:data:`MAX_FILE_BYTES`), an XLSX whose parts unpack to more than :data:`MAX_UNPACKED_BYTES`
(a zip bomb) or has too many parts, a sheet of more than :data:`MAX_ROWS` rows and any column
past :data:`MAX_COLUMNS`. Writing makes every cell text (codes keep their digits); a text
that starts like a formula (``= + - @``) is marked as text in the XLSX and guarded with a
``'`` in the CSV.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from shared.errors import ValidationError
from shared.services.catalog_format import (
    HELP_SHEET,
    MATTER_SHEET,
    SHEET_ALIASES,
    SHEETS,
    Column,
    cell_text,
    safe_cell,
)

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = [
    "CATALOG_LIMITS",
    "FORMATS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "Limits",
    "Sheet",
    "empty_file",
    "format_of",
    "read_sheets",
    "read_table",
    "write_csv",
    "write_workbook",
]

FORMATS = (".csv", ".xlsx")
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_PARTS = 500
MAX_ROWS = 50_000
MAX_COLUMNS = 64

_T = TypeVar("_T")


@dataclass(frozen=True)
class Limits:
    """What a file may hold before it is refused: its size on disk, an XLSX's unpacked size
    and number of parts, the data rows of a sheet, and the columns read (later ones are
    ignored). A smaller kind of file (the aliases) passes smaller limits."""

    file_bytes: int = MAX_FILE_BYTES
    unpacked_bytes: int = MAX_UNPACKED_BYTES
    parts: int = MAX_PARTS
    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS


CATALOG_LIMITS = Limits()


@dataclass
class Sheet:
    """One sheet as read: its name, its header cells and its rows as ``(row number as the
    spreadsheet shows it, cell texts)`` (blank rows left out)."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def _refuse(path: Path, message: str, message_zh: str) -> ValidationError:
    return ValidationError(f"{path.name}: {message}", f"文件“{path.name}”{message_zh}")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}"


def format_of(path: Path) -> str:
    """``.csv`` or ``.xlsx``.

    Raises:
        ValidationError: another kind of file.
    """
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            f"unsupported file type {path.name!r}: use .xlsx or .csv",
            f"不支持文件“{path.name}”的类型：请用 .xlsx 或 .csv 文件。",
        )
    return suffix


def empty_file(path: Path) -> ValidationError:
    """The refusal of a file without even a header row (the caller raises it)."""
    return ValidationError(
        f"{path.name} is empty: the first row must hold the headers",
        f"文件“{path.name}”是空的：第一行应为表头。",
    )


def _check_size(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise _refuse(
            path,
            f"is {_mb(size)} MB, more than the {_mb(limits.file_bytes)} MB limit; "
            "split it into several files",
            f"有 {_mb(size)} MB，超过了 {_mb(limits.file_bytes)} MB 的上限，"
            "请拆分成几个文件分别导入。",
        )


def _check_zip(path: Path, limits: Limits) -> None:
    """Refuse an XLSX that would unpack to too much, from its directory, before reading it."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        # zipfile never yields more than a part's declared size, so the sum bounds the work.
        unpacked = sum(info.file_size for info in parts)
    if len(parts) > limits.parts or unpacked > limits.unpacked_bytes:
        raise _refuse(
            path,
            f"would unpack to {_mb(unpacked)} MB in {len(parts)} parts, more than "
            f"the limit ({_mb(limits.unpacked_bytes)} MB); refused",
            f"解压后有 {_mb(unpacked)} MB（{len(parts)} 个部分），超过了上限"
            f"（{_mb(limits.unpacked_bytes)} MB），已拒绝导入。",
        )


def _collect(
    path: Path,
    name: str,
    records: Iterable[Sequence[Any]],
    limits: Limits,
    *,
    comments: bool = False,
) -> Sheet:
    numbered = enumerate(records, start=1)
    top, header = next(numbered, (1, None))
    # Comment lines above the header (``# …``) are skipped but keep their row numbers.
    while comments and header and cell_text(header[0]).startswith("#"):
        top, header = next(numbered, (top + 1, None))
    sheet = Sheet(name, [cell_text(v) for v in header or ()])
    while sheet.headers and not sheet.headers[-1]:
        sheet.headers.pop()
    width = len(sheet.headers)
    for number, record in numbered:
        if number - top > limits.rows:
            raise _refuse(
                path,
                f"sheet {name} has more than {limits.rows} rows; split it into several files",
                f"的“{name}”表超过 {limits.rows} 行，请拆分成几个文件分别导入。",
            )
        cells = [cell_text(v) for v in list(record)[: max(width, 1)]]
        if any(cells):
            sheet.rows.append((number, cells))
    return sheet


def _csv_records(path: Path) -> Iterator[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    return csv.reader(io.StringIO(text, newline=""))


@contextmanager
def _workbook(path: Path, limits: Limits) -> Iterator[Workbook]:
    _check_zip(path, limits)
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        yield workbook
    finally:
        workbook.close()


def _read_xlsx(path: Path, limits: Limits) -> dict[str, Sheet]:
    with _workbook(path, limits) as workbook:
        names = {n: SHEET_ALIASES.get(n.strip(), n.strip()) for n in workbook.sheetnames}
        known = {n: k for n, k in names.items() if k in SHEETS}
        if MATTER_SHEET not in known.values():
            # One sheet of matters under another name (an older template, another platform).
            first = workbook.sheetnames[0]
            known = {first: MATTER_SHEET} | {n: k for n, k in known.items() if n != first}
        sheets = {}
        for name, kind in known.items():
            rows = workbook[name].iter_rows(values_only=True, max_col=limits.columns)
            sheets[kind] = _collect(path, kind, rows, limits)
        return sheets


def _within_limits(path: Path, limits: Limits, read: Callable[[str], _T]) -> _T:
    # Every refusal but ours becomes one message: the file is damaged or is not what it says.
    kind = format_of(path)
    try:
        _check_size(path, limits)
        return read(kind)
    except ValidationError:
        raise
    except (
        OSError,
        UnicodeDecodeError,
        csv.Error,
        ValueError,
        KeyError,
        TypeError,
        EOFError,
        zipfile.BadZipFile,  # a damaged .xlsx (or another file renamed to .xlsx)
        zipfile.LargeZipFile,
    ) as exc:
        raise ValidationError(
            f"cannot read {path.name}: {exc}",
            f"无法读取文件“{path.name}”：请确认它是完好的 Excel（.xlsx）或 CSV 文件。",
        ) from exc


def read_sheets(path: Path) -> dict[str, Sheet]:
    """The file's sheets by their standard name (事项, 材料, 流程, 一件事); a CSV is 事项.

    Raises:
        ValidationError: not a catalog file type, too big, a zip bomb, too many rows, or it
            cannot be read at all.
    """

    def read(kind: str) -> dict[str, Sheet]:
        if kind == ".csv":
            return {MATTER_SHEET: _collect(path, MATTER_SHEET, _csv_records(path), CATALOG_LIMITS)}
        return _read_xlsx(path, CATALOG_LIMITS)

    return _within_limits(path, CATALOG_LIMITS, read)


def read_table(
    path: Path, *, name: str, limits: Limits = CATALOG_LIMITS, comments: bool = False
) -> Sheet:
    """A one-table file: the CSV (its sheet called ``name``) or an XLSX's first sheet (by its
    own title); with ``comments``, lines starting with ``#`` above the header are skipped.

    Raises:
        ValidationError: as :func:`read_sheets`, within ``limits``.
    """

    def read(kind: str) -> Sheet:
        if kind == ".csv":
            return _collect(path, name, _csv_records(path), limits, comments=comments)
        with _workbook(path, limits) as workbook:
            first = workbook.worksheets[0]
            rows = first.iter_rows(values_only=True, max_col=limits.columns)
            return _collect(path, first.title, rows, limits, comments=comments)

    return _within_limits(path, limits, read)


# ---------------------------------------------------------------- writing

#: Columns of long texts (and web addresses) get wider cells.
_WIDE = ("name", "conditions", "materials", "steps", "step", "basis", "source")


def write_csv(path: Path, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
    """One sheet as CSV: UTF-8 with a BOM (Excel opens it right), formula starts guarded."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in columns])
        writer.writerows([safe_cell(str(v)) for v in row] for row in rows)


def write_workbook(
    path: Path,
    sheets: Sequence[tuple[str, Sequence[Column], Sequence[Any]]],
    notes: Sequence[str] = (),
) -> None:
    """Sheets of text cells, each ``(name, columns, rows)``, then the 填写说明 sheet: each
    column's header, whether it is required and its help, then ``notes`` (a line each)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    default = workbook.active
    assert default is not None
    workbook.remove(default)
    wrap = Alignment(wrap_text=True, vertical="top")
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append([c.header + (" *" if c.required else "") for c in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row_number, values in enumerate(rows, start=2):
            for column_number, value in enumerate(values, start=1):
                text = str(value)
                if not text:
                    continue  # an empty cell is left out: smaller, and quicker to read back
                cell = sheet.cell(row=row_number, column=column_number)
                cell.value = text
                # Text, never a formula or a number: codes keep their digits, "=…" stays text
                # (and Excel's quote prefix keeps it text when the cell is edited).
                cell.data_type = "s"
                cell.number_format = "@"
                if text.startswith(("=", "+", "-", "@")):
                    cell.quotePrefix = True
                if "\n" in text:
                    cell.alignment = wrap
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            wide = column.key in _WIDE
            sheet.column_dimensions[letter].width = 36 if wide else 16
    guide = workbook.create_sheet(HELP_SHEET)
    guide.append(["工作表", "列", "必填", "说明"])
    for title, columns, _rows in sheets:
        for column in columns:
            guide.append([title, column.header, "是" if column.required else "", column.help])
    if notes:
        guide.append([])
    for note in notes:
        guide.append(["", "", "", note])
    guide.column_dimensions["A"].width = 10
    guide.column_dimensions["B"].width = 16
    guide.column_dimensions["D"].width = 80
    workbook.save(path)
