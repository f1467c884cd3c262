"""管理 › 系统设置 driven as an admin would (issue #9): a valid value applies, for the hall or
one site, and reaches another terminal; a bad one is refused with its reason and writes
nothing; 恢复上一级 brings the next level back."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reception.modules.admin.settings_page import SettingsPage
from shared.db import create_session_factory, engine_of
from shared.models import AuditEntry, Setting
from shared.services.settings import change_setting, get_setting, site_by_code
from tests.reception.admin_console_support import admin_host, press, read_db
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

SITE = "town-miaoling"


def _page(qtbot: QtBot, open_shell: ShellMaker, url: str) -> SettingsPage:
    _shell, host = admin_host(qtbot, open_shell, url, "admin")
    host.select_page("settings")
    page = host.page("settings")
    assert isinstance(page, SettingsPage)
    qtbot.waitUntil(lambda: "recall_grace_minutes" in page.rows, timeout=SIGNAL_TIMEOUT_MS)
    return page


def _value(url: str, key: str, site: str | None = None) -> object:
    def read(session: Session) -> object:
        site_id = site_by_code(session, site).id if site else None
        return get_setting(session, key, site_id)

    return read_db(url, read)


def _save(qtbot: QtBot, page: SettingsPage, key: str, text: str) -> None:
    row = page.rows[key]
    row.editor.clear()
    row.editor.insert(text)
    press(qtbot, row.save)


def _choose(qtbot: QtBot, page: SettingsPage, site: str | None) -> None:
    with qtbot.wait_signal(page.settings_loaded, timeout=SIGNAL_TIMEOUT_MS):
        page.choose_site(site)


def test_every_setting_is_listed_with_label_value_and_source(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    page = _page(qtbot, open_shell, seeded_sqlite_url)
    assert "kiosk_pin_hash" not in page.rows and "installation_secret" not in page.rows
    hours = page.rows["hall_hours"]
    assert hours.label.text() == "大厅营业时间"
    assert hours.editor.text() == "周一至周五 08:30-12:00, 14:30-17:30"
    assert hours.source.text() == "默认"
    assert not hours.reset.isEnabled()


def test_a_valid_change_applies_and_reaches_another_terminal(
    qtbot: QtBot, open_shell: ShellMaker, seeded_db_url: str
) -> None:
    page = _page(qtbot, open_shell, seeded_db_url)
    other = _page(qtbot, open_shell, seeded_db_url)

    with qtbot.wait_signal(page.setting_saved, timeout=SIGNAL_TIMEOUT_MS):
        _save(qtbot, page, "hall_hours", "周一至周五 09:00-12:00, 14:00-17:00; 周六 09:00-12:00")
    assert _value(seeded_db_url, "hall_hours") == {
        "weekdays": [0, 1, 2, 3, 4, 5],
        "sessions": [["09:00", "12:00"], ["14:00", "17:00"]],
        "by_weekday": {"5": [["09:00", "12:00"]]},
    }
    assert page.rows["hall_hours"].source.text() == "全局"
    assert page.rows["hall_hours"].reset.isEnabled()
    qtbot.waitUntil(
        lambda: (
            other.rows["hall_hours"].editor.text()
            == "周一至周五 09:00-12:00, 14:00-17:00; 周六 09:00-12:00"
        ),
        timeout=SIGNAL_TIMEOUT_MS,
    )
    assert other.rows["hall_hours"].source.text() == "全局"

    # One site differs from the hall; the hall keeps its value.
    _choose(qtbot, page, SITE)
    assert page.rows["elderly_age"].source.text() == "默认"
    with qtbot.wait_signal(page.setting_saved, timeout=SIGNAL_TIMEOUT_MS):
        _save(qtbot, page, "elderly_age", "65")
    assert page.rows["elderly_age"].source.text() == "本站点"
    assert _value(seeded_db_url, "elderly_age", SITE) == 65
    assert _value(seeded_db_url, "elderly_age") == 70
    # A hall-wide setting cannot be set for one site.
    assert page.rows["reception_levels"].editor.isReadOnly()
    assert not page.rows["reception_levels"].save.isEnabled()

    # 恢复上一级: the site's value goes, the hall's (here the default) applies again.
    with qtbot.wait_signal(page.setting_saved, timeout=SIGNAL_TIMEOUT_MS):
        press(qtbot, page.rows["elderly_age"].reset)
    assert page.rows["elderly_age"].source.text() == "默认"
    assert page.rows["elderly_age"].editor.text() == "70"
    assert _value(seeded_db_url, "elderly_age", SITE) == 70


@pytest.mark.parametrize(
    ("key", "text", "reason"),
    [
        ("recall_grace_minutes", "abc", "过号可重呼时限（分钟）：应为整数。"),
        ("recall_grace_minutes", "500", "过号可重呼时限（分钟）：应在 0 至 240 之间。"),
        (
            "hall_hours",
            "周一至周五 12:00-08:30",
            "大厅营业时间：周一：时段 12:00-08:30 的结束时间早于开始时间。",
        ),
        (
            "business_day_cutover",
            "08:00",
            "业务日切换时间：业务日切换时间应在 00:00 至 06:00 之间（营业时间之外）。",
        ),
    ],
)
def test_a_bad_value_is_refused_with_its_reason_and_writes_nothing(
    qtbot: QtBot,
    open_shell: ShellMaker,
    seeded_sqlite_url: str,
    key: str,
    text: str,
    reason: str,
) -> None:
    page = _page(qtbot, open_shell, seeded_sqlite_url)
    with qtbot.wait_signal(page.setting_refused, timeout=SIGNAL_TIMEOUT_MS) as refused:
        _save(qtbot, page, key, text)
    assert refused.args == [key, reason]
    error = page.rows[key].error
    assert error.isVisible() and error.text() == reason
    assert page.rows[key].source.text() == "默认"

    def written(session: Session) -> tuple[int, int]:
        settings = session.scalar(
            select(func.count()).select_from(Setting).where(Setting.key == key)
        )
        audits = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "setting.changed")
        )
        return int(settings or 0), int(audits or 0)

    assert read_db(seeded_sqlite_url, written) == (0, 0)


def test_a_change_from_elsewhere_keeps_the_draft_being_typed(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    page = _page(qtbot, open_shell, seeded_sqlite_url)
    draft = page.rows["recall_grace_minutes"].editor
    draft.clear()
    qtbot.keyClicks(draft, "30")

    factory = create_session_factory(seeded_sqlite_url)
    with factory.begin() as session:
        change_setting(session, "elderly_age", "75", actor="elsewhere")
    engine_of(factory).dispose()
    qtbot.waitUntil(
        lambda: page.rows["elderly_age"].editor.text() == "75", timeout=SIGNAL_TIMEOUT_MS
    )
    assert draft.text() == "30"
