"""A site's weekly hours as one value: pure parsing, checking and wording (no database).

Stored (settings ``hall_hours`` and ``self_service_hours``) as::

    {"weekdays": [0, 1, 2, 3, 4],                 # Monday = 0
     "sessions": [["08:30", "12:00"], ["14:30", "17:30"]],
     "by_weekday": {"5": [["09:00", "12:00"]]}}   # optional: days whose sessions differ

``weekdays``/``sessions`` is the common case every reader understood before per-day hours
existed; ``by_weekday`` adds the days that differ (a Saturday morning), so one value holds any
week. People write it as text — ``周一至周五 08:30-12:00, 14:30-17:30; 周六 09:00-12:00`` —
on the CLI, in the console and in the workbook; :func:`parse_hours_text` reads that and
:func:`hours_text` writes it back. ``24:00`` may end a session (the 24-hour zone).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import time
from itertools import pairwise
from typing import Any

from shared.errors import ValidationError

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: End of day, for sessions that run to midnight (``24:00``).
END_OF_DAY = time(23, 59, 59, 999999)

Session = tuple[str, str]
_TIME_RE = re.compile(r"^([01]?\d|2[0-4])[:：]([0-5]\d)$")
_DAY_WORDS = {
    **{name: i for i, name in enumerate(WEEKDAYS_ZH)},
    **{f"星期{c}": i for i, c in enumerate("一二三四五六日")},
    "星期天": 6,
    "周天": 6,
    **{name.lower(): i for i, name in enumerate(WEEKDAYS_EN)},
    **{str(i + 1): i for i in range(7)},
}


def _bad(en: str, zh: str) -> ValidationError:
    return ValidationError(en, zh)


def check_time(text: str, *, allow_24: bool = False) -> str:
    """``"8:30"`` → ``"08:30"``; refuses anything that is not a time of day."""
    match = _TIME_RE.match(str(text).strip())
    if not match or (match.group(1) == "24" and (not allow_24 or match.group(2) != "00")):
        raise _bad(f"not a time of day (HH:MM): {text!r}", f"“{text}”不是有效的时间（时:分）。")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def to_time(text: str) -> time:
    """A checked ``HH:MM`` as a ``time`` (``24:00`` → the last instant of the day)."""
    if text == "24:00":
        return END_OF_DAY
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def check_sessions(sessions: Iterable[Any], *, where: str = "") -> list[list[str]]:
    """Sessions sorted, each starting before it ends, none overlapping another."""
    checked: list[list[str]] = []
    for item in sessions:
        try:
            start, end = item
        except (TypeError, ValueError):
            raise _bad(
                f"{where}a session is a pair of times, got {item!r}",
                f"{where}时段应为“开始-结束”。",
            ) from None
        start, end = check_time(start), check_time(end, allow_24=True)
        if to_time(start) >= to_time(end):
            raise _bad(
                f"{where}session {start}-{end} ends before it starts",
                f"{where}时段 {start}-{end} 的结束时间早于开始时间。",
            )
        checked.append([start, end])
    checked.sort()
    for (a_start, a_end), (b_start, b_end) in pairwise(checked):
        if to_time(b_start) < to_time(a_end):
            raise _bad(
                f"{where}sessions {a_start}-{a_end} and {b_start}-{b_end} overlap",
                f"{where}时段 {a_start}-{a_end} 与 {b_start}-{b_end} 重叠。",
            )
    return checked


def check_hours(value: Any) -> dict[str, Any]:
    """A weekly-hours value, normalised; :class:`ValidationError` when malformed."""
    if not isinstance(value, Mapping):
        raise _bad("weekly hours must be an object", "营业时间格式有误。")
    unknown = set(value) - {"weekdays", "sessions", "by_weekday"}
    if unknown:
        raise _bad(f"unknown hours keys: {sorted(unknown)}", "营业时间格式有误。")
    by_day = _days_of(value)
    return _compress(by_day)


def _days_of(value: Mapping[str, Any]) -> dict[int, list[list[str]]]:
    weekdays = value.get("weekdays", [])
    if not isinstance(weekdays, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in weekdays
    ):
        raise _bad("weekdays are numbers 0 (Monday) to 6 (Sunday)", "营业日应为周一至周日。")
    sessions = check_sessions(value.get("sessions", []))
    by_day = {day: sessions for day in weekdays if sessions}
    extra = value.get("by_weekday", {}) or {}
    if not isinstance(extra, Mapping):
        raise _bad("by_weekday must map a weekday to sessions", "营业时间格式有误。")
    for key, day_sessions in extra.items():
        day = int(key) if str(key).isdigit() else -1
        if not 0 <= day <= 6:
            raise _bad(f"not a weekday: {key!r}", "营业日应为周一至周日。")
        checked = check_sessions(day_sessions, where=f"{WEEKDAYS_EN[day]}: ")
        if checked:
            by_day[day] = checked
        else:
            by_day.pop(day, None)
    return by_day


def _compress(by_day: Mapping[int, list[list[str]]]) -> dict[str, Any]:
    """The stored form: the most common sessions as ``sessions``, the rest per day."""
    if not by_day:
        return {"weekdays": [], "sessions": []}
    counts = Counter(tuple(map(tuple, s)) for s in by_day.values())
    common = [list(pair) for pair in counts.most_common(1)[0][0]]
    result: dict[str, Any] = {"weekdays": sorted(by_day), "sessions": common}
    others = {str(d): s for d, s in sorted(by_day.items()) if s != common}
    if others:
        result["by_weekday"] = others
    return result


def hours_from_days(by_day: Mapping[int, Iterable[Session]]) -> dict[str, Any]:
    """Build the stored value from sessions per weekday (the workbook's rows)."""
    return _compress(
        {
            day: checked
            for day, sessions in by_day.items()
            if (checked := check_sessions(sessions, where=f"{WEEKDAYS_ZH[day]}："))
        }
    )


def sessions_for(hours: Mapping[str, Any], weekday: int) -> list[tuple[time, time]]:
    """The sessions of one weekday (empty when the day is closed)."""
    extra = hours.get("by_weekday") or {}
    if str(weekday) in extra:
        pairs = extra[str(weekday)]
    elif weekday in {int(d) for d in hours.get("weekdays", [])}:
        pairs = hours.get("sessions", [])
    else:
        return []
    return [(to_time(a), to_time(b)) for a, b in pairs]


def working_weekdays(hours: Mapping[str, Any]) -> tuple[int, ...]:
    """The weekdays with at least one session."""
    return tuple(d for d in range(7) if sessions_for(hours, d))


def day_groups(hours: Mapping[str, Any]) -> list[tuple[list[int], list[list[str]]]]:
    """Runs of weekdays sharing the same sessions, in weekday order."""
    groups: list[tuple[list[int], list[list[str]]]] = []
    extra = hours.get("by_weekday") or {}
    common = [list(p) for p in hours.get("sessions", [])]
    for day in range(7):
        if str(day) in extra:
            sessions = [list(p) for p in extra[str(day)]]
        elif day in {int(d) for d in hours.get("weekdays", [])}:
            sessions = common
        else:
            continue
        if groups and groups[-1][1] == sessions and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], sessions))
    return groups


def _days_label(days: list[int], names: tuple[str, ...], joiner: str) -> str:
    if len(days) == 1:
        return names[days[0]]
    return f"{names[days[0]]}{joiner}{names[days[-1]]}"


def hours_text(hours: Mapping[str, Any]) -> tuple[str, str]:
    """English and Chinese wording, e.g. ``周一至周五 08:30-12:00, 14:30-17:30``."""
    groups = day_groups(hours)
    if not groups:
        return "closed", "不开放"
    en = "; ".join(
        f"{_days_label(d, WEEKDAYS_EN, '-')} {', '.join(f'{a}-{b}' for a, b in s)}"
        for d, s in groups
    )
    zh = "; ".join(
        f"{_days_label(d, WEEKDAYS_ZH, '至')} {', '.join(f'{a}-{b}' for a, b in s)}"
        for d, s in groups
    )
    return en, zh


def _parse_days(text: str) -> list[int]:
    days: list[int] = []
    for part in re.split(r"[、,，]", text):
        part = part.strip().lower()
        if not part:
            continue
        if part in ("每天", "每日", "daily"):
            days.extend(range(7))
            continue
        span = re.split(r"至|到|~|-|—", part)
        if len(span) == 2:
            first, last = _DAY_WORDS.get(span[0].strip()), _DAY_WORDS.get(span[1].strip())
            if first is None or last is None or first > last:
                raise _bad(f"not a range of weekdays: {part!r}", f"“{part}”不是有效的星期范围。")
            days.extend(range(first, last + 1))
        elif part in _DAY_WORDS:
            days.append(_DAY_WORDS[part])
        else:
            raise _bad(f"not a weekday: {part!r}", f"“{part}”不是有效的星期。")
    return days


def parse_days(text: str) -> list[int]:
    """``周一至周五`` / ``周六、周日`` / ``mon-fri`` / ``1-5`` → weekday numbers (Monday = 0)."""
    days = _parse_days(text)
    if not days:
        raise _bad("no weekday given", "请填写星期。")
    return sorted(set(days))


def parse_hours_text(text: str) -> dict[str, Any]:
    """Read ``周一至周五 08:30-12:00, 14:30-17:30; 周六 09:00-12:00`` (``不开放`` = closed)."""
    text = text.strip()
    if text in ("", "不开放", "closed"):
        return {"weekdays": [], "sessions": []}
    by_day: dict[int, list[Session]] = {}
    for clause in re.split(r"[;；\n]", text):
        clause = clause.strip()
        if not clause:
            continue
        match = re.match(r"^(\S+)\s+(.+)$", clause)
        if not match:
            raise _bad(
                f"write each clause as 'DAYS HH:MM-HH:MM[, HH:MM-HH:MM]': {clause!r}",
                f"“{clause}”格式应为“星期 开始-结束”。",
            )
        days = parse_days(match.group(1))
        sessions: list[Session] = []
        for span in re.split(r"[,，、\s]+", match.group(2).strip()):
            if not span:
                continue
            pair = re.split(r"-|—|~|至|到", span)
            if len(pair) != 2:
                raise _bad(f"not a session HH:MM-HH:MM: {span!r}", f"“{span}”不是有效的时段。")
            sessions.append((pair[0], pair[1]))
        for day in days:
            if day in by_day:
                raise _bad(f"{WEEKDAYS_EN[day]} is given twice", f"{WEEKDAYS_ZH[day]}重复填写。")
            by_day[day] = sessions
    return hours_from_days(by_day)
