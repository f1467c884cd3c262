"""管理: the staff list, read in the background and refreshed by the change feed."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from reception.modules.staff_admin import StaffAdminPage
from shared.db import create_session_factory, engine_of
from shared.demo.org_data import DEMO_PASSWORD, DEMO_STAFF
from shared.services.staff import add_staff, set_disabled
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker, log_in

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _rows(page: StaffAdminPage) -> dict[str, list[str]]:
    table = page.table
    return {
        table.item(row, 0).text(): [
            table.item(row, column).text() for column in range(1, table.columnCount())
        ]
        for row in range(table.rowCount())
    }


def test_admin_sees_every_account_and_changes_made_elsewhere(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    log_in(qtbot, shell, "admin", DEMO_PASSWORD)
    assert shell.console is not None
    page = shell.console.module("admin")
    assert isinstance(page, StaffAdminPage)
    qtbot.waitUntil(lambda: page.table.rowCount() == len(DEMO_STAFF), timeout=SIGNAL_TIMEOUT_MS)
    rows = _rows(page)
    assert rows["guide1"] == ["陈晓燕", "咨询引导", "华容区政务服务中心", "正常"]
    assert page.summary.text() == f"共 {len(DEMO_STAFF)} 个账号"

    factory = create_session_factory(seeded_sqlite_url)
    with (
        qtbot.wait_signal(page.staff_loaded, timeout=SIGNAL_TIMEOUT_MS) as blocker,
        factory.begin() as session,
    ):
        add_staff(
            session,
            username="guide4",
            display_name="马琳",
            password=DEMO_PASSWORD,
            roles=["guide", "assistant"],
        )
        set_disabled(session, "window3")
    engine_of(factory).dispose()
    assert blocker.args == [len(DEMO_STAFF) + 1]
    rows = _rows(page)
    assert rows["guide4"] == ["马琳", "咨询引导、帮办代办", "全部站点", "正常"]
    assert rows["window3"][-1] == "已停用"
