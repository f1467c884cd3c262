"""The 管理 host (issue #9): its pages filtered by role, each page built and accessible."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from reception.modules.admin import PAGES, pages_for
from shared.qt.theme import NORMAL
from tests.reception.admin_console_support import admin_host
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker, log_in

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def test_pages_follow_roles() -> None:
    assert [p.key for p in pages_for(["manager"])] == ["staff", "hours"]
    assert [p.key for p in pages_for(["admin"])] == [p.key for p in PAGES]
    assert [p.key for p in pages_for(["manager", "guide"])] == ["staff", "hours"]
    assert pages_for(["guide", "window"]) == []
    assert {p.key for p in PAGES} >= {"organisation", "terminals", "pin", "catalog", "settings"}


def test_manager_sees_people_and_hours(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    _shell, host = admin_host(qtbot, open_shell, seeded_sqlite_url, "manager")
    assert host.page_keys() == ["staff", "hours"]
    assert host.page_titles() == ["工作人员", "营业时间与节假日"]
    with qtbot.wait_signal(host.page_selected) as selected:
        host.select_page("hours")
    assert selected.args == ["hours"] and host.page("hours").isVisible()


def test_admin_sees_every_page(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    _shell, host = admin_host(qtbot, open_shell, seeded_sqlite_url, "admin")
    assert host.page_keys() == [p.key for p in PAGES]
    assert host.page_titles() == [
        "工作人员",
        "营业时间与节假日",
        "组织机构",
        "终端与打印机",
        "系统设置",
        "自助机密码",
        "事项导入",
    ]


def test_other_roles_have_no_admin_module(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    log_in(qtbot, shell, "guide1", "demo1234")
    assert shell.console is not None
    assert "admin" not in shell.console.module_keys()


@pytest.mark.parametrize("key", [p.key for p in PAGES])
def test_pages_pass_the_accessibility_check(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str, key: str
) -> None:
    from shared.qt import a11y

    shell, host = admin_host(qtbot, open_shell, seeded_sqlite_url, "admin")
    shell.resize(1920, 1080)
    host.select_page(key)
    page = host.page(key)
    qtbot.waitUntil(lambda: not shell.runner.busy, timeout=SIGNAL_TIMEOUT_MS)
    sections = getattr(page, "sections", None)
    for index in range(sections.count() if sections else 1):
        if sections:
            sections.setCurrentIndex(index)
        qtbot.wait_exposed(page)
        assert [str(p) for p in a11y.check_accessibility(page, NORMAL)] == [], (key, index)
