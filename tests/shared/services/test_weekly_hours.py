"""Weekly hours as text and as the stored value (issue #9, item 2)."""

from __future__ import annotations

from datetime import time

import pytest

from shared.errors import ValidationError
from shared.services.weekly_hours import (
    hours_text,
    parse_days,
    parse_hours_text,
    sessions_for,
    working_weekdays,
)


def test_per_weekday_hours_keep_the_common_form() -> None:
    hours = parse_hours_text("周一至周五 08:30-12:00，14:30-17:30；周六 9:00-12:00")
    assert hours == {
        "weekdays": [0, 1, 2, 3, 4, 5],
        "sessions": [["08:30", "12:00"], ["14:30", "17:30"]],
        "by_weekday": {"5": [["09:00", "12:00"]]},
    }
    assert sessions_for(hours, 5) == [(time(9, 0), time(12, 0))]
    assert sessions_for(hours, 6) == []
    assert working_weekdays(hours) == (0, 1, 2, 3, 4, 5)
    en, zh = hours_text(hours)
    assert zh == "周一至周五 08:30-12:00, 14:30-17:30; 周六 09:00-12:00"
    assert en == "Mon-Fri 08:30-12:00, 14:30-17:30; Sat 09:00-12:00"
    assert parse_hours_text(zh) == hours


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("周一至周五", [0, 1, 2, 3, 4]),
        ("星期六、星期日", [5, 6]),
        ("mon-wed", [0, 1, 2]),
        ("1-5", [0, 1, 2, 3, 4]),
        ("周天", [6]),
    ],
)
def test_weekday_words(text: str, days: list[int]) -> None:
    assert parse_days(text) == days


def test_the_24_hour_zone_ends_at_midnight() -> None:
    hours = parse_hours_text("周一至周日 00:00-24:00")
    assert sessions_for(hours, 6)[0][1] > time(23, 59)
    with pytest.raises(ValidationError):
        parse_hours_text("周一 00:00-24:30")


def test_closed_is_an_empty_week() -> None:
    assert parse_hours_text("不开放") == {"weekdays": [], "sessions": []}
    assert hours_text({"weekdays": [], "sessions": []}) == ("closed", "不开放")
