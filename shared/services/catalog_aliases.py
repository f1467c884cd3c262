"""The hall's aliases and synonyms for search: import and export (``hall catalog aliases``).

One file (CSV or XLSX, first sheet) holds two kinds of rows under the headers of
:data:`COLUMNS` (Chinese, or their English keys):

- an **alias**: 事项编码 + 俗称 — another name for one matter (``420703000005``, 上户口);
- a **synonym**: 俗称 + 对应词 — a word that means another wherever it is typed (补办,
  补领), adding to the list shipped in ``resources/search/synonyms.csv`` (same columns).

:func:`import_aliases` checks every row first — required cells, lengths, control
characters, a known matter code, one kind per row, duplicates — and raises
:class:`AliasImportError` with every problem (row as the spreadsheet numbers it, column
header, reason in English and Chinese) without writing anything. Otherwise it adds the new
rows and updates the source and note of existing ones in the caller's transaction, with one
``catalog`` change (so every terminal's search index rebuilds) and one audit entry; with
``replace`` the hall's rows missing from the file are deleted, so export → edit → import
with ``replace`` is how a row is removed. The shipped synonyms are not in the database and
are never changed by an import.

Files are limited to :data:`MAX_BYTES` and :data:`MAX_ROWS` rows (an XLSX also by its
unpacked size, so a zip bomb is refused before it is opened). In a CSV, cells that start
with ``= + - @`` are written with a leading ``'`` so a spreadsheet shows them as text (the
``'`` is dropped again on import); an XLSX stores every cell as text.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.errors import CellProblem, ValidationError
from shared.models import MatterAlias, SearchSynonym, ServiceMatter
from shared.services.audit import SYSTEM_ACTOR, audit
from shared.services.catalog_terms import shipped_synonyms, split_query

FORMATS = (".csv", ".xlsx")
SHEET_TITLE = "别名与同义词"
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024
MAX_ROWS = 20_000
_FORMULA = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Column:
    """One column: its key, its Chinese header, its length limit, and help for people."""

    key: str
    header: str
    limit: int
    help: str


COLUMNS = (
    Column("matter_code", "事项编码", 40, "别名所属事项的编码；填写时本行是该事项的别名"),
    Column("term", "俗称", 100, "群众常说的词，如“上户口”“补办”（必填）"),
    Column("means", "对应词", 100, "同义词指向的目录用词，如“出生登记”；别名行留空"),
    Column("source", "来源", 500, "使用这一说法的公开网页地址（可选）"),
    Column("note", "备注", 200, "说明（可选）"),
)
_BY_HEADER = {c.header: c for c in COLUMNS} | {c.key: c for c in COLUMNS}


class AliasImportError(ValidationError):
    """The file was refused whole; ``problems`` lists every bad cell."""

    default_zh = "别名文件有错误，未导入任何内容。"

    def __init__(self, problems: list[CellProblem], source: str) -> None:
        super().__init__(
            f"{source}: {len(problems)} problem(s); nothing imported",
            f"文件“{source}”中有 {len(problems)} 处错误，未导入任何内容。",
        )
        self.problems = problems


@dataclass
class AliasImportResult:
    """What an import did, by kind of row."""

    aliases_added: int = 0
    synonyms_added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    rows: int = 0
    codes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "ok": True,
            "rows": self.rows,
            "aliases_added": self.aliases_added,
            "synonyms_added": self.synonyms_added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
        }


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            f"unsupported file type {path.name!r}: use .xlsx or .csv",
            f"不支持文件“{path.name}”的类型：请用 .xlsx 或 .csv 文件。",
        )
    return suffix


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = text.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA:
        text = text[1:]  # written so by export (see the module)
    return text


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA) else text


def _records(path: Path) -> list[list[Any]]:
    kind = _format_of(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError(
            f"cannot read {path.name}: {exc.strerror or exc}", f"无法读取文件“{path.name}”。"
        ) from exc
    if size > MAX_BYTES:
        raise ValidationError(
            f"{path.name} is {size // 1024} KiB: the limit is {MAX_BYTES // 1024 // 1024} MiB",
            f"文件“{path.name}”过大（上限 {MAX_BYTES // 1024 // 1024} MB）。",
        )
    try:
        if kind == ".csv":
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("gb18030")
            records = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
            while records and records[0] and records[0][0].startswith("#"):
                records.pop(0)  # comment lines above the header (the shipped file has some)
            return records
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED:
            raise ValidationError(
                f"{path.name} unpacks to {unpacked // 1024 // 1024} MiB: refused",
                f"文件“{path.name}”解压后过大，已拒绝。",
            )
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            rows: list[list[Any]] = []
            for row in book.worksheets[0].iter_rows(values_only=True):
                rows.append(list(row))
                if len(rows) > MAX_ROWS + 1:
                    break
            return rows
        finally:
            book.close()
    except ValidationError:
        raise
    except (
        OSError,
        UnicodeDecodeError,
        csv.Error,
        ValueError,
        KeyError,
        zipfile.BadZipFile,
    ) as exc:
        raise ValidationError(
            f"cannot read {path.name}: {exc}",
            f"无法读取文件“{path.name}”：请确认它是完好的 Excel（.xlsx）或 CSV 文件。",
        ) from exc


def read_rows(path: Path, problems: list[CellProblem]) -> list[tuple[int, dict[str, str]]]:
    """The file's data rows as ``(row number, {key: text})``; header problems recorded."""
    records = _records(path)
    sheet = path.name
    if not records:
        raise ValidationError(
            f"{path.name} is empty: the first row must hold the headers",
            f"文件“{path.name}”是空的：第一行应为表头。",
        )
    if len(records) > MAX_ROWS + 1:
        raise ValidationError(
            f"{path.name} has more than {MAX_ROWS} rows: refused",
            f"文件“{path.name}”超过 {MAX_ROWS} 行，已拒绝。",
        )
    keys: list[str | None] = []
    for value in records[0]:
        header = _cell(value).strip("*＊ ")
        column = _BY_HEADER.get(header)
        if header and column is None:
            problems.append(
                CellProblem(sheet, 1, header, "unknown column", f"无法识别的列“{header}”")
            )
        elif column is not None and column.key in keys:
            problems.append(
                CellProblem(sheet, 1, header, "the column appears twice", "该列出现了两次")
            )
            column = None
        keys.append(column.key if column else None)
    if "term" not in keys:
        problems.append(CellProblem(sheet, 1, "俗称", "the column is missing", "缺少“俗称”列"))
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = {k: _cell(v) for k, v in zip(keys, record, strict=False) if k is not None}
        if any(cells.values()):
            rows.append((number, {c.key: cells.get(c.key, "") for c in COLUMNS}))
    return rows


def _check_cells(
    sheet: str, number: int, cells: dict[str, str], problems: list[CellProblem]
) -> bool:
    ok = True
    for column in COLUMNS:
        text = cells[column.key]
        if any(ord(c) < 32 or ord(c) == 127 for c in text):
            problems.append(
                CellProblem(
                    sheet,
                    number,
                    column.header,
                    "control characters (line breaks, tabs) are not allowed",
                    "不能含有换行、制表符等控制字符",
                )
            )
            ok = False
        elif len(text) > column.limit:
            problems.append(
                CellProblem(
                    sheet,
                    number,
                    column.header,
                    f"longer than {column.limit} characters",
                    f"超过 {column.limit} 个字符",
                )
            )
            ok = False
    return ok


def import_aliases(
    session: Session, path: Path, *, replace: bool = False, actor: str = SYSTEM_ACTOR
) -> AliasImportResult:
    """Check the whole file, then add and update its rows (see the module).

    Raises:
        AliasImportError: any bad cell; nothing was written.
        ValidationError: the file cannot be read, or is too large.
    """
    problems: list[CellProblem] = []
    sheet = path.name
    rows = read_rows(path, problems)
    if not rows and not problems:
        raise ValidationError(
            f"{path.name} has no rows to import", f"文件“{path.name}”中没有要导入的内容。"
        )
    matters = {
        code: id_ for code, id_ in session.execute(select(ServiceMatter.code, ServiceMatter.id))
    }
    aliases: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
    synonyms: dict[tuple[str, str], tuple[int, dict[str, str]]] = {}
    for number, cells in rows:
        if not _check_cells(sheet, number, cells, problems):
            continue
        code, term, means = cells["matter_code"], cells["term"], cells["means"]
        if not term:
            problems.append(CellProblem(sheet, number, "俗称", "俗称 is required", "请填写俗称"))
            continue
        if not split_query(term):
            problems.append(
                CellProblem(
                    sheet, number, "俗称", "no Chinese character, letter or digit", "俗称没有文字"
                )
            )
            continue
        if code and means:
            problems.append(
                CellProblem(
                    sheet,
                    number,
                    "对应词",
                    "fill either 事项编码 (an alias) or 对应词 (a synonym), not both",
                    "事项编码（别名）和对应词（同义词）只能填一个",
                )
            )
            continue
        if not code and not means:
            problems.append(
                CellProblem(
                    sheet,
                    number,
                    "对应词",
                    "fill 事项编码 (an alias of that matter) or 对应词 (a synonym)",
                    "请填写事项编码（别名）或对应词（同义词）",
                )
            )
            continue
        if code and code not in matters:
            problems.append(
                CellProblem(
                    sheet,
                    number,
                    "事项编码",
                    f"no matter with code {code!r}",
                    f"事项编码 {code} 不存在",
                )
            )
            continue
        if means and split_query(means) == split_query(term):
            problems.append(
                CellProblem(sheet, number, "对应词", "the same word as 俗称", "对应词与俗称相同")
            )
            continue
        target, key = (aliases, (code, term)) if code else (synonyms, (term, means))
        if key in target:
            first = target[key][0]
            problems.append(
                CellProblem(
                    sheet,
                    number,
                    "俗称",
                    f"the same row as row {first}",
                    f"与第 {first} 行重复",
                )
            )
            continue
        target[key] = (number, cells)
    if problems:
        raise AliasImportError(problems, path.name)

    result = AliasImportResult(rows=len(rows))
    by_id = {matter_id: code for code, matter_id in matters.items()}
    stored_aliases = {
        (by_id[a.matter_id], a.alias): a for a in session.scalars(select(MatterAlias))
    }
    stored_synonyms = {(s.term, s.means): s for s in session.scalars(select(SearchSynonym))}
    for (code, term), (_number, cells) in aliases.items():
        alias = stored_aliases.get((code, term))
        if alias is None:
            session.add(
                MatterAlias(
                    matter_id=matters[code], alias=term, source=cells["source"], note=cells["note"]
                )
            )
            result.aliases_added += 1
        elif (alias.source, alias.note) != (cells["source"], cells["note"]):
            alias.source, alias.note = cells["source"], cells["note"]
            result.updated += 1
        else:
            result.unchanged += 1
    for (term, means), (_number, cells) in synonyms.items():
        synonym = stored_synonyms.get((term, means))
        if synonym is None:
            session.add(
                SearchSynonym(term=term, means=means, source=cells["source"], note=cells["note"])
            )
            result.synonyms_added += 1
        elif (synonym.source, synonym.note) != (cells["source"], cells["note"]):
            synonym.source, synonym.note = cells["source"], cells["note"]
            result.updated += 1
        else:
            result.unchanged += 1
    if replace:
        for key, alias in stored_aliases.items():
            if key not in aliases:
                session.execute(delete(MatterAlias).where(MatterAlias.id == alias.id))
                result.deleted += 1
        for key, synonym in stored_synonyms.items():
            if key not in synonyms:
                session.execute(delete(SearchSynonym).where(SearchSynonym.id == synonym.id))
                result.deleted += 1
    if result.aliases_added or result.synonyms_added or result.updated or result.deleted:
        session.flush()
        record_change(session, "catalog", "aliases", "imported")
    audit(
        session,
        "catalog.aliases_imported",
        actor=actor,
        entity_kind="catalog",
        detail={"file": path.name, "replace": replace} | result.as_json(),
    )
    return result


def alias_rows(session: Session, *, shipped: bool = False) -> list[dict[str, str]]:
    """The hall's aliases (by matter code) then synonyms, as file rows; with ``shipped`` the
    shipped synonyms follow, for reference (imported back, they become the hall's own
    copies, which changes no search result)."""
    rows = [
        {
            "matter_code": code,
            "term": alias.alias,
            "means": "",
            "source": alias.source,
            "note": alias.note,
        }
        for code, alias in session.execute(
            select(ServiceMatter.code, MatterAlias)
            .join(MatterAlias, MatterAlias.matter_id == ServiceMatter.id)
            .order_by(ServiceMatter.code, MatterAlias.alias)
        )
    ]
    rows += [
        {"matter_code": "", "term": s.term, "means": s.means, "source": s.source, "note": s.note}
        for s in session.scalars(
            select(SearchSynonym).order_by(SearchSynonym.term, SearchSynonym.means)
        )
    ]
    if shipped:
        rows += [
            {
                "matter_code": "",
                "term": s.term,
                "means": s.means,
                "source": s.source,
                "note": s.note,
            }
            for s in shipped_synonyms()
        ]
    return rows


def write_alias_file(path: Path, rows: list[dict[str, str]]) -> None:
    """Write the header and ``rows`` to CSV (UTF-8 with BOM) or XLSX, every cell as text."""
    kind = _format_of(path)
    body = [[row.get(c.key, "") for c in COLUMNS] for row in rows]
    headers = [c.header for c in COLUMNS]
    if kind == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows([_safe(value) for value in values] for values in body)
        return
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TITLE
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, values in enumerate(body, start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column)
            cell.value = value
            cell.data_type = "s"  # text, never a formula or a number
            cell.number_format = "@"
    for index, column_spec in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = 40 if column_spec.key == "source" else 18
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("填写说明")
    guide.append(["列", "说明"])
    for column_spec in COLUMNS:
        guide.append([column_spec.header, column_spec.help])
    book.save(path)


def export_aliases(session: Session, path: Path, *, shipped: bool = False) -> int:
    """Write the hall's aliases and synonyms (and, with ``shipped``, the shipped list) to
    ``path``; returns the number of rows."""
    rows = alias_rows(session, shipped=shipped)
    write_alias_file(path, rows)
    return len(rows)


__all__ = [
    "COLUMNS",
    "FORMATS",
    "MAX_BYTES",
    "MAX_ROWS",
    "AliasImportError",
    "AliasImportResult",
    "alias_rows",
    "export_aliases",
    "import_aliases",
    "read_rows",
    "write_alias_file",
]
