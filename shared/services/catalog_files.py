"""Catalog files in and out: the sheets of an XLSX workbook or the one sheet of a CSV, read
within limits, and written safely for Excel (issue #11).

Reading refuses, before it spends memory, a file over :data:`MAX_FILE_BYTES`, an XLSX whose
parts unpack to more than :data:`MAX_UNPACKED_BYTES` (a zip bomb) or has too many parts, a
sheet of more than :data:`MAX_ROWS` rows and any column past :data:`MAX_COLUMNS`. Writing
makes every cell text (codes keep their digits); a text that starts like a formula
(``= + - @``) is marked as text in the XLSX and guarded with a ``'`` in the CSV.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "Sheet",
    "format_of",
    "read_sheets",
    "write_csv",
    "write_workbook",
]

FORMATS = (".csv", ".xlsx")
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_PARTS = 500
MAX_ROWS = 50_000
MAX_COLUMNS = 64


@dataclass
class Sheet:
    """One sheet as read: its name, its header cells and its rows as ``(row number as the
    spreadsheet shows it, cell texts)`` (blank rows left out)."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def _refuse(path: Path, message: str, message_zh: str) -> ValidationError:
    return ValidationError(f"{path.name}: {message}", f"文件“{path.name}”{message_zh}")


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


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _refuse(
            path,
            f"is {size / 1024 / 1024:.0f} MB, more than the {MAX_FILE_BYTES // 1024 // 1024} MB "
            "a catalog file may have; split it into several files",
            f"有 {size / 1024 / 1024:.0f} MB，超过了 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限，"
            "请拆分成几个文件分别导入。",
        )


def _check_zip(path: Path) -> None:
    """Refuse an XLSX that would unpack to too much, from its directory, before reading it."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        # zipfile never yields more than a part's declared size, so the sum bounds the work.
        unpacked = sum(info.file_size for info in parts)
    if len(parts) > MAX_PARTS or unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(
            path,
            f"would unpack to {unpacked / 1024 / 1024:.0f} MB in {len(parts)} parts, more than "
            f"a catalog workbook may ({MAX_UNPACKED_BYTES // 1024 // 1024} MB); refused",
            f"解压后有 {unpacked / 1024 / 1024:.0f} MB（{len(parts)} 个部分），超过了上限"
            f"（{MAX_UNPACKED_BYTES // 1024 // 1024} MB），已拒绝导入。",
        )


def _too_many_rows(path: Path, sheet: str) -> ValidationError:
    return _refuse(
        path,
        f"sheet {sheet} has more than {MAX_ROWS} rows; split it into several files",
        f"的“{sheet}”表超过 {MAX_ROWS} 行，请拆分成几个文件分别导入。",
    )


def _collect(path: Path, name: str, records: Iterator[Sequence[Any]]) -> Sheet:
    header = next(records, None)
    sheet = Sheet(name, [cell_text(v) for v in header or ()])
    while sheet.headers and not sheet.headers[-1]:
        sheet.headers.pop()
    width = len(sheet.headers)
    for number, record in enumerate(records, start=2):
        if number > MAX_ROWS + 1:
            raise _too_many_rows(path, name)
        cells = [cell_text(v) for v in list(record)[: max(width, 1)]]
        if any(cells):
            sheet.rows.append((number, cells))
    return sheet


def _read_csv(path: Path) -> dict[str, Sheet]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    reader = csv.reader(io.StringIO(text, newline=""))
    return {MATTER_SHEET: _collect(path, MATTER_SHEET, iter(reader))}


def _read_xlsx(path: Path) -> dict[str, Sheet]:
    _check_zip(path)
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        names = {n: SHEET_ALIASES.get(n.strip(), n.strip()) for n in workbook.sheetnames}
        known = {n: k for n, k in names.items() if k in SHEETS}
        if MATTER_SHEET not in known.values():
            # One sheet of matters under another name (an older template, another platform).
            first = workbook.sheetnames[0]
            known = {first: MATTER_SHEET} | {n: k for n, k in known.items() if n != first}
        sheets = {}
        for name, kind in known.items():
            rows = workbook[name].iter_rows(values_only=True, max_col=MAX_COLUMNS)
            sheets[kind] = _collect(path, kind, iter(rows))
        return sheets
    finally:
        workbook.close()


def read_sheets(path: Path) -> dict[str, Sheet]:
    """The file's sheets by their standard name (事项, 材料, 流程, 一件事); a CSV is 事项.

    Raises:
        ValidationError: not a catalog file type, too big, a zip bomb, too many rows, or it
            cannot be read at all.
    """
    kind = format_of(path)
    try:
        _check_size(path)
        return _read_csv(path) if kind == ".csv" else _read_xlsx(path)
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


# ---------------------------------------------------------------- writing


def write_csv(path: Path, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
    """One sheet as CSV: UTF-8 with a BOM (Excel opens it right), formula starts guarded."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header for c in columns])
        writer.writerows([safe_cell(str(v)) for v in row] for row in rows)


def write_workbook(
    path: Path, sheets: Sequence[tuple[str, Sequence[Column], Sequence[Any]]]
) -> None:
    """Sheets of text cells, each ``(name, columns, rows)``, then the 填写说明 sheet."""
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
            wide = column.key in ("name", "conditions", "materials", "steps", "step", "basis")
            sheet.column_dimensions[letter].width = 36 if wide else 16
    guide = workbook.create_sheet(HELP_SHEET)
    guide.append(["工作表", "列", "必填", "说明"])
    for title, columns, _rows in sheets:
        for column in columns:
            guide.append([title, column.header, "是" if column.required else "", column.help])
    guide.append([])
    guide.append(["", "", "", "示例行（编码以“示例”开头）不会被导入：请删除或改为真实内容。"])
    guide.append(["", "", "", "未公布的内容请留空，系统显示“请咨询窗口”，不会自动填写默认值。"])
    guide.column_dimensions["A"].width = 10
    guide.column_dimensions["B"].width = 16
    guide.column_dimensions["D"].width = 80
    workbook.save(path)
