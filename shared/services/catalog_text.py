"""How a guide reads, in one place for the kiosk, the console, the slips and the CLI (issue #11).

Pure functions on plain data (no database, no Qt). The rule: show what was published, and
where nothing was, say :data:`NOT_PUBLISHED` (请咨询窗口) or leave the line out — never a
default (no 不收费 for a blank fee, no 窗口受理 for blank steps, no 1 次, no 原件1份 for a
material whose count was never published, and the published 办理地点 is shown as written,
beside the hall's own windows, not replaced by them).

Materials come as groups (see :class:`shared.models.catalog.ServiceMatter`); a bare list of
items (the old shape, ``{"name", "original", "copy"}``) still reads as one group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.services.catalog_guide import MatterGuide

__all__ = [
    "NOT_PUBLISHED",
    "GuideSection",
    "checklist",
    "group_heading",
    "groups_of",
    "guide_heading",
    "guide_sections",
    "item_text",
    "material_names",
]

NOT_PUBLISHED = "请咨询窗口"
_FORM_WORDS = ("原件", "复印件", "电子", "扫描件", "纸质")


@dataclass(frozen=True)
class GuideSection:
    """One part of a guide as shown: a key (stable, for screens and tests), its Chinese
    title and its lines. ``published`` is False when the page said nothing, and the only
    line is :data:`NOT_PUBLISHED`."""

    key: str
    title: str
    lines: tuple[str, ...]
    published: bool = True


def groups_of(materials: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Material groups; consecutive bare items (the old shape) become one "all" group."""
    groups: list[Mapping[str, Any]] = []
    loose: list[Mapping[str, Any]] = []
    for entry in materials:
        if "items" in entry:
            if loose:
                groups.append({"title": None, "rule": "all", "items": loose})
                loose = []
            groups.append(entry)
        else:
            loose.append(entry)
    if loose:
        groups.append({"title": None, "rule": "all", "items": loose})
    return groups


def _legacy_quantity(item: Mapping[str, Any]) -> str | None:
    parts = []
    if item.get("original"):
        parts.append(f"原件{int(item['original'])}份")
    if item.get("copy"):
        parts.append(f"复印件{int(item['copy'])}份")
    return "，".join(parts) or None


def item_text(item: Mapping[str, Any]) -> str:
    """A material as one line, without the tick box: the name, then in brackets its form
    (when the quantity does not already say it), the published quantity and 非必需 when
    the page says it is optional. Nothing about the count when none was published."""
    name = str(item.get("name") or "")
    quantity = item.get("quantity")
    if quantity is None and "quantity" not in item:
        quantity = _legacy_quantity(item)
    form = item.get("form")
    parts = []
    if form and not (quantity and (form in quantity or any(w in quantity for w in _FORM_WORDS))):
        parts.append(str(form))
    if quantity:
        parts.append(str(quantity))
    if item.get("required") is False:
        parts.append("非必需")
    return f"{name}（{'，'.join(parts)}）" if parts else name


def _item_notes(item: Mapping[str, Any]) -> list[str]:
    notes = []
    if item.get("note"):
        notes.append(f"注：{item['note']}")
    if item.get("blank_form"):
        notes.append(f"空白表格：{item['blank_form']}")
    return notes


def group_heading(group: Mapping[str, Any]) -> str | None:
    """A group's heading: its title with its rule in words when the rule is not "all"."""
    title = group.get("title")
    rule = group.get("rule") or "all"
    if rule == "any":
        return f"{title}（以下任选其一）" if title else "以下材料任选其一："
    if rule == "as_applicable":
        return f"{title}（视情况提供）" if title else "以下材料视情况提供："
    return str(title) if title else None


def checklist(materials: Iterable[Mapping[str, Any]], box: str = "□ ") -> list[str]:
    """The materials as printed lines: group headings, ``□ item`` lines and notes."""
    lines: list[str] = []
    for group in groups_of(materials):
        heading = group_heading(group)
        if heading:
            lines.append(heading)
        for item in group.get("items") or ():
            lines.append(box + item_text(item))
            lines.extend("　" + note for note in _item_notes(item))
    return lines


def material_names(materials: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every material's name, in order (for a short 请备齐 line)."""
    return [
        str(item.get("name") or "")
        for group in groups_of(materials)
        for item in group.get("items") or ()
    ]


def guide_heading(guide: MatterGuide) -> str:
    """The line under a guide's name: department, type and code, as far as published.

    A code the import derived is not called 事项编码 (the page published none).
    """
    if guide.is_bundle:
        return f"一件事 · {guide.department}" if guide.department else "一件事"
    parts = [guide.department]
    if guide.matter_type:
        parts.append(guide.matter_type)
    parts.append(f"本中心编号 {guide.code}" if guide.code_derived else f"事项编码 {guide.code}")
    return " · ".join(p for p in parts if p)


def _section(key: str, title: str, lines: Sequence[str]) -> GuideSection:
    if lines:
        return GuideSection(key, title, tuple(lines))
    return GuideSection(key, title, (NOT_PUBLISHED,), published=False)


_ENUMERATED = re.compile(r"^\s*(\d+|[一二三四五六七八九十]+|[(（][^)）]{1,3}[)）]|[①-⑳])")


def _numbered(steps: Sequence[str]) -> list[str]:
    """Steps numbered ``1. …``, unless the page numbered them already (``1、``, ``(一)``)."""
    if any(_ENUMERATED.match(step) for step in steps):
        return list(steps)
    return [f"{i}. {step}" for i, step in enumerate(steps, 1)]


def _limit_lines(guide: MatterGuide) -> list[str]:
    lines = []
    if guide.legal_limit_text:
        lines.append(f"法定时限：{guide.legal_limit_text}")
    if guide.promised_limit_text:
        lines.append(f"承诺时限：{guide.promised_limit_text}")
    said = "".join(lines)
    if guide.instant and "即办" not in said and "当场" not in said:
        lines.append("即办")
    return lines


def _online_lines(guide: MatterGuide) -> list[str]:
    lines = []
    for channel in guide.online:
        name, url = channel.get("name") or "", channel.get("url")
        lines.append(f"{name}：{url}" if name and url else str(name or url or ""))
    for value, yes, no in (
        (guide.fully_online, "可全程网办", "不可全程网办"),
        (guide.cross_region, "支持跨域通办", "不支持跨域通办"),
    ):
        if value is not None:
            lines.append(yes if value else no)
    return lines


def guide_sections(
    guide: MatterGuide, windows: str | None = None, *, brief: bool = False
) -> list[GuideSection]:
    """The guide's parts in reading order.

    Args:
        guide: the matter's or bundle's guide.
        windows: the hall's own windows for it, in words (shown beside the published
            办理地点, never instead of it).
        brief: leave out the long parts a receipt has no room for (设定依据, the source).
    """
    place = [guide.location] if guide.location else []
    if windows:
        place.append(f"本中心窗口：{windows}")
    sections = [
        _section("location", "办理地点", place),
        _section("hours", "办理时间", [guide.hours] if guide.hours else []),
    ]
    if guide.members:
        sections.append(
            GuideSection(
                "members",
                "包含事项",
                tuple(f"{i}. {m.name}（{m.department}）" for i, m in enumerate(guide.members, 1)),
            )
        )
    sections += [
        _section("conditions", "受理条件", [guide.conditions] if guide.conditions else []),
    ]
    if guide.audience_text:
        sections.append(GuideSection("audience", "服务对象", (guide.audience_text,)))
    sections += [
        _section("materials", "申请材料", checklist(guide.materials)),
        _section("steps", "办理流程", _numbered(guide.steps)),
        _section("limits", "办理时限", _limit_lines(guide)),
    ]
    if guide.handling_type:
        sections.append(GuideSection("handling_type", "办件类型", (guide.handling_type,)))
    sections += [
        _section("fee", "收费标准", [guide.fee] if guide.fee else []),
        _section("visits", "到现场次数", [guide.visits_text] if guide.visits_text else []),
    ]
    online = _online_lines(guide)
    if online:
        sections.append(GuideSection("online", "网上办理", tuple(online)))
    if guide.bundles:
        sections.append(
            GuideSection(
                "bundles",
                "一件事",
                tuple(f"可作为“{name}”一起办理" for _code, name in guide.bundles),
            )
        )
    for key, title, value in (
        ("phone", "咨询电话", guide.phone),
        ("complaint_phone", "投诉电话", guide.complaint_phone),
    ):
        if value:
            sections.append(GuideSection(key, title, (value,)))
    if not brief:
        if guide.basis:
            sections.append(GuideSection("basis", "设定依据", (guide.basis,)))
        source = []
        if guide.index_no:
            source.append(f"索引号：{guide.index_no}")
        if guide.source_url:
            source.append(f"来源：{guide.source_url}")
        if source:
            sections.append(GuideSection("source", "信息来源", tuple(source)))
    return sections
