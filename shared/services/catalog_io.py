"""Catalog import: a workbook (事项, 材料, 流程, 一件事) or a single-sheet CSV, checked whole,
then written all or nothing (issue #11). Export and the template are in
:mod:`shared.services.catalog_export` and re-exported here.

:func:`import_catalog` reads the file within limits (:mod:`shared.services.catalog_files`),
reads every row (:mod:`shared.services.catalog_parse`), then checks it against the database:
departments and sites exist (each missing one is named once, with its rows), the queue exists
at every site of the matter, every material, step and bundle row names a matter, no code
appears twice. A matter whose page published no 事项编码 gets a stable code derived from its
索引号 (or name and department), marked as made here. A file with any problem raises
:class:`CatalogImportError` listing each one with its sheet, row (header = row 1) and
column, and nothing is written. Otherwise new codes are inserted and existing ones updated in
the caller's transaction, with one ``catalog`` change and one audit entry. Matters not in the
file, and fields whose columns the file lacks, are left as they are.

Every problem is in two languages: ``message`` (and ``str()``) in English for the CLI,
``message_zh`` in Chinese for the console's screens.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from shared.changes import record_change
from shared.errors import ValidationError
from shared.models import Department, Queue, ServiceMatter, Site
from shared.models.catalog import MatterBundle, MatterBundleItem
from shared.services.audit import SYSTEM_ACTOR, audit
from shared.services.catalog_export import (
    bundle_values,
    catalog_rows,
    csv_losses,
    export_catalog,
    write_catalog_file,
    write_template,
)
from shared.services.catalog_files import FORMATS, Sheet, read_sheets
from shared.services.catalog_format import (
    BUNDLE_SHEET,
    COLUMNS,
    MATERIAL_SHEET,
    MATTER_SHEET,
    SHEETS,
    STEP_SHEET,
    Column,
    Reason,
)
from shared.services.catalog_parse import (
    is_example,
    parse_bundle_row,
    parse_material_row,
    parse_matter_row,
    parse_step_row,
)
from shared.services.catalog_values import control_characters, derive_code

__all__ = [
    "COLUMNS",
    "FORMATS",
    "CatalogImportError",
    "ImportResult",
    "RowProblem",
    "bundle_values",
    "catalog_rows",
    "csv_losses",
    "export_catalog",
    "import_catalog",
    "write_catalog_file",
    "write_template",
]

#: Matter fields a row may set directly (department, sites and materials are resolved).
_MATTER_FIELDS = (
    "code_derived",
    "name",
    "matter_type",
    "audience",
    "audience_text",
    "queue_prefix",
    "location",
    "hours",
    "conditions",
    "materials",
    "steps",
    "legal_limit_text",
    "legal_limit_days",
    "promised_limit_text",
    "promised_limit_days",
    "instant",
    "handling_type",
    "visits_text",
    "visits",
    "fee",
    "phone",
    "complaint_phone",
    "basis",
    "online",
    "fully_online",
    "cross_region",
    "index_no",
    "source_url",
    "life_events",
    "active",
)
_BUNDLE_FIELDS = (
    "name",
    "queue_prefix",
    "location",
    "hours",
    "conditions",
    "promised_limit_text",
    "promised_limit_days",
    "visits_text",
    "visits",
    "fee",
    "phone",
    "source_url",
    "active",
)


@dataclass(frozen=True)
class RowProblem:
    """Why one row cannot be imported: its sheet (empty for a CSV), its number as the
    spreadsheet shows it (header = 1), the column's header when one cell is at fault, and
    the reason in English (``message``, ``str()``) and Chinese (``message_zh``)."""

    row: int
    message: str
    message_zh: str
    sheet: str = ""
    column: str | None = None

    def __str__(self) -> str:
        where = f"sheet {self.sheet}, row {self.row}" if self.sheet else f"row {self.row}"
        return f"{where}: {self.message}"


class CatalogImportError(ValidationError):
    """The file was refused whole; ``problems`` lists every problem."""

    default_zh = "导入文件有错误，未导入任何事项。"

    def __init__(self, problems: list[RowProblem], source: str = "the file") -> None:
        rows = len({(p.sheet, p.row) for p in problems})
        where = "文件" if source == "the file" else f"文件“{source}”"
        super().__init__(
            f"{source}: {rows} bad row(s), {len(problems)} problem(s); nothing imported",
            f"{where}中有 {rows} 行有误，未导入任何事项。",
        )
        self.problems = problems


@dataclass
class ImportResult:
    """What an import did: matter codes inserted, updated and found unchanged; the same
    for 一件事 bundles."""

    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    bundles_inserted: list[str] = field(default_factory=list)
    bundles_updated: list[str] = field(default_factory=list)
    bundles_unchanged: list[str] = field(default_factory=list)
    derived_codes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (counts; the codes of inserted and updated records)."""
        return {
            "ok": True,
            "rows": len(self.inserted) + len(self.updated) + len(self.unchanged),
            "inserted": len(self.inserted),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "inserted_codes": self.inserted,
            "updated_codes": self.updated,
            "derived_codes": self.derived_codes,
            "bundles": {
                "inserted": self.bundles_inserted,
                "updated": self.bundles_updated,
                "unchanged": len(self.bundles_unchanged),
            },
        }


@dataclass
class _Entry:
    """One row being imported: where it is, its cells and values, its problems."""

    sheet: str
    row: int
    cells: dict[str, str]
    fields: dict[str, Any]
    reasons: list[Reason] = field(default_factory=list)


class _Check:
    """The problems found so far, and the unknown names to report once each."""

    def __init__(self, source: str, sheet_names: bool) -> None:
        self.source = source
        self.sheet_names = sheet_names
        self.problems: list[RowProblem] = []
        self.unknown: dict[tuple[str, str, str], list[tuple[str, int]]] = defaultdict(list)

    def add(self, sheet: str, row: int, reason: Reason) -> None:
        self.problems.append(
            RowProblem(
                row,
                reason.message,
                reason.message_zh,
                sheet if self.sheet_names else "",
                reason.column,
            )
        )

    def entry(self, entry: _Entry) -> None:
        for reason in entry.reasons:
            self.add(entry.sheet, entry.row, reason)

    def missing(self, kind: str, header: str, value: str, sheet: str, row: int) -> None:
        self.unknown[(kind, header, value)].append((sheet, row))

    def finish(self) -> None:
        for (kind, header, value), places in self.unknown.items():
            rows = "、".join((f"{s}表" if self.sheet_names else "") + f"第{r}行" for s, r in places)
            rows_en = ", ".join(
                (f"{s} " if self.sheet_names else "") + f"row {r}" for s, r in places
            )
            if kind == "department":
                reason = Reason(
                    f"{header}: unknown department {value!r} (used on {rows_en}); add it in "
                    "the organisation first",
                    f"{header}：部门“{value}”不存在（{rows}用到），请先在组织机构中添加",
                    header,
                )
            else:
                reason = Reason(
                    f"{header}: unknown site {value!r} (used on {rows_en})",
                    f"{header}：站点“{value}”不存在（{rows}用到）",
                    header,
                )
            sheet, row = places[0]
            self.add(sheet, row, reason)
        order = list(SHEETS)
        self.problems.sort(key=lambda p: (order.index(p.sheet) if p.sheet in order else 0, p.row))
        if self.problems:
            raise CatalogImportError(self.problems, self.source)


def _columns_of(sheet: Sheet, columns: tuple[Column, ...], check: _Check) -> list[str | None]:
    by_header: dict[str, Column] = {}
    for known in columns:
        by_header[known.header] = known
        for alias in known.aliases:
            by_header.setdefault(alias, known)
    keys: list[str | None] = []
    for header in sheet.headers:
        name = header.strip("*＊ ")
        column = by_header.get(name)
        if name and column is None:
            check.add(
                sheet.name,
                1,
                Reason(f"unknown column {name!r}", f"无法识别的列“{name}”", name),
            )
        elif column is not None and column.key in keys:
            check.add(
                sheet.name,
                1,
                Reason(f"column {name!r} appears twice", f"“{name}”列出现了两次", name),
            )
        keys.append(column.key if column else None)
    needed = {
        MATTER_SHEET: ("name",) if "code" not in keys else (),
        MATERIAL_SHEET: ("matter", "name"),
        STEP_SHEET: ("matter", "step"),
        BUNDLE_SHEET: ("code", "name", "matter"),
    }[sheet.name]
    for key in (k for k in needed if k not in keys):
        header = next(c.header for c in columns if c.key == key)
        check.add(sheet.name, 1, Reason(f"no {header} column", f"缺少“{header}”列", header))
    return keys


def _entries(
    sheet: Sheet, keys: list[str | None], columns: tuple[Column, ...], parse: Any
) -> list[_Entry]:
    headers = {c.key: c.header for c in columns}
    entries = []
    for number, record in sheet.rows:
        cells = {k: v for k, v in zip(keys, record, strict=False) if k is not None}
        for key in keys:
            if key is not None:
                cells.setdefault(key, "")
        fields, reasons = parse(cells)
        for key, value in cells.items():
            bad = control_characters(value)
            if bad:
                header = headers[key]
                reasons.append(
                    Reason(
                        f"{header}: control characters {', '.join(bad)} are not allowed",
                        f"{header}：含有不可见的控制字符（{'、'.join(bad)}），请删除后再导入",
                        header,
                    )
                )
        entries.append(_Entry(sheet.name, number, cells, fields, reasons))
    return entries


class _Catalog:
    """What the database already holds, for the checks and the writes."""

    def __init__(self, session: Session) -> None:
        self.departments: dict[str, Department] = {}
        for department in session.scalars(select(Department)):
            self.departments[department.code] = self.departments[department.name] = department
        self.sites: dict[str, Site] = {}
        for site in session.scalars(select(Site)):
            self.sites[site.code] = self.sites[site.name] = site
        self.queues = {
            (row[0], row[1]) for row in session.execute(select(Queue.site_id, Queue.prefix))
        }
        self.matters = {
            m.code: m
            for m in session.scalars(
                select(ServiceMatter).options(selectinload(ServiceMatter.sites))
            )
        }
        self.bundles = {
            b.code: b
            for b in session.scalars(
                select(MatterBundle).options(
                    selectinload(MatterBundle.sites), selectinload(MatterBundle.items)
                )
            )
        }


def _resolve_places(
    entry: _Entry, catalog: _Catalog, check: _Check, department_header: str
) -> tuple[Department | None, list[Site] | None]:
    department = None
    if entry.fields.get("department"):
        department = catalog.departments.get(entry.fields["department"])
        if department is None:
            check.missing(
                "department", department_header, entry.fields["department"], entry.sheet, entry.row
            )
    sites: list[Site] | None = None
    if entry.fields.get("sites"):
        sites = []
        for token in entry.fields["sites"]:
            if token not in catalog.sites:
                check.missing("site", "办理站点", token, entry.sheet, entry.row)
            elif catalog.sites[token] not in sites:
                sites.append(catalog.sites[token])
    return department, sites


def _check_queue(entry: _Entry, prefix: str, sites: list[Site], catalog: _Catalog) -> None:
    # A ticket for it is taken at each of its sites, so each must have the queue.
    entry.reasons.extend(
        Reason(
            f"取号队列: queue {prefix!r} does not exist at site {s.code!r}",
            f"取号队列：站点 {s.code} 没有队列 {prefix}",
            "取号队列",
        )
        for s in sites
        if (s.id, prefix) not in catalog.queues
    )


@dataclass
class _Plan:
    """Everything checked and ready to write."""

    matters: list[tuple[_Entry, Department | None, list[Site] | None]] = field(default_factory=list)
    materials: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    steps: dict[str, list[str]] = field(default_factory=dict)
    bundles: dict[str, tuple[_Entry, list[str], Department | None, list[Site] | None]] = field(
        default_factory=dict
    )


def _plan_matters(entries: list[_Entry], catalog: _Catalog, check: _Check, plan: _Plan) -> None:
    seen: dict[str, int] = {}
    for entry in entries:
        fields = entry.fields
        department, sites = _resolve_places(entry, catalog, check, "实施部门")
        if "code" not in fields and fields.get("name") and department is not None:
            fields["code"] = derive_code(fields.get("index_no"), fields["name"], department.code)
            fields["code_derived"] = True
        code = fields.get("code")
        if not code:
            if not fields.get("name"):
                entry.reasons.append(
                    Reason(
                        "事项编码: missing, and no 事项名称 to make one from",
                        "事项编码：未填写，也没有事项名称可据以生成编码",
                        "事项编码",
                    )
                )
            elif not fields.get("department"):
                entry.reasons.append(
                    Reason(
                        "事项编码: missing; to make one the row needs its 实施部门",
                        "事项编码：未填写；要生成编码，该行需要填写实施部门",
                        "事项编码",
                    )
                )
            plan.matters.append((entry, department, sites))
            continue
        if code in seen:
            entry.reasons.append(
                Reason(
                    f"事项编码: {code!r} is also on row {seen[code]}"
                    + (
                        " (same 索引号, or same name and department)"
                        if fields.get("code_derived")
                        else ""
                    ),
                    f"事项编码：与第{seen[code]}行重复"
                    + ("（索引号相同，或名称和部门相同）" if fields.get("code_derived") else ""),
                    "事项编码",
                )
            )
        else:
            seen[code] = entry.row
        if code in catalog.bundles:
            entry.reasons.append(
                Reason(
                    f"事项编码: {code!r} is already a 一件事 code",
                    f"事项编码：“{code}”已是一件事的编码",
                    "事项编码",
                )
            )
        current = catalog.matters.get(code)
        if current is None:
            missing = [c.header for c in COLUMNS if c.required and c.key not in entry.cells]
            if missing:
                entry.reasons.append(
                    Reason(
                        f"a new matter needs the columns {', '.join(missing)}",
                        f"新事项缺少以下列：{'、'.join(missing)}",
                    )
                )
        prefix = fields.get("queue_prefix", current.queue_prefix if current else "A")
        served = sites if sites is not None else (list(current.sites) if current else [])
        _check_queue(entry, prefix, served, catalog)
        plan.matters.append((entry, department, sites))


def _targets(
    matters: list[_Entry], bundles: list[_Entry], catalog: _Catalog
) -> dict[str, str | None]:
    """Reference → code: matter codes, 索引号 and names (``None`` when ambiguous), bundle
    codes, and the codes already in the catalog."""
    targets: dict[str, str | None] = {}
    for kind in ("name", "index_no"):
        for entry in matters:
            value = entry.fields.get(kind)
            code = entry.fields.get("code")
            if value and code:
                targets[value] = None if targets.get(value, code) != code else code
    for code in [*catalog.matters, *catalog.bundles]:
        targets[code] = code
    for entry in bundles:
        if entry.fields.get("code"):
            targets[entry.fields["code"]] = entry.fields["code"]
    for entry in matters:
        if entry.fields.get("code"):
            targets[entry.fields["code"]] = entry.fields["code"]
    return targets


def _reference(
    entry: _Entry, value: str, header: str, targets: dict[str, str | None]
) -> str | None:
    if not value:
        return None
    if is_example(value):
        entry.reasons.append(
            Reason(
                f"{header}: {value!r} is the template's example: delete the row, or replace it "
                "with a real one",
                f"{header}：“{value}”是模板中的示例，请删除该行或改为真实内容后再导入",
                header,
            )
        )
        return None
    if value not in targets:
        entry.reasons.append(
            Reason(
                f"{header}: no matter {value!r} in sheet {MATTER_SHEET} or in the catalog",
                f"{header}：事项表和现有目录中都没有“{value}”",
                header,
            )
        )
        return None
    code = targets[value]
    if code is None:
        entry.reasons.append(
            Reason(
                f"{header}: {value!r} names more than one matter; use its 事项编码",
                f"{header}：“{value}”对应不止一个事项，请填事项编码",
                header,
            )
        )
    return code


def _plan_materials(entries: list[_Entry], targets: dict[str, str | None], plan: _Plan) -> None:
    """Each matter's rows in order; consecutive rows of one group title and rule are a group
    (a title that comes back with another rule starts a new group, as pages do it)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        code = _reference(entry, entry.fields["matter"], "事项编码", targets)
        if code is None or entry.reasons:
            continue
        title, rule = entry.fields["title"], entry.fields["rule"]
        matter_groups = groups.setdefault(code, [])
        if not matter_groups or (matter_groups[-1]["title"], matter_groups[-1]["rule"]) != (
            title,
            rule,
        ):
            matter_groups.append({"title": title, "rule": rule, "items": []})
        matter_groups[-1]["items"].append(entry.fields["item"])
    plan.materials = groups


def _plan_steps(entries: list[_Entry], targets: dict[str, str | None], plan: _Plan) -> None:
    steps: dict[str, list[tuple[int, int, str]]] = {}
    for position, entry in enumerate(entries):
        code = _reference(entry, entry.fields["matter"], "事项编码", targets)
        if code is None or entry.reasons:
            continue
        order = entry.fields["order"]
        steps.setdefault(code, []).append(
            (order if order is not None else position, position, entry.fields["step"])
        )
    plan.steps = {code: [s for *_, s in sorted(rows)] for code, rows in steps.items()}


def _plan_bundles(
    entries: list[_Entry],
    targets: dict[str, str | None],
    catalog: _Catalog,
    check: _Check,
    plan: _Plan,
) -> None:
    firsts: dict[str, _Entry] = {}
    members: dict[str, list[str]] = {}
    for entry in entries:
        code = entry.fields.get("code")
        if not code or entry.reasons:
            continue
        first = firsts.setdefault(code, entry)
        if first is not entry:
            for key, value in entry.fields.items():
                if key not in ("code", "matter") and value != first.fields.get(key, value):
                    entry.reasons.append(
                        Reason(
                            f"differs from the first row of this 一件事 (row {first.row}); fill "
                            "the 一件事's own columns on its first row only",
                            f"与该一件事的第一行（第{first.row}行）不一致；一件事本身的信息只需填在第一行",
                        )
                    )
                    break
        if code in catalog.matters or code in {e.fields.get("code") for e, *_ in plan.matters}:
            entry.reasons.append(
                Reason(
                    f"一件事编码: {code!r} is already a matter's code",
                    f"一件事编码：“{code}”已是事项编码",
                    "一件事编码",
                )
            )
        member = _reference(entry, entry.fields["matter"], "包含事项编码", targets)
        if member is not None and (member in catalog.bundles or member in firsts):
            entry.reasons.append(
                Reason(
                    f"包含事项编码: {member!r} is a 一件事, not a matter",
                    f"包含事项编码：“{member}”是一件事，不是事项",
                    "包含事项编码",
                )
            )
        elif member is not None:
            if member in members.setdefault(code, []):
                entry.reasons.append(
                    Reason(
                        f"包含事项编码: {member!r} is listed twice",
                        f"包含事项编码：“{member}”重复",
                        "包含事项编码",
                    )
                )
            else:
                members[code].append(member)
    for code, first in firsts.items():
        department, sites = _resolve_places(first, catalog, check, "牵头部门")
        current = catalog.bundles.get(code)
        if current is None and sites is None:
            first.reasons.append(
                Reason(
                    "办理站点: missing on the 一件事's first row",
                    "办理站点：一件事的第一行未填写",
                    "办理站点",
                )
            )
        prefix = first.fields.get("queue_prefix", current.queue_prefix if current else "A")
        served = sites if sites is not None else (list(current.sites) if current else [])
        _check_queue(first, prefix, served, catalog)
        plan.bundles[code] = (first, members.get(code, []), department, sites)


def _set(record: Any, name: str, value: Any) -> bool:
    if getattr(record, name) == value:
        return False
    setattr(record, name, value)
    return True


def _write(session: Session, plan: _Plan, catalog: _Catalog, result: ImportResult) -> None:
    written: dict[str, ServiceMatter] = {}
    for entry, department, sites in plan.matters:
        fields = dict(entry.fields)
        code = fields["code"]
        if code in plan.materials:
            fields["materials"] = plan.materials[code]
        if code in plan.steps:
            fields["steps"] = plan.steps[code]
        matter = catalog.matters.get(code)
        changed = matter is None
        if matter is None:
            matter = ServiceMatter(code=code, materials=[], steps=[], online=[], life_events=[])
            session.add(matter)
            result.inserted.append(code)
        for name in _MATTER_FIELDS:
            if name in fields:
                changed = _set(matter, name, fields[name]) or changed
        if department is not None and matter.department_id != department.id:
            matter.department = department
            changed = True
        if sites is not None and {s.id for s in matter.sites} != {s.id for s in sites}:
            matter.sites = sites
            changed = True
        if fields.get("code_derived") and code not in result.derived_codes:
            result.derived_codes.append(code)
        written[code] = matter
        if code not in result.inserted:
            (result.updated if changed else result.unchanged).append(code)
    # Materials or steps for matters the file has no row of.
    for code, matter in catalog.matters.items():
        if code in written:
            continue
        changed = False
        if code in plan.materials:
            changed = _set(matter, "materials", plan.materials[code]) or changed
        if code in plan.steps:
            changed = _set(matter, "steps", plan.steps[code]) or changed
        if changed:
            result.updated.append(code)
    session.flush()
    matters = catalog.matters | written
    for code, (first, members, department, sites) in plan.bundles.items():
        bundle = catalog.bundles.get(code)
        changed = bundle is None
        if bundle is None:
            bundle = MatterBundle(code=code, materials=[], steps=[])
            session.add(bundle)
            result.bundles_inserted.append(code)
        for name in _BUNDLE_FIELDS:
            if name in first.fields:
                changed = _set(bundle, name, first.fields[name]) or changed
        if code in plan.materials:
            changed = _set(bundle, "materials", plan.materials[code]) or changed
        if code in plan.steps:
            changed = _set(bundle, "steps", plan.steps[code]) or changed
        if department is not None and bundle.department_id != department.id:
            bundle.department = department
            changed = True
        if sites is not None and {s.id for s in bundle.sites} != {s.id for s in sites}:
            bundle.sites = sites
            changed = True
        ids = [matters[m].id for m in members]
        if [item.matter_id for item in bundle.items] != ids:
            bundle.items = [
                MatterBundleItem(matter_id=matter_id, position=position)
                for position, matter_id in enumerate(ids)
            ]
            changed = True
        if code not in result.bundles_inserted:
            (result.bundles_updated if changed else result.bundles_unchanged).append(code)
    # Codes given to materials or steps of an existing bundle with no row in the file.
    for code, bundle in catalog.bundles.items():
        if code in plan.bundles:
            continue
        changed = False
        if code in plan.materials:
            changed = _set(bundle, "materials", plan.materials[code]) or changed
        if code in plan.steps:
            changed = _set(bundle, "steps", plan.steps[code]) or changed
        if changed:
            result.bundles_updated.append(code)


def import_catalog(session: Session, path: Path, *, actor: str = SYSTEM_ACTOR) -> ImportResult:
    """Check the whole file, then insert new matters and update existing ones (see module).

    Raises:
        CatalogImportError: any bad row; nothing was written.
        ValidationError: the file cannot be read, is too big, or has nothing to import.
    """
    sheets = read_sheets(path)
    workbook = path.suffix.lower() == ".xlsx"
    check = _Check(path.name, workbook)
    matter_sheet = sheets.get(MATTER_SHEET)
    if matter_sheet is None or (not matter_sheet.headers and not matter_sheet.rows):
        raise ValidationError(
            f"{path.name} is empty: the first row must hold the headers",
            f"文件“{path.name}”是空的：第一行应为表头。",
        )
    # The headers of every sheet first: rows under a wrong header cannot be trusted.
    keys = {MATTER_SHEET: _columns_of(matter_sheet, COLUMNS, check)}
    for name in (MATERIAL_SHEET, STEP_SHEET, BUNDLE_SHEET):
        if name in sheets:
            keys[name] = _columns_of(sheets[name], SHEETS[name], check)
    check.finish()
    matters = _entries(matter_sheet, keys[MATTER_SHEET], COLUMNS, parse_matter_row)
    parts = {
        MATERIAL_SHEET: parse_material_row,
        STEP_SHEET: parse_step_row,
        BUNDLE_SHEET: parse_bundle_row,
    }
    rest = {
        name: _entries(sheets[name], keys[name], SHEETS[name], parse) if name in sheets else []
        for name, parse in parts.items()
    }
    if not any([matters, *rest.values()]) and not check.problems:
        raise ValidationError(
            f"{path.name} has no rows to import", f"文件“{path.name}”中没有要导入的事项。"
        )
    catalog = _Catalog(session)
    plan = _Plan()
    _plan_matters(matters, catalog, check, plan)
    targets = _targets(matters, rest[BUNDLE_SHEET], catalog)
    _plan_materials(rest[MATERIAL_SHEET], targets, plan)
    _plan_steps(rest[STEP_SHEET], targets, plan)
    _plan_bundles(rest[BUNDLE_SHEET], targets, catalog, check, plan)
    for entry, *_ in plan.matters:
        code = entry.fields.get("code")
        if entry.fields.get("materials") and code in plan.materials:
            entry.reasons.append(
                Reason(
                    f"申请材料: given both here and on sheet {MATERIAL_SHEET}; keep one",
                    f"申请材料：此处和“{MATERIAL_SHEET}”表都填了，请只保留一处",
                    "申请材料",
                )
            )
    for entry in [*matters, *(e for entries in rest.values() for e in entries)]:
        check.entry(entry)
    check.finish()

    result = ImportResult()
    _write(session, plan, catalog, result)
    if result.inserted or result.updated or result.bundles_inserted or result.bundles_updated:
        session.flush()
        record_change(session, "catalog", "all", "imported")
    audit(
        session,
        "catalog.imported",
        actor=actor,
        entity_kind="catalog",
        detail={
            "file": path.name,
            "inserted": len(result.inserted),
            "updated": len(result.updated),
            "unchanged": len(result.unchanged),
            "bundles_inserted": len(result.bundles_inserted),
            "bundles_updated": len(result.bundles_updated),
        },
    )
    return result
