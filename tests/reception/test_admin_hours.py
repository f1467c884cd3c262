"""管理 › 营业时间与节假日 driven as a manager would (issue #9): weekly hours filled in per
weekday and a holiday, an extended-hours day and a 调休 day change the next opening shown;
bad sessions are refused with their reason and write nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session

from reception.modules.admin.hours import HoursPage
from reception.modules.admin.hours_widgets import WeekEditor
from shared.clock import HALL_TZ
from shared.services.holidays import list_days
from shared.services.settings import get_setting, site_by_code
from tests.reception.admin_console_support import admin_host, press, read_db
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

SITE, SITE_NAME = "town-miaoling", "庙岭镇便民服务中心"
#: Wednesday 9 December 2026, 18:00 in the hall: closed for the day.
NOW = datetime(2026, 12, 9, 18, 0, tzinfo=HALL_TZ)


def _page(qtbot: QtBot, open_shell: ShellMaker, url: str, username: str) -> HoursPage:
    _shell, host = admin_host(qtbot, open_shell, url, username)
    host.select_page("hours")
    page = host.page("hours")
    assert isinstance(page, HoursPage)
    page.clock = lambda: NOW
    with qtbot.wait_signal(page.hours_loaded, timeout=SIGNAL_TIMEOUT_MS):
        page.reload()
    return page


def _then_opening(qtbot: QtBot, page: HoursPage, action: object, expected: str) -> None:
    """Do ``action`` (a callable), wait until it is saved, then until the page (which reloads
    by itself) shows ``expected`` as the next opening."""
    with qtbot.wait_signal(page.saved, timeout=SIGNAL_TIMEOUT_MS):
        action()  # type: ignore[operator]
    qtbot.waitUntil(lambda: page.opening.text() == expected, timeout=SIGNAL_TIMEOUT_MS)


def _set_day(editor: WeekEditor, day: int, sessions: list[tuple[str, str]]) -> None:
    editor.days[day].set_sessions(sessions)


def _add_day(qtbot: QtBot, page: HoursPage, day: date, kind: str, sessions: list[str]) -> None:
    form = page.day_form
    form.date.setDate(QDate(day.year, day.month, day.day))
    form.kind.setCurrentIndex(form.kind.findData(kind))
    form.name.clear()
    form.name.insert("测试")
    pairs = [tuple(s.split("-")) for s in sessions]
    form.sessions.set_sessions(pairs)  # type: ignore[arg-type]
    press(qtbot, form.save)


def test_manager_changes_hours_and_calendar_and_sees_the_next_opening(
    qtbot: QtBot, open_shell: ShellMaker, seeded_db_url: str
) -> None:
    page = _page(qtbot, open_shell, seeded_db_url, "manager")
    page.choose_site(SITE)
    qtbot.waitUntil(lambda: page.hall.current.text().startswith("现行"), timeout=SIGNAL_TIMEOUT_MS)
    qtbot.waitUntil(lambda: SITE_NAME in page.opening.text(), timeout=SIGNAL_TIMEOUT_MS)
    assert page.opening.text() == f"{SITE_NAME}：现在不营业，下次开放：2026-12-10 周四 08:30"
    assert page.hall.days[3].sessions()[:2] == [("08:30", "12:00"), ("14:30", "17:30")]

    # Thursday now starts at 09:30 at this site only.
    _set_day(page.hall, 3, [("09:30", "12:00"), ("14:30", "17:30")])
    _then_opening(
        qtbot,
        page,
        lambda: press(qtbot, page.hall.save),
        f"{SITE_NAME}：现在不营业，下次开放：2026-12-10 周四 09:30",
    )

    def hours(session: Session) -> tuple[object, object]:
        site = site_by_code(session, SITE)
        return get_setting(session, "hall_hours", site.id), get_setting(session, "hall_hours")

    site_hours, hall_hours = read_db(seeded_db_url, hours)
    assert site_hours["by_weekday"] == {"3": [["09:30", "12:00"], ["14:30", "17:30"]]}  # type: ignore[index]
    assert "by_weekday" not in hall_hours  # type: ignore[operator]
    assert "本站点" in page.hall.current.text()

    # A holiday on Thursday moves the opening to Friday.
    _then_opening(
        qtbot,
        page,
        lambda: _add_day(qtbot, page, date(2026, 12, 10), "holiday", []),
        f"{SITE_NAME}：现在不营业，下次开放：2026-12-11 周五 08:30",
    )
    # Extended service tonight opens the hall now.
    _then_opening(
        qtbot,
        page,
        lambda: _add_day(qtbot, page, date(2026, 12, 9), "extended", ["17:30-19:00"]),
        f"{SITE_NAME}：现在营业中，19:00 结束。",
    )

    entries = read_db(seeded_db_url, lambda s: list_days(s, site=SITE))
    assert [(e.day, e.kind, e.site_code) for e in entries] == [
        (date(2026, 12, 9), "extended", SITE),
        (date(2026, 12, 10), "holiday", SITE),
    ]
    assert page.calendar.rowCount() == 2

    # Removing the extended day closes tonight again.
    page.calendar.selectRow(0)
    _then_opening(
        qtbot,
        page,
        lambda: press(qtbot, page.remove_button),
        f"{SITE_NAME}：现在不营业，下次开放：2026-12-11 周五 08:30",
    )


def test_a_saturday_workday_for_the_whole_hall(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    page = _page(qtbot, open_shell, seeded_sqlite_url, "manager")
    # 调休: Thursday and Friday off, Saturday worked, hall-wide.
    hall = "华容区政务服务中心：现在不营业，下次开放："
    _then_opening(
        qtbot,
        page,
        lambda: _add_day(qtbot, page, date(2026, 12, 10), "holiday", []),
        f"{hall}2026-12-11 周五 08:30",
    )
    _then_opening(
        qtbot,
        page,
        lambda: _add_day(qtbot, page, date(2026, 12, 11), "holiday", []),
        f"{hall}2026-12-14 周一 08:30",
    )
    _then_opening(
        qtbot,
        page,
        lambda: _add_day(qtbot, page, date(2026, 12, 12), "workday", []),
        f"{hall}2026-12-12 周六 08:30",
    )
    assert page.calendar.item(0, 5).text() == "全大厅"


@pytest.mark.parametrize(
    ("sessions", "reason"),
    [
        ([("12:00", "09:00")], "大厅营业时间：周五：时段 12:00-09:00 的结束时间早于开始时间。"),
        ([("09:00", "")], "大厅营业时间：周五：第1段请同时填写开始和结束时间。"),
        (
            [("08:30", "12:00"), ("11:00", "17:00")],
            "大厅营业时间：周五：时段 08:30-12:00 与 11:00-17:00 重叠。",
        ),
    ],
)
def test_bad_sessions_are_refused_and_write_nothing(
    qtbot: QtBot,
    open_shell: ShellMaker,
    seeded_sqlite_url: str,
    sessions: list[tuple[str, str]],
    reason: str,
) -> None:
    page = _page(qtbot, open_shell, seeded_sqlite_url, "admin")
    _set_day(page.hall, 4, sessions)
    with qtbot.wait_signal(page.refused, timeout=SIGNAL_TIMEOUT_MS) as refused:
        press(qtbot, page.hall.save)
    assert refused.args == [reason]
    assert page.hall.error.isVisible() and page.hall.error.text() == reason
    stored = read_db(seeded_sqlite_url, lambda s: get_setting(s, "hall_hours"))
    assert stored["sessions"] == [["08:30", "12:00"], ["14:30", "17:30"]]
    assert "by_weekday" not in stored
