"""The catalog spreadsheet's columns and how each cell reads and writes.

One row per matter; header row first (row 1 as a spreadsheet shows it). The cells that hold
lists use a small syntax that a clerk can type in Excel:

- 申请材料 (materials): items separated by ``；`` (or ``;`` or a line break), each a name with
  an optional count in brackets at the end: ``居民身份证(原件1,复印件1)；户口簿(原件1)``.
  ``原件N`` is the number of originals, ``复印件N`` of copies, either may be left out (it is
  then 0); with no brackets at all the material is one original. Brackets inside a name are
  kept: ``村（居）委会证明(原件1)``.
- 办理流程 (steps): steps separated by ``；``, ``;`` or a line break.
- 办理站点 (sites), 人生事件 (life events), 服务对象 (audience): separated by ``、``, ``，``,
  ``,``, ``；`` or ``;``. Sites are site codes (or names); audience is 个人, 法人 or both.
- 法定时限 / 承诺时限 (time limits): ``即办`` or a whole number of working days (``15``,
  ``15个工作日``); the promised limit may not exceed the legal one.

Everything here is pure (no database): :func:`parse_row` turns one row's cells into field
values or problems; :func:`format_row` does the reverse, so export then import gives the
same values. Each problem is a :class:`Reason` in both languages: English for the CLI and
logs, Chinese for the console's screens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from shared.models.catalog import AUDIENCES, MATTER_TYPES


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: the field it fills, its Chinese header, how to fill it."""

    key: str
    header: str
    required: bool
    help: str


COLUMNS = (
    Column("code", "事项编码", True, "唯一编码，如 420703000001；已存在的编码将被更新"),
    Column("name", "事项名称", True, "如 居民身份证申领"),
    Column("department", "实施部门", True, "部门名称或部门代码，如 区公安分局 或 gaj"),
    Column("matter_type", "事项类型", True, "、".join(MATTER_TYPES)),
    Column("audience", "服务对象", False, "个人、法人，或 个人、法人（两者），默认 个人"),
    Column(
        "sites", "办理站点", True, "站点代码（或名称），多个用 、 分隔，如 huarong、wuhan-new-city"
    ),
    Column("queue_prefix", "取号队列", False, "队列字母，如 D；默认 A"),
    Column("location", "办理窗口", False, "窗口或地点，如 D区 公安户政窗口"),
    Column("conditions", "受理条件", False, "自由文字"),
    Column("materials", "申请材料", False, "材料(原件N,复印件N)，多个用 ； 分隔"),
    Column("steps", "办理流程", False, "步骤，用 ； 分隔，如 取号；窗口受理；审核；办结"),
    Column("legal_limit_days", "法定时限", True, "即办 或 工作日数，如 20个工作日"),
    Column("promised_limit_days", "承诺时限", True, "即办 或 工作日数，不超过法定时限"),
    Column("fee", "收费标准", False, "如 不收费"),
    Column("visits", "到现场次数", False, "0–9 的整数，默认 1"),
    Column("phone", "咨询电话", False, "如 0711-3210000"),
    Column("online_url", "网上办理地址", False, "http:// 或 https:// 开头的网址"),
    Column("life_events", "人生事件", False, "如 出生、上学；法人 如 开办、经营"),
    Column("active", "状态", False, "在用 或 停用，默认 在用"),
)
COLUMN_BY_HEADER = {c.header: c for c in COLUMNS}
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}

#: Limits of the database columns, checked before writing (PostgreSQL enforces them).
MAX_LENGTHS = {"code": 40, "name": 200, "location": 100, "fee": 100, "phone": 40}
MAX_URL = 300
MAX_DAYS = 999
MAX_VISITS = 9
ACTIVE_WORDS = {"在用": True, "停用": False}
INSTANT = "即办"

LIST_SPLIT = re.compile(r"[、，,;；\n]+")
ITEM_SPLIT = re.compile(r"[;；\n]+")
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
QUEUE_RE = re.compile(r"^[A-Z]{1,4}$")
DAYS_RE = re.compile(r"^(\d+)\s*(?:个)?\s*(?:工作日|天)?$")
PHONE_RE = re.compile(r"^[0-9+()（）\- ,，、/转]+$")
MATERIAL_RE = re.compile(r"^(?P<name>.*)[(（](?P<spec>[^()（）]*)[)）]$", re.S)
COUNT_RE = re.compile(r"^(原件|复印件)\s*(\d+)\s*份?$")


@dataclass(frozen=True)
class Reason:
    """Why a cell or row does not read, in English (CLI, logs) and Chinese (screens)."""

    message: str
    message_zh: str


class CellError(ValueError):
    """A cell that does not read; ``str()`` is the English reason, ``reason`` both."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.reason = Reason(message, message_zh)


def cell_text(value: Any) -> str:
    """A cell's value as stripped text; Excel numbers come back without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def split_list(text: str) -> list[str]:
    """``a、b；c`` → ``["a", "b", "c"]`` (empty parts dropped)."""
    return [part.strip() for part in LIST_SPLIT.split(text) if part.strip()]


def parse_days(text: str, what: str, what_zh: str) -> int:
    """``即办`` → 0, ``15`` / ``15个工作日`` → 15; ``what``/``what_zh`` name the limit."""
    if not text:
        raise CellError(
            f"missing {what} (write {INSTANT} or a number of working days)",
            f"{what_zh}未填写（填 {INSTANT} 或工作日数）",
        )
    if text == INSTANT:
        return 0
    match = DAYS_RE.match(text)
    if match is None:
        raise CellError(
            f"bad {what} {text!r}: write {INSTANT} or a number of working days",
            f"{what_zh}“{text}”有误：请填 {INSTANT} 或工作日数",
        )
    days = int(match.group(1))
    if days > MAX_DAYS:
        raise CellError(
            f"bad {what} {text!r}: more than {MAX_DAYS} working days",
            f"{what_zh}“{text}”有误：不能超过 {MAX_DAYS} 个工作日",
        )
    return days


def format_days(days: int) -> str:
    """0 → ``即办``, 15 → ``15个工作日``."""
    return INSTANT if days == 0 else f"{days}个工作日"


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def parse_materials(text: str) -> list[dict[str, Any]]:
    """The materials cell → ``[{"name", "original", "copy"}, …]``."""
    materials: list[dict[str, Any]] = []
    for item in ITEM_SPLIT.split(text):
        item = item.strip()
        if not item:
            continue
        if not _balanced(item):
            raise CellError(
                f"bad materials {item!r}: unbalanced brackets",
                f"申请材料“{item}”有误：括号不成对",
            )
        name, original, copy = item, 1, 0
        match = MATERIAL_RE.match(item)
        spec = match.group("spec").strip() if match else ""
        if match and spec.startswith(("原件", "复印件")):
            name, original, copy = match.group("name").strip(), 0, 0
            seen: set[str] = set()
            for part in re.split(r"[,，、\s]+", spec):
                count = COUNT_RE.match(part)
                if count is None or count.group(1) in seen:
                    raise CellError(
                        f"bad materials {item!r}: write counts as (原件N,复印件N)",
                        f"申请材料“{item}”有误：份数请写成 (原件N,复印件N)",
                    )
                seen.add(count.group(1))
                if count.group(1) == "原件":
                    original = int(count.group(2))
                else:
                    copy = int(count.group(2))
            if original == copy == 0:
                raise CellError(
                    f"bad materials {item!r}: needs at least one original or copy",
                    f"申请材料“{item}”有误：原件和复印件至少要有一份",
                )
        if not name:
            raise CellError(
                f"bad materials {item!r}: the material has no name",
                f"申请材料“{item}”有误：缺少材料名称",
            )
        if any(m["name"] == name for m in materials):
            raise CellError(f"bad materials: {name!r} is listed twice", f"申请材料“{name}”重复填写")
        materials.append({"name": name, "original": original, "copy": copy})
    return materials


def format_materials(materials: list[dict[str, Any]]) -> str:
    """The reverse of :func:`parse_materials`."""
    items = []
    for material in materials:
        parts = []
        if material.get("original"):
            parts.append(f"原件{int(material['original'])}")
        if material.get("copy"):
            parts.append(f"复印件{int(material['copy'])}")
        items.append(f"{material['name']}({','.join(parts) or '原件0'})")
    return "；".join(items)


def parse_steps(text: str) -> list[str]:
    """``取号；受理；办结`` → ``["取号", "受理", "办结"]``."""
    return [step.strip() for step in ITEM_SPLIT.split(text) if step.strip()]


def parse_audience(text: str) -> str:
    """``个人`` / ``法人`` / ``个人、法人`` (in any order) → the stored form."""
    if not text:
        return AUDIENCES[0]
    tags = split_list(text)
    unknown = [t for t in tags if t not in AUDIENCES]
    if unknown or not tags:
        raise CellError(
            f"bad audience {text!r}: write 个人, 法人 or 个人、法人",
            f"服务对象“{text}”有误：请填 个人、法人 或 个人、法人（两者）",
        )
    return "、".join(a for a in AUDIENCES if a in tags)


def check_url(text: str) -> str:
    """An empty cell or an absolute http(s) URL."""
    if not text:
        return ""
    parts = urlsplit(text)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() for c in text)
        or len(text) > MAX_URL
    ):
        raise CellError(
            f"bad online URL {text!r}: write an http:// or https:// address",
            f"网上办理地址“{text}”有误：请填 http:// 或 https:// 开头的网址",
        )
    return text


def parse_row(cells: dict[str, str]) -> tuple[dict[str, Any], list[Reason]]:
    """One row's cells (by column key, only the columns the file has) → fields, problems.

    Fields that need the database (department, sites, queue) stay as text for the caller.
    """
    fields: dict[str, Any] = {}
    problems: list[Reason] = []

    def add(message: str, message_zh: str) -> None:
        problems.append(Reason(message, message_zh))

    def read(key: str, reader: Any) -> None:
        if key not in cells:
            return
        try:
            fields[key] = reader(cells[key])
        except CellError as exc:
            problems.append(exc.reason)

    for key in ("code", "name", "department", "matter_type", "sites"):
        if key in cells and not cells[key]:
            add(f"missing {key.replace('_', ' ')}", f"{COLUMN_BY_KEY[key].header}未填写")
    code = cells.get("code", "")
    if code and not CODE_RE.match(code):
        add(
            f"bad code {code!r}: use letters, digits, '.', '_' or '-'",
            f"事项编码“{code}”有误：只能用字母、数字和 . _ -",
        )
    for key, limit in MAX_LENGTHS.items():
        if len(cells.get(key, "")) > limit:
            add(
                f"{key} too long (at most {limit} characters)",
                f"{COLUMN_BY_KEY[key].header}太长（最多 {limit} 个字）",
            )
    mtype = cells.get("matter_type", "")
    if mtype and mtype not in MATTER_TYPES:
        add(
            f"bad type {mtype!r}: one of {', '.join(MATTER_TYPES)}",
            f"事项类型“{mtype}”有误：应为 {'、'.join(MATTER_TYPES)} 之一",
        )
    for key in ("code", "name", "department", "matter_type", "location", "conditions", "fee"):
        if key in cells:
            fields[key] = cells[key]
    if "phone" in cells:
        if cells["phone"] and not PHONE_RE.match(cells["phone"]):
            add(f"bad phone number {cells['phone']!r}", f"咨询电话“{cells['phone']}”有误")
        fields["phone"] = cells["phone"]
    if "sites" in cells:
        fields["sites"] = split_list(cells["sites"])
    if "queue_prefix" in cells:
        prefix = cells["queue_prefix"].upper() or "A"
        if not QUEUE_RE.match(prefix):
            add(
                f"bad queue {cells['queue_prefix']!r}: a letter such as A",
                f"取号队列“{cells['queue_prefix']}”有误：应为队列字母，如 A",
            )
        fields["queue_prefix"] = prefix
    read("audience", parse_audience)
    read("materials", parse_materials)
    read("steps", parse_steps)
    read("legal_limit_days", lambda t: parse_days(t, "legal time limit", "法定时限"))
    read("promised_limit_days", lambda t: parse_days(t, "promised time limit", "承诺时限"))
    read("online_url", check_url)
    read("life_events", split_list)
    if "visits" in cells:
        text = cells["visits"] or "1"
        if not text.isdigit() or int(text) > MAX_VISITS:
            add(
                f"bad number of visits {cells['visits']!r}: 0 to {MAX_VISITS}",
                f"到现场次数“{cells['visits']}”有误：应为 0 到 {MAX_VISITS} 的整数",
            )
        else:
            fields["visits"] = int(text)
    if "active" in cells:
        word = cells["active"] or "在用"
        if word not in ACTIVE_WORDS:
            add(
                f"bad state {cells['active']!r}: 在用 or 停用",
                f"状态“{cells['active']}”有误：应为 在用 或 停用",
            )
        else:
            fields["active"] = ACTIVE_WORDS[word]
    legal, promised = fields.get("legal_limit_days"), fields.get("promised_limit_days")
    if legal is not None and promised is not None and promised > legal:
        add("the promised time limit exceeds the legal one", "承诺时限超过了法定时限")
    return fields, problems


def format_row(values: dict[str, Any]) -> list[str]:
    """A matter's values (keys as in :data:`COLUMNS`) → the row's cells, in column order."""
    cells = dict(values)
    cells["sites"] = "、".join(values["sites"])
    cells["materials"] = format_materials(values["materials"])
    cells["steps"] = "；".join(values["steps"])
    cells["legal_limit_days"] = format_days(values["legal_limit_days"])
    cells["promised_limit_days"] = format_days(values["promised_limit_days"])
    cells["visits"] = str(values["visits"])
    cells["life_events"] = "、".join(values["life_events"])
    cells["active"] = "在用" if values["active"] else "停用"
    return [str(cells[column.key]) for column in COLUMNS]


EXAMPLE_ROW = {
    "code": "4207039990001",
    "name": "居民身份证申领（示例）",
    "department": "区公安分局",
    "matter_type": "行政确认",
    "audience": "个人",
    "sites": ["huarong"],
    "queue_prefix": "D",
    "location": "D区 公安户政窗口",
    "conditions": "本区户籍居民；未满十六周岁的由监护人陪同申领。",
    "materials": [
        {"name": "居民身份证", "original": 1, "copy": 1},
        {"name": "户口簿", "original": 1, "copy": 0},
        {"name": "近期免冠照片", "original": 1, "copy": 0},
    ],
    "steps": ["取号", "窗口受理", "采集照片及指纹", "审核", "领取证件"],
    "legal_limit_days": 20,
    "promised_limit_days": 15,
    "fee": "按规定标准收费",
    "visits": 2,
    "phone": "0711-3210000",
    "online_url": "https://zwfw.hubei.gov.cn/",
    "life_events": ["出生", "上学"],
    "active": True,
}
