"""Checking the workbook's hours, calendar and settings sheets (part of the workbook check).

Times are read with :func:`shared.services.weekly_hours.check_time`, sessions must start
before they end and must not overlap another session of the same site, zone and weekday (or
the same date); each overlap is reported once, on the later row, naming the other row.
Setting values are parsed by their declared spec, exactly as ``hall settings set`` does.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from shared.errors import ValidationError
from shared.services.holidays import check_entry, parse_kind
from shared.services.org import workbook_format as fmt
from shared.services.org.entities import check_text
from shared.services.org.workbook_plan import DayPlan, Plan, SettingPlan, Span
from shared.services.org.workbook_read import Problems, Row
from shared.services.settings.specs import spec_for
from shared.services.weekly_hours import (
    WEEKDAYS_ZH,
    check_time,
    hours_from_days,
    parse_days,
    to_time,
)

HOURS_KEYS = ("hall_hours", "self_service_hours")


def text_rule(limit: int, label: str, *, required: bool = False) -> Callable[[str], str]:
    """A cell rule: trimmed text within ``limit`` characters (see ``check_text``)."""
    return lambda value: check_text(value, limit, label, required=required)


class TimeChecks:
    """The checks every sheet shares (duplicates, site references) and the time sheets'.

    The organisation checker (:mod:`shared.services.org.workbook_check`) builds on this; it
    sets the attributes below.
    """

    p: Problems
    rows: dict[str, list[Row]]
    plan: Plan
    sites: set[str]
    reported: set[tuple[int, int]]

    def duplicate(self, seen: dict[Any, int], key: Any, row: Row, column: str, what: str) -> bool:
        if key in seen:
            self.p.add(
                row.sheet.title,
                row.number,
                row.sheet.header(column),
                f"duplicate {what} (also on row {seen[key]})",
                f"{what}重复（第 {seen[key]} 行已有）。",
            )
            return True
        seen[key] = row.number
        return False

    def site(self, row: Row, *, blank_is_all: bool = False) -> str | None:
        """The row's site code if known; ``""`` for a blank cell that means every site."""
        code = row["site"]
        if not code:
            if blank_is_all:
                return ""
            self.p.required(row, "site")
            return None
        if code not in self.sites:
            if fmt.SITES.title in self.p.broken:
                return None
            self.p.at(
                row, "site", ValidationError(f"unknown site {code!r}", f"站点“{code}”不存在。")
            )
            return None
        return code

    # -- hours, calendar, settings ----------------------------------------------------------

    def span(self, row: Row) -> tuple[bool, Span | None]:
        """(ok, session): ``(True, None)`` when both times are blank."""
        if not row["start"] and not row["end"]:
            return True, None
        start = self.p.required(row, "start") and self.p.cell(row, "start", check_time)
        end = self.p.required(row, "end") and self.p.cell(
            row, "end", lambda v: check_time(v, allow_24=True)
        )
        if not start or not end:
            return False, None
        if to_time(start) >= to_time(end):
            self.p.at(
                row,
                "end",
                ValidationError(
                    f"the session {start}-{end} ends before it starts",
                    f"时段 {start}-{end} 的结束时间早于开始时间。",
                ),
            )
            return False, None
        return True, (start, end)

    def overlaps(self, spans: list[tuple[Span, Row]], where: str) -> bool:
        """Record each pair of overlapping sessions once; True when there is none."""
        clean = True
        ordered = sorted(spans, key=lambda item: item[0])
        for (a, a_row), (b, b_row) in itertools.pairwise(ordered):
            if to_time(b[0]) >= to_time(a[1]):
                continue
            clean = False
            pair = (min(a_row.number, b_row.number), max(a_row.number, b_row.number))
            if pair in self.reported:
                continue
            self.reported.add(pair)
            # Named on the later row, as "my session overlaps the other row's".
            (mine, row), (theirs, other) = sorted(
                ((a, a_row), (b, b_row)), key=lambda item: -item[1].number
            )
            self.p.at(
                row,
                "start",
                ValidationError(
                    f"{where}: the session {mine[0]}-{mine[1]} overlaps {theirs[0]}-{theirs[1]}"
                    f" (row {other.number})",
                    f"{where}：时段 {mine[0]}-{mine[1]} 与第 {other.number} 行的"
                    f" {theirs[0]}-{theirs[1]} 重叠。",
                ),
            )
        return clean

    def check_hours(self) -> None:
        self.reported: set[tuple[int, int]] = set()
        by_scope: dict[tuple[str | None, str], dict[int, list[tuple[Span, Row]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        closed: dict[tuple[str | None, str], dict[int, Row]] = defaultdict(dict)
        broken: set[tuple[str | None, str]] = set()
        for row in self.rows[fmt.HOURS.title]:
            site = self.site(row, blank_is_all=True)
            zone = self.p.required(row, "zone") and self.p.cell(row, "zone", fmt.parse_zone)
            days = self.p.required(row, "days") and self.p.cell(row, "days", parse_days)
            ok, span = self.span(row)
            if site is None or not zone or not days or not ok:
                continue
            scope = (site or None, zone)
            for day in days:
                if span is None:
                    closed[scope][day] = row
                else:
                    by_scope[scope][day].append((span, row))
        for scope in set(by_scope) | set(closed):
            for day, spans in by_scope[scope].items():
                where = f"{scope[0] or '全部站点'} {fmt.ZONE_OF_KEY[scope[1]]} {WEEKDAYS_ZH[day]}"
                if not self.overlaps(spans, where):
                    broken.add(scope)
                if day in closed[scope]:
                    broken.add(scope)
                    self.p.at(
                        closed[scope][day],
                        "start",
                        ValidationError(
                            f"{where} is marked closed here but has sessions on row "
                            f"{spans[0][1].number}",
                            f"{where}既标为不开放，又在第 {spans[0][1].number} 行有时段。",
                        ),
                    )
            if scope not in broken:
                by_day = {day: [s for s, _ in spans] for day, spans in by_scope[scope].items()}
                self.plan.hours[scope] = hours_from_days(by_day)

    def check_calendar(self) -> None:
        groups: dict[tuple[date, str | None], list[tuple[Row, str, str, Span | None]]] = (
            defaultdict(list)
        )
        for row in self.rows[fmt.CALENDAR.title]:
            day = self.p.required(row, "date") and self.p.cell(row, "date", fmt.parse_date)
            site = self.site(row, blank_is_all=True)
            kind = self.p.required(row, "kind") and self.p.cell(row, "kind", parse_kind)
            name = self.p.cell(row, "name", text_rule(60, "名称"))
            ok, span = self.span(row)
            if day and site is not None and kind and name is not None and ok:
                groups[(day, site or None)].append((row, kind, name, span))
        for (day, site), entries in groups.items():
            first, kind, name, _span = entries[0]
            clash = [e for e in entries[1:] if e[1] != kind]
            for row, _other, _n, _s in clash:
                self.p.at(
                    row,
                    "kind",
                    ValidationError(
                        f"{day} is already {kind} on row {first.number}; one date has one kind",
                        f"{day} 已在第 {first.number} 行设为{fmt.CALENDAR_WORDS_OUT[kind]}。",
                    ),
                )
            spans = [(s, r) for r, _k, _n, s in entries if s is not None]
            if clash or not self.overlaps(spans, str(day)):
                continue
            try:
                check_entry(kind, [list(s) for s, _ in spans])
            except ValidationError as exc:
                self.p.at(first, "start" if kind == "extended" else "kind", exc)
                continue
            sessions = tuple(sorted(s for s, _ in spans))
            self.plan.days.append(DayPlan(first.number, day, site, kind, name, sessions))

    def check_settings(self) -> None:
        seen: dict[Any, int] = {}
        for row in self.rows[fmt.SETTINGS.title]:
            key = self.p.required(row, "key") and self.p.cell(row, "key", _setting_key)
            site = self.site(row, blank_is_all=True)
            if not key or site is None:
                continue
            spec = spec_for(key)
            if site and not spec.site_scoped:
                self.p.at(
                    row,
                    "site",
                    ValidationError(
                        f"{key} is hall-wide: leave 站点 blank", f"{spec.label_zh}只能全局设置。"
                    ),
                )
                continue
            if not row["value"]:
                continue  # the template lists every key; a blank value changes nothing
            if self.duplicate(seen, (key, site), row, "key", f"setting {key}"):
                continue
            value = self.p.cell(row, "value", spec.parse)
            if value is not None:
                self.plan.settings.append(
                    SettingPlan(row.number, key, site or None, row["value"], value)
                )


def _setting_key(text: str) -> str:
    spec = spec_for(text)
    if spec.secret:
        raise ValidationError(
            f"{text} is not set in the workbook (see 'hall kiosk set-pin')",
            f"{spec.label_zh}不能在组织机构表中设置。",
        )
    if text in HOURS_KEYS:
        raise ValidationError(
            f"{text}: give opening hours in the 营业时间 sheet", "营业时间请在“营业时间”表中填写。"
        )
    return text
