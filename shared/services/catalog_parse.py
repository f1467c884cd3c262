"""Reading one row of a catalog file into field values, or into reasons it cannot be read.

Pure (no database): :func:`parse_matter_row`, :func:`parse_material_row`,
:func:`parse_step_row` and :func:`parse_bundle_row` take a row's cells by column key (only
the columns the file has) and return the values for the model's fields and a list of
:class:`~shared.services.catalog_format.Reason`, each naming its column's header. An empty
cell is "not published" (``None``), never a default (issue #11). Department, sites, queue
and matter references stay text for :mod:`shared.services.catalog_io` to check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from shared.services.catalog_format import (
    BUNDLE_COLUMNS,
    COLUMNS,
    EXAMPLE_MARK,
    MATERIAL_COLUMNS,
    STEP_COLUMNS,
    Column,
    Reason,
    split_list,
)
from shared.services.catalog_values import (
    RULE_WORDS,
    ValueProblem,
    audience,
    channel_list,
    check_url,
    count_of,
    flag,
    handling_type,
    is_instant,
    limit_days,
    matter_type,
    quantity_suffix,
    rule_from_title,
    rule_of,
    visits_number,
)

__all__ = [
    "is_example",
    "parse_bundle_row",
    "parse_material_lines",
    "parse_material_row",
    "parse_matter_row",
    "parse_step_row",
]

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
QUEUE_RE = re.compile(r"^[A-Z]{1,4}$")
#: Longest text a cell may hold; the database's limits for the short columns.
MAX_TEXT = 10_000
MAX_LENGTHS = {
    "code": 40,
    "name": 200,
    "index_no": 100,
    "source_url": 500,
    "phone": 200,
    "complaint_phone": 200,
    "visits": 100,
}
ACTIVE_WORDS = {"在用": True, "停用": False}
_HEADING = re.compile(r"^【(?P<title>[^【】]*)】$")
_TAG = re.compile(
    r"〔(?:(?P<key>形式|份数|空白表格)：(?P<value>[^〔〕]*)|(?P<word>非必需|必需|未注明数量))〕$"
)
_OLD_SPEC = re.compile(r"^(原件|复印件)\s*(\d+)$")
_OLD_SEPARATED = re.compile(r"[(（](原件|复印件)\s*\d+[^()（）]*[)）]\s*[；;]")


def is_example(code: str) -> bool:
    """A code of the template's example rows."""
    return code.startswith(EXAMPLE_MARK)


class _Row:
    """Collects one row's values and reasons, naming each reason's column."""

    def __init__(self, cells: dict[str, str], columns: tuple[Column, ...]) -> None:
        self.cells = cells
        self.headers = {c.key: c.header for c in columns}
        self.fields: dict[str, Any] = {}
        self.reasons: list[Reason] = []

    def add(self, key: str, message: str, message_zh: str) -> None:
        header = self.headers[key]
        self.reasons.append(Reason(f"{header}: {message}", f"{header}：{message_zh}", header))

    def has(self, key: str) -> bool:
        return key in self.cells

    def required(self, *keys: str) -> None:
        for key in keys:
            if key in self.cells and not self.cells[key]:
                self.add(key, "missing", "未填写")

    def text(self, key: str, field: str | None = None) -> None:
        """A published text: empty is ``None``."""
        if key not in self.cells:
            return
        value = self.cells[key]
        limit = MAX_LENGTHS.get(key, MAX_TEXT)
        if len(value) > limit:
            self.add(key, f"too long (at most {limit} characters)", f"太长（最多 {limit} 个字）")
            return
        self.fields[field or key] = value or None

    def read(self, key: str, reader: Callable[[str], Any], field: str | None = None) -> None:
        if key not in self.cells:
            return
        try:
            self.fields[field or key] = reader(self.cells[key])
        except ValueProblem as exc:
            self.add(key, exc.message, exc.message_zh)

    def code(self, key: str = "code") -> str:
        value = self.cells.get(key, "")
        if not value:
            return ""
        if is_example(value):
            self.add(
                key,
                f"{value!r} is the template's example row: delete the row, or replace it with "
                "a real one",
                f"“{value}”是模板中的示例行，请删除该行或改为真实内容后再导入",
            )
        elif not CODE_RE.match(value) or len(value) > MAX_LENGTHS["code"]:
            self.add(
                key,
                f"bad code {value!r}: letters, digits, '.', '_' or '-', at most 40",
                f"编码“{value}”有误：只能用字母、数字和 . _ -，最多 40 位",
            )
        return value

    def phone(self, key: str) -> None:
        value = self.cells.get(key)
        if value and not re.search(r"\d{3}", value):
            self.add(key, f"{value!r} is not a phone number", f"“{value}”不是电话号码")
        self.text(key)

    def limit(self, key: str, prefix: str) -> None:
        if key not in self.cells:
            return
        self.text(key, f"{prefix}_text")
        self.fields[f"{prefix}_days"] = limit_days(self.cells[key])

    def visits(self) -> None:
        if "visits" not in self.cells:
            return
        self.text("visits", "visits_text")
        self.fields["visits"] = visits_number(self.cells["visits"])

    def queue(self) -> None:
        if "queue_prefix" not in self.cells:
            return
        prefix = self.cells["queue_prefix"].upper() or "A"
        if not QUEUE_RE.match(prefix):
            self.add(
                "queue_prefix",
                f"bad queue {self.cells['queue_prefix']!r}: a letter such as A",
                f"“{self.cells['queue_prefix']}”有误：应为队列字母，如 A",
            )
        self.fields["queue_prefix"] = prefix

    def active(self) -> None:
        if "active" not in self.cells:
            return
        word = self.cells["active"] or "在用"
        if word not in ACTIVE_WORDS:
            self.add("active", f"{word!r}: write 在用 or 停用", f"“{word}”有误：应为 在用 或 停用")
        else:
            self.fields["active"] = ACTIVE_WORDS[word]

    def url(self, key: str) -> None:
        if self.cells.get(key):
            self.read(key, check_url)
        elif key in self.cells:
            self.fields[key] = None


def parse_matter_row(cells: dict[str, str]) -> tuple[dict[str, Any], list[Reason]]:
    """A 事项 row (or a single-sheet row) → the matter's fields and the reasons it fails."""
    row = _Row(cells, COLUMNS)
    row.required("name", "department", "sites")
    code = row.code()
    if code:
        row.fields["code"] = code
    row.read("code_derived", lambda t: flag(t, "a code made here", "编码由系统生成") is True)
    for key in ("name", "department"):
        row.text(key)
    row.read("matter_type", matter_type)
    if "audience" in cells:
        row.text("audience", "audience_text")
        row.fields["audience"] = audience(cells["audience"])
    if "sites" in cells:
        row.fields["sites"] = split_list(cells["sites"])
    row.queue()
    for key in ("location", "hours", "conditions", "fee", "basis"):
        row.text(key)
    row.phone("phone")
    row.phone("complaint_phone")
    row.limit("legal_limit", "legal_limit")
    row.limit("promised_limit", "promised_limit")
    row.read("handling_type", handling_type)
    row.read("instant", lambda t: flag(t, "即办", "即办"))
    if "instant" in cells and row.fields.get("instant") is None and not cells["instant"]:
        said = [cells.get("legal_limit"), cells.get("promised_limit")]
        if any(is_instant(t) for t in said) or row.fields.get("handling_type") == "即办件":
            row.fields["instant"] = True
    row.visits()
    row.read("online", channel_list)
    row.read("fully_online", lambda t: flag(t, "全程网办", "全程网办"))
    row.read("cross_region", lambda t: flag(t, "跨域通办", "跨域通办"))
    row.text("index_no")
    row.url("source_url")
    if "life_events" in cells:
        row.fields["life_events"] = split_list(cells["life_events"])
    row.active()
    row.read("materials", parse_material_lines)
    if "steps" in cells:
        row.fields["steps"] = [s.strip() for s in cells["steps"].split("\n") if s.strip()]
    legal, promised = row.fields.get("legal_limit_days"), row.fields.get("promised_limit_days")
    if legal is not None and promised is not None and promised > legal:
        row.add(
            "promised_limit",
            f"{promised} working days is more than the legal {legal}",
            f"承诺的 {promised} 个工作日超过了法定的 {legal} 个工作日",
        )
    return row.fields, row.reasons


def _count(text: str) -> int:
    if not text.isdigit():
        raise ValueProblem(f"{text!r} is not a whole number", f"“{text}”不是整数")
    return int(text)


def parse_material_row(cells: dict[str, str]) -> tuple[dict[str, Any], list[Reason]]:
    """A 材料 row → ``{"matter", "title", "rule", "item"}`` and the reasons it fails."""
    row = _Row(cells, MATERIAL_COLUMNS)
    row.required("matter", "name")
    row.text("name")
    title = cells.get("group") or None
    rule = rule_from_title(title)
    if cells.get("rule"):
        try:
            rule = rule_of(cells["rule"])
        except ValueProblem as exc:
            row.add("rule", exc.message, exc.message_zh)
    quantity = cells.get("quantity") or None
    count = count_of(quantity)
    if cells.get("count"):
        try:
            count = _count(cells["count"])
        except ValueProblem as exc:
            row.add("count", exc.message, exc.message_zh)
    required = None
    if cells.get("required"):
        try:
            required = flag(cells["required"], "是否必需", "是否必需")
        except ValueProblem as exc:
            row.add("required", exc.message, exc.message_zh)
    for key in ("group", "quantity", "form", "note", "blank_form"):
        row.text(key)
    item = {
        "name": cells.get("name", ""),
        "quantity": quantity,
        "count": count,
        "form": cells.get("form") or None,
        "required": required,
        "note": cells.get("note") or None,
        "blank_form": cells.get("blank_form") or None,
    }
    fields = {"matter": cells.get("matter", ""), "title": title, "rule": rule, "item": item}
    return fields, row.reasons


def parse_step_row(cells: dict[str, str]) -> tuple[dict[str, Any], list[Reason]]:
    """A 流程 row → ``{"matter", "order", "step"}`` and the reasons it fails."""
    row = _Row(cells, STEP_COLUMNS)
    row.required("matter", "step")
    row.text("step")
    order = None
    if cells.get("order"):
        try:
            order = _count(cells["order"])
        except ValueProblem as exc:
            row.add("order", exc.message, exc.message_zh)
    return {"matter": cells.get("matter", ""), "order": order, "step": cells.get("step")}, (
        row.reasons
    )


def parse_bundle_row(cells: dict[str, str]) -> tuple[dict[str, Any], list[Reason]]:
    """A 一件事 row → the bundle's fields (those given) plus ``matter``, and reasons."""
    row = _Row(cells, BUNDLE_COLUMNS)
    row.required("code", "name", "matter")
    code = row.code()
    row.fields["code"] = code
    row.text("name")
    row.fields["matter"] = cells.get("matter", "")
    if cells.get("department"):
        row.fields["department"] = cells["department"]
    if cells.get("sites"):
        row.fields["sites"] = split_list(cells["sites"])
    if cells.get("queue_prefix"):
        row.queue()
    for key in ("location", "hours", "conditions", "fee"):
        if cells.get(key):
            row.text(key)
    if cells.get("phone"):
        row.phone("phone")
    if cells.get("promised_limit"):
        row.limit("promised_limit", "promised_limit")
    if cells.get("visits"):
        row.visits()
    if cells.get("source_url"):
        row.url("source_url")
    if cells.get("active"):
        row.active()
    return row.fields, row.reasons


def _old_spec(spec: str) -> str | None:
    """``原件1,复印件1`` (the old template's counts) → ``原件1份，复印件1份``."""
    counts: dict[str, int] = {}
    for part in re.split(r"[,，、\s]+", spec.strip()):
        match = _OLD_SPEC.match(part)
        if match is None or match.group(1) in counts:
            return None
        counts[match.group(1)] = int(match.group(2))
    parts = [f"{word}{counts[word]}份" for word in ("原件", "复印件") if counts.get(word)]
    return "，".join(parts) or None


def _item(line: str) -> dict[str, Any]:
    """One material line: the name, a quantity in brackets, then optional tags
    (``〔形式：原件〕〔非必需〕〔份数：2〕〔空白表格：…〕〔未注明数量〕``)."""
    tags: dict[str, str] = {}
    while True:
        tag = _TAG.search(line)
        if tag is None:
            break
        tags[tag.group("key") or tag.group("word")] = tag.group("value") or ""
        line = line[: tag.start()].rstrip()
    name, quantity = line, None
    suffix = None if "未注明数量" in tags else quantity_suffix(line)
    if suffix is not None:
        name, spec = suffix
        quantity = _old_spec(spec) or spec
    count = count_of(quantity)
    if "份数" in tags:
        count = None if tags["份数"] in ("", "无") else _count(tags["份数"])
    return {
        "name": name,
        "quantity": quantity,
        "count": count,
        "form": tags.get("形式") or None,
        "required": True if "必需" in tags else (False if "非必需" in tags else None),
        "note": None,
        "blank_form": tags.get("空白表格") or None,
    }


def parse_material_lines(text: str) -> list[dict[str, Any]]:
    """The single-sheet 申请材料 cell → material groups (see
    :mod:`shared.services.catalog_format`). Only line breaks separate materials."""
    if "\n" not in text and _OLD_SEPARATED.search(text):
        raise ValueProblem(
            "materials separated by ';' (the old format): put each material on its own line "
            "in the cell, or use the 材料 sheet of the .xlsx template",
            "材料之间用了分号（旧格式）：请在单元格内每行写一个材料，或使用 .xlsx 模板的“材料”表",
        )
    groups: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading:
            title = heading.group("title").strip() or None
            words = {word: rule for rule, word in RULE_WORDS.items()}
            if title in words:
                current = {"title": None, "rule": words[title], "items": []}
            else:
                current = {"title": title, "rule": rule_from_title(title), "items": []}
                for rule, word in RULE_WORDS.items():
                    if title and title.endswith(f"（{word}）"):
                        current = {"title": title[: -len(word) - 2], "rule": rule, "items": []}
            groups.append(current)
            continue
        note = re.match(r"^(?:注|备注)[：:]\s*(?P<note>.+)$", line)
        if note and current is not None and current["items"]:
            item = current["items"][-1]
            earlier = item["note"]
            item["note"] = f"{earlier}\n{note.group('note')}" if earlier else note.group("note")
            continue
        if current is None:
            current = {"title": None, "rule": "all", "items": []}
            groups.append(current)
        current["items"].append(_item(line))
    return [g for g in groups if g["items"]]
