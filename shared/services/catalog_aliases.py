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

Files are read and written by :mod:`shared.services.catalog_files`, like the catalog's, within
the smaller :data:`LIMITS` (:data:`MAX_BYTES`, :data:`MAX_ROWS` rows, an XLSX also by its
unpacked size, so a zip bomb is refused before it is opened). In a CSV, cells that start
with ``= + - @`` are written with a leading ``'`` so a spreadsheet shows them as text (the
``'`` is dropped again on import); an XLSX stores every cell as text. Lines starting with
``#`` above the header are comments (the shipped list has some).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared.changes import record_change
from shared.errors import CellProblem, ValidationError
from shared.models import MatterAlias, SearchSynonym, ServiceMatter
from shared.services.audit import SYSTEM_ACTOR, audit
from shared.services.catalog_files import (
    Limits,
    empty_file,
    format_of,
    read_table,
    write_csv,
    write_workbook,
)
from shared.services.catalog_format import Column
from shared.services.catalog_terms import shipped_synonyms, split_query

SHEET_TITLE = "别名与同义词"
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024
MAX_ROWS = 20_000
#: An alias file is small: a tenth or so of what a catalog file may be.
LIMITS = Limits(file_bytes=MAX_BYTES, unpacked_bytes=MAX_UNPACKED, rows=MAX_ROWS)


@dataclass(frozen=True)
class AliasColumn(Column):
    """A catalog column with the length its cells may have."""

    limit: int = 0


COLUMNS = (
    AliasColumn(
        "matter_code", "事项编码", False, "别名所属事项的编码；填写时本行是该事项的别名", limit=40
    ),
    AliasColumn("term", "俗称", True, "群众常说的词，如“上户口”“补办”", limit=100),
    AliasColumn(
        "means", "对应词", False, "同义词指向的目录用词，如“出生登记”；别名行留空", limit=100
    ),
    AliasColumn("source", "来源", False, "使用这一说法的公开网页地址（可选）", limit=500),
    AliasColumn("note", "备注", False, "说明（可选）", limit=200),
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


def read_rows(path: Path, problems: list[CellProblem]) -> list[tuple[int, dict[str, str]]]:
    """The file's data rows as ``(row number, {key: text})``; header problems recorded."""
    table = read_table(path, name=SHEET_TITLE, limits=LIMITS, comments=True)
    sheet = path.name
    if not table.headers and not table.rows:
        raise empty_file(path)
    keys: list[str | None] = []
    for text in table.headers:
        header = text.strip("*＊ ")  # the workbook marks required columns with " *"
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
    for number, record in table.rows:
        cells = {k: v for k, v in zip(keys, record, strict=False) if k is not None}
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
    body = [[row.get(c.key, "") for c in COLUMNS] for row in rows]
    if format_of(path) == ".csv":
        write_csv(path, COLUMNS, body)
    else:
        write_workbook(path, [(SHEET_TITLE, COLUMNS, body)])


def export_aliases(session: Session, path: Path, *, shipped: bool = False) -> int:
    """Write the hall's aliases and synonyms (and, with ``shipped``, the shipped list) to
    ``path``; returns the number of rows."""
    rows = alias_rows(session, shipped=shipped)
    write_alias_file(path, rows)
    return len(rows)


__all__ = [
    "COLUMNS",
    "LIMITS",
    "MAX_BYTES",
    "MAX_ROWS",
    "AliasColumn",
    "AliasImportError",
    "AliasImportResult",
    "alias_rows",
    "export_aliases",
    "import_aliases",
    "read_rows",
    "write_alias_file",
]
