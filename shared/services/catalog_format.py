"""The catalog files' sheets and columns, and how values are written into cells (issue #11).

The workbook (.xlsx) has one sheet per kind of row, so no cell ever needs a separator:

- **事项**: one row per matter (:data:`COLUMNS` less 申请材料 and 办理流程);
- **材料**: one row per material, keyed by the matter's code (or its 索引号 or name when the
  page published no code), with its group's title and rule (:data:`MATERIAL_COLUMNS`);
- **流程**: one row per step (:data:`STEP_COLUMNS`);
- **一件事**: one row per matter of a 一件事 bundle (:data:`BUNDLE_COLUMNS`); the bundle's
  own fields are read from its first row. A bundle's combined material list and steps go
  in 材料 and 流程 under the bundle's code.

The single-sheet CSV has the 事项 columns with 申请材料 and 办理流程 as cells whose only
separator is the line break: one material or step a line; a line ``【标题】`` starts a group
(``【以下其中一项】`` reads as "any one of", ``【视情况提供】`` as "as applicable"); a
material's published quantity may follow its name in brackets (``户口簿（原件1份）``), then
tags for what else was published (``〔形式：复印件〕〔非必需〕〔空白表格：申请表.docx〕``); a
line ``注：…`` is a line of the note of the material above it. An ASCII ``;`` is text like
any other.

Every header has a Chinese name; each problem names the header it is about. Everything
here is pure (no database); reading rows is :mod:`shared.services.catalog_parse`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from shared.models.catalog import MATTER_TYPES
from shared.services.catalog_text import groups_of
from shared.services.catalog_values import RULE_WORDS, count_of, quantity_suffix, rule_from_title

__all__ = [
    "BUNDLE_COLUMNS",
    "BUNDLE_SHEET",
    "COLUMNS",
    "EXAMPLE_BUNDLE",
    "EXAMPLE_ROW",
    "HELP_SHEET",
    "MATERIAL_COLUMNS",
    "MATERIAL_SHEET",
    "MATTER_SHEET",
    "STEP_COLUMNS",
    "STEP_SHEET",
    "Column",
    "Reason",
    "cell_text",
    "format_row",
    "safe_cell",
]

MATTER_SHEET = "事项"
MATERIAL_SHEET = "材料"
STEP_SHEET = "流程"
BUNDLE_SHEET = "一件事"
HELP_SHEET = "填写说明"
#: Codes that mark the template's example rows: such a row is refused, never imported.
EXAMPLE_MARK = "示例"
#: Cells that a spreadsheet would run as a formula when they start with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column: the field it fills, its Chinese header, whether a new record needs it,
    how to fill it, and other headers that mean the same (older files, other platforms)."""

    key: str
    header: str
    required: bool
    help: str
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column(
        "code",
        "事项编码",
        False,
        "政府公布的事项编码；页面没有公布的留空，系统按索引号（或名称+部门）生成并标为系统生成",
    ),
    Column("name", "事项名称", True, "如 居民身份证换领"),
    Column(
        "department", "实施部门", True, "部门名称或部门代码，如 区公安分局 或 gaj", ("办理部门",)
    ),
    Column("matter_type", "事项类型", False, "、".join(MATTER_TYPES) + "；未公布的留空"),
    Column(
        "audience",
        "服务对象",
        False,
        "按公布的原文，如 自然人、企业法人；含 个人/自然人 或 法人/企业 的用于按对象查找",
    ),
    Column("sites", "办理站点", True, "本中心的站点代码（或名称），多个用 、 分隔"),
    Column("queue_prefix", "取号队列", False, "本中心的队列字母，如 D；默认 A"),
    Column("location", "办理地点", False, "按公布的原文填写", ("办理窗口",)),
    Column("hours", "办理时间", False, "按公布的原文填写"),
    Column("conditions", "受理条件", False, "按公布的原文填写", ("办理条件",)),
    Column(
        "materials",
        "申请材料",
        False,
        "仅单表（CSV）用：每行一个材料，如 户口簿（原件1份）〔形式：原件〕〔非必需〕；"
        "【标题】开始一组，【以下其中一项】为任选其一；“注：”开头的行是上一材料的备注",
    ),
    Column("steps", "办理流程", False, "仅单表（CSV）用：每行一个环节", ("办理环节",)),
    Column(
        "legal_limit",
        "法定时限",
        False,
        "按公布的原文，如 20个工作日；未公布的留空",
        ("法定办结时限",),
    ),
    Column(
        "promised_limit",
        "承诺时限",
        False,
        "按公布的原文，如 绿色通道7个工作日内，普通15个工作日内；未公布的留空",
        ("承诺办结时限",),
    ),
    Column("instant", "即办", False, "是 或 否；留空时按时限原文（如 即办）判断"),
    Column("handling_type", "办件类型", False, "即办件、承诺件、上报件 或 联办件"),
    Column(
        "visits", "到现场次数", False, "按公布的原文，如 0次、最多跑一次、2", ("到办事现场次数",)
    ),
    Column("fee", "收费标准", False, "按公布的原文，如 不收费；未公布的留空", ("是否收费",)),
    Column("phone", "咨询电话", False, "按公布的原文填写", ("咨询方式",)),
    Column("complaint_phone", "投诉电话", False, "按公布的原文填写", ("监督投诉方式",)),
    Column("basis", "设定依据", False, "按公布的原文填写"),
    Column(
        "online",
        "网上办理",
        False,
        "每行一个渠道：名称、网址，或 名称 网址；公众号、小程序只写名称",
        ("网上办理地址", "在线办理渠道"),
    ),
    Column("fully_online", "全程网办", False, "是 或 否；未公布的留空"),
    Column("cross_region", "跨域通办", False, "是 或 否；未公布的留空"),
    Column("index_no", "索引号", False, "公布页面上的索引号"),
    Column("source_url", "来源网址", False, "公布该办事指南的网页地址（扫码打开它）"),
    Column("life_events", "人生事件", False, "本中心的分类，如 出生、上学；法人 如 开办、经营"),
    Column("active", "状态", False, "在用 或 停用，默认 在用"),
    Column("code_derived", "编码由系统生成", False, "导出时标记：是 表示事项编码不是政府公布的"),
)
#: The 事项 sheet of a workbook: materials and steps have sheets of their own.
MATTER_COLUMNS = tuple(c for c in COLUMNS if c.key not in ("materials", "steps"))

MATERIAL_COLUMNS = (
    Column("matter", "事项编码", True, "事项表中的事项编码；没有编码的事项填索引号或事项名称"),
    Column("group", "分组", False, "组的标题，如 身份证明；不分组的留空", ("材料分组",)),
    Column("rule", "分组规则", False, "全部提供、任选其一 或 视情况提供；默认 全部提供"),
    Column("name", "材料名称", True, "按公布的原文填写"),
    Column("quantity", "数量", False, "按公布的原文，如 一式三份、4张、原件1份；未公布的留空"),
    Column("count", "份数", False, "数字；留空时从“数量”中读取（只有一个数字时）"),
    Column("form", "材料形式", False, "如 原件、复印件、原件及复印件、电子证照"),
    Column("required", "是否必需", False, "是 或 否；未公布的留空", ("必要性",)),
    Column("note", "备注", False, "按公布的原文填写", ("填报须知",)),
    Column("blank_form", "空白表格", False, "空白表格的名称或下载地址"),
)
STEP_COLUMNS = (
    Column("matter", "事项编码", True, "事项表中的事项编码；没有编码的事项填索引号或事项名称"),
    Column("order", "序号", False, "1、2、3…；留空时按行的先后"),
    Column("step", "办理环节", True, "一行一个环节，按公布的原文填写", ("办理流程",)),
)
BUNDLE_COLUMNS = (
    Column("code", "一件事编码", True, "本中心给这件事的编码，如 YJS-001"),
    Column("name", "一件事名称", True, "如 新生儿出生一件事"),
    Column("matter", "包含事项编码", True, "一行一个所含事项的编码"),
    Column("department", "牵头部门", False, "部门名称或部门代码；未公布的留空"),
    Column("sites", "办理站点", True, "站点代码（或名称），多个用 、 分隔"),
    Column("queue_prefix", "取号队列", False, "队列字母；默认 A"),
    Column("location", "办理地点", False, "按公布的原文填写"),
    Column("hours", "办理时间", False, "按公布的原文填写"),
    Column("conditions", "受理条件", False, "按公布的原文填写"),
    Column("promised_limit", "承诺时限", False, "按公布的原文填写"),
    Column("visits", "到现场次数", False, "按公布的原文填写"),
    Column("fee", "收费标准", False, "按公布的原文填写"),
    Column("phone", "咨询电话", False, "按公布的原文填写"),
    Column("source_url", "来源网址", False, "公布页面的地址"),
    Column("active", "状态", False, "在用 或 停用，默认 在用"),
)
#: Each sheet's columns, by sheet name.
SHEETS: dict[str, tuple[Column, ...]] = {
    MATTER_SHEET: MATTER_COLUMNS,
    MATERIAL_SHEET: MATERIAL_COLUMNS,
    STEP_SHEET: STEP_COLUMNS,
    BUNDLE_SHEET: BUNDLE_COLUMNS,
}
#: Older workbooks named the one sheet so.
SHEET_ALIASES = {"事项目录": MATTER_SHEET, "事项清单": MATTER_SHEET}
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


@dataclass(frozen=True)
class Reason:
    """Why a cell or row does not read, in English (CLI, logs) and Chinese (screens), and
    the header of the column it is about (``None``: the whole row)."""

    message: str
    message_zh: str
    column: str | None = None


def cell_text(value: Any) -> str:
    """A cell's value as text: stripped, line breaks as ``\\n``, Excel numbers without
    ``.0``, a formula guard (``'=…``) removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date() if value.time() == time() else value
    if isinstance(value, date | time):
        value = value.isoformat()
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        text = text[1:]
    return text


def safe_cell(text: str) -> str:
    """Text as written to a CSV cell: one that would start a formula gets a leading ``'``
    (:func:`cell_text` removes it again)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def format_material_lines(materials: Iterable[Mapping[str, Any]]) -> str:
    """Materials as the single-sheet cell (see the module): the reverse of
    :func:`shared.services.catalog_parse.parse_material_lines` for names, quantities,
    groups and notes."""
    lines: list[str] = []
    groups = groups_of(materials)
    for group in groups:
        title = group.get("title")
        rule = group.get("rule") or "all"
        if title:
            shown = title if rule_from_title(title) == rule else f"{title}（{RULE_WORDS[rule]}）"
            lines.append(f"【{shown}】")
        elif rule != "all" or len(groups) > 1:
            lines.append(f"【{RULE_WORDS[rule]}】")
        for item in group.get("items") or ():
            lines.append(_material_line(item))
            lines.extend(f"注：{part}" for part in str(item.get("note") or "").split("\n") if part)
    return "\n".join(lines)


def _material_line(item: Mapping[str, Any]) -> str:
    name, quantity = str(item["name"]), item.get("quantity")
    line = f"{name}（{quantity}）" if quantity else name
    if not quantity and quantity_suffix(name):
        line += "〔未注明数量〕"  # the name's own brackets are not a quantity
    if item.get("form"):
        line += f"〔形式：{item['form']}〕"
    if item.get("required") is not None:
        line += "〔必需〕" if item["required"] else "〔非必需〕"
    count = item.get("count")
    if count != count_of(quantity):
        line += f"〔份数：{'无' if count is None else count}〕"
    if item.get("blank_form"):
        line += f"〔空白表格：{item['blank_form']}〕"
    return line


def format_channels(channels: Iterable[Mapping[str, Any]]) -> str:
    """Online channels, one a line: ``名称 网址`` or the name alone."""
    return "\n".join(
        f"{c.get('name') or ''} {c['url']}".strip() if c.get("url") else str(c.get("name") or "")
        for c in channels
    )


def format_row(values: Mapping[str, Any]) -> list[str]:
    """A matter's values (keys as in :data:`COLUMNS`) → the single-sheet row, in order."""
    return [matter_cell(values, column.key) for column in COLUMNS]


def matter_cell(values: Mapping[str, Any], key: str) -> str:
    """One cell of a matter's row."""
    value = values.get(key)
    if key in ("sites", "life_events"):
        return "、".join(value or ())
    if key == "materials":
        return format_material_lines(value or ())
    if key == "steps":
        return "\n".join(str(s) for s in value or ())
    if key == "online":
        return format_channels(value or ())
    if key in ("instant", "fully_online", "cross_region"):
        return _yes_no(value)
    if key == "code_derived":
        return "是" if value else ""
    if key == "active":
        return "停用" if value is False else "在用"
    return "" if value is None else str(value)


def material_rows(key: str, materials: Iterable[Mapping[str, Any]]) -> list[list[str]]:
    """A matter's materials as rows of the 材料 sheet (in :data:`MATERIAL_COLUMNS` order)."""
    rows = []
    for group in groups_of(materials):
        for item in group.get("items") or ():
            count = item.get("count")
            quantity = item.get("quantity")
            rows.append(
                [
                    key,
                    str(group.get("title") or ""),
                    RULE_WORDS[group.get("rule") or "all"],
                    str(item.get("name") or ""),
                    str(quantity or ""),
                    "" if count is None or count == count_of(quantity) else str(count),
                    str(item.get("form") or ""),
                    _yes_no(item.get("required")),
                    str(item.get("note") or ""),
                    str(item.get("blank_form") or ""),
                ]
            )
    return rows


def step_rows(key: str, steps: Sequence[str]) -> list[list[str]]:
    """A matter's steps as rows of the 流程 sheet."""
    return [[key, str(i), str(step)] for i, step in enumerate(steps, start=1)]


def bundle_rows(values: Mapping[str, Any]) -> list[list[str]]:
    """A bundle's rows of the 一件事 sheet: its fields on the first row only."""
    rows = []
    for index, member in enumerate(values["matters"]):
        row = []
        for column in BUNDLE_COLUMNS:
            if column.key in ("code", "name"):
                row.append(str(values[column.key]))
            elif column.key == "matter":
                row.append(str(member))
            elif index:
                row.append("")
            elif column.key == "sites":
                row.append("、".join(values["sites"]))
            elif column.key == "active":
                row.append("停用" if values.get("active") is False else "在用")
            else:
                value = values.get(column.key)
                row.append("" if value is None else str(value))
        rows.append(row)
    return rows


def split_list(text: str) -> list[str]:
    """``a、b，c`` → ``["a", "b", "c"]`` (for the hall's own lists: sites, life events)."""
    return [part.strip() for part in re.split(r"[、，,;；\n]+", text) if part.strip()]


EXAMPLE_ROW: dict[str, Any] = {
    "code": f"{EXAMPLE_MARK}-0001",
    "name": "居民身份证换领（示例）",
    "department": "区公安分局",
    "matter_type": "行政确认",
    "audience": "个人",
    "sites": ["huarong"],
    "queue_prefix": "D",
    "location": "区政务服务中心一楼公安户政窗口",
    "hours": "周一至周五 上午8:30-12:00，下午14:30-17:30（法定节假日除外）",
    "conditions": "本区户籍居民，居民身份证有效期满或临近有效期满三个月内。",
    "materials": [
        {
            "title": None,
            "rule": "all",
            "items": [
                {
                    "name": "居民身份证",
                    "quantity": "原件1份",
                    "count": 1,
                    "form": "原件",
                    "required": True,
                    "note": None,
                    "blank_form": None,
                },
            ],
        },
        {
            "title": "户籍证明（以下其中一项）",
            "rule": "any",
            "items": [
                {
                    "name": "居民户口簿",
                    "quantity": "原件1份",
                    "count": 1,
                    "form": "原件",
                    "required": None,
                    "note": None,
                    "blank_form": None,
                },
                {
                    "name": "户籍证明",
                    "quantity": None,
                    "count": None,
                    "form": None,
                    "required": None,
                    "note": "由户籍所在地派出所开具",
                    "blank_form": None,
                },
            ],
        },
    ],
    "steps": ["申请", "受理", "审核", "办结", "送达"],
    "legal_limit": "60日",
    "promised_limit": "绿色通道邮寄7个工作日内，普通15个工作日内",
    "instant": None,
    "handling_type": "承诺件",
    "visits": "最多跑一次",
    "fee": "20元/证（按规定标准收费）",
    "phone": "0711-3210000",
    "complaint_phone": "12345",
    "basis": "《中华人民共和国居民身份证法》第十一条",
    "online": [
        {"name": "湖北政务服务网", "url": "https://zwfw.hubei.gov.cn/"},
        {"name": "微信公众号“鄂州公安”", "url": None},
    ],
    "fully_online": False,
    "cross_region": True,
    "index_no": "示例/2024-00001",
    "source_url": "https://zwfw.hubei.gov.cn/",
    "life_events": ["出生", "上学"],
    "active": True,
    "code_derived": False,
}
EXAMPLE_BUNDLE: dict[str, Any] = {
    "code": f"{EXAMPLE_MARK}-YJS-01",
    "name": "新生儿出生一件事（示例）",
    "matters": [f"{EXAMPLE_MARK}-0001"],
    "department": "区卫生健康局",
    "sites": ["huarong"],
    "queue_prefix": "A",
    "location": "区政务服务中心一楼综合窗口",
    "hours": None,
    "conditions": None,
    "promised_limit": None,
    "visits": "最多跑一次",
    "fee": None,
    "phone": None,
    "source_url": None,
    "active": True,
}
