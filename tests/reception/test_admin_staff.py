"""管理 › 工作人员 driven as a manager and as an admin would (issue #9): add, edit, reset a
password, disable, enable, unlock — seen in the database and on another terminal through the
change feed; the service's refusals shown in Chinese."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from reception.modules.admin.staff import StaffPage
from reception.modules.admin.staff_dialogs import (
    AccountDialog,
    ResetPasswordDialog,
    TemporaryPasswordDialog,
)
from shared.clock import utcnow
from shared.db import create_session_factory, engine_of
from shared.demo.org_data import DEMO_STAFF
from shared.models import AuditEntry, Staff
from shared.services.staff import verify_password
from tests.reception.admin_console_support import admin_host, press, press_ok
from tests.reception.conftest import OFFSCREEN_NOISE, SIGNAL_TIMEOUT_MS, ShellMaker

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)


def _page(qtbot: QtBot, open_shell: ShellMaker, url: str, username: str) -> StaffPage:
    _shell, host = admin_host(qtbot, open_shell, url, username)
    page = host.page("staff")
    assert isinstance(page, StaffPage)
    qtbot.waitUntil(lambda: page.table.rowCount() >= len(DEMO_STAFF), timeout=SIGNAL_TIMEOUT_MS)
    return page


def _rows(page: StaffPage) -> dict[str, list[str]]:
    table = page.table
    return {
        table.item(row, 0).text(): [
            table.item(row, column).text() for column in range(1, table.columnCount())
        ]
        for row in range(table.rowCount())
    }


def _staff(url: str, username: str) -> Staff:
    factory = create_session_factory(url)
    try:
        with factory() as session:
            staff = session.scalar(select(Staff).where(Staff.username == username))
            assert staff is not None
            session.expunge(staff)
            return staff
    finally:
        engine_of(factory).dispose()


def _dialog(page: StaffPage, kind: type[QDialog]) -> QDialog:
    dialog = page.dialog
    assert isinstance(dialog, kind) and dialog.isVisible()
    return dialog


def _act(qtbot: QtBot, page: StaffPage, button_name: str, username: str) -> None:
    page.select_username(username)
    with qtbot.wait_signal(page.action_done, timeout=SIGNAL_TIMEOUT_MS):
        press(qtbot, getattr(page, button_name))


def test_manager_adds_and_edits_an_account_seen_on_another_terminal(
    qtbot: QtBot, open_shell: ShellMaker, seeded_db_url: str
) -> None:
    page = _page(qtbot, open_shell, seeded_db_url, "manager")
    other = _page(qtbot, open_shell, seeded_db_url, "admin")

    press(qtbot, page.add_button)
    dialog = _dialog(page, AccountDialog)
    assert isinstance(dialog, AccountDialog)
    assert not dialog.role_boxes["admin"].isEnabled()  # a manager cannot grant it
    qtbot.keyClicks(dialog.username, "guide4")
    dialog.display_name.setText("马琳")  # QtTest types ASCII only
    dialog.role_boxes["guide"].setChecked(True)
    dialog.role_boxes["assistant"].setChecked(True)
    dialog.site.setCurrentIndex(dialog.site.findText("庙岭镇便民服务中心"))
    qtbot.keyClicks(dialog.password, "first-pass-1")
    with (
        qtbot.wait_signal(page.action_done, timeout=SIGNAL_TIMEOUT_MS),
        qtbot.wait_signal(other.staff_loaded, timeout=SIGNAL_TIMEOUT_MS),
    ):
        press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "guide4" in _rows(other), timeout=SIGNAL_TIMEOUT_MS)
    assert _rows(other)["guide4"] == [
        "马琳",
        "咨询引导、帮办代办",
        "庙岭镇便民服务中心",
        "待修改密码",
    ]
    stored = _staff(seeded_db_url, "guide4")
    assert stored.must_change_password and verify_password("first-pass-1", stored.password_hash)

    page.select_username("guide4")
    press(qtbot, page.edit_button)
    dialog = _dialog(page, AccountDialog)
    assert isinstance(dialog, AccountDialog)
    assert dialog.username.isReadOnly()
    dialog.display_name.clear()
    dialog.display_name.setText("马琳琳")
    dialog.role_boxes["assistant"].setChecked(False)
    dialog.site.setCurrentIndex(0)  # 全部站点
    with qtbot.wait_signal(page.action_done, timeout=SIGNAL_TIMEOUT_MS):
        press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: _rows(other)["guide4"][0] == "马琳琳", timeout=SIGNAL_TIMEOUT_MS)
    assert _rows(other)["guide4"][:3] == ["马琳琳", "咨询引导", "全部站点"]
    stored = _staff(seeded_db_url, "guide4")
    assert stored.display_name == "马琳琳" and stored.site_id is None


def test_manager_resets_disables_enables_and_unlocks(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    page = _page(qtbot, open_shell, seeded_sqlite_url, "manager")

    page.select_username("guide1")
    press(qtbot, page.reset_button)
    dialog = _dialog(page, ResetPasswordDialog)
    assert isinstance(dialog, ResetPasswordDialog)
    dialog.typed.click()
    qtbot.keyClicks(dialog.password, "short")
    with qtbot.wait_signal(page.action_failed, timeout=SIGNAL_TIMEOUT_MS) as refused:
        press_ok(qtbot, dialog)
    assert refused.args == ["密码至少需要8位。"] and dialog.error.text() == refused.args[0]
    assert not _staff(seeded_sqlite_url, "guide1").must_change_password
    dialog.generate.click()
    with qtbot.wait_signal(page.password_shown, timeout=SIGNAL_TIMEOUT_MS) as shown:
        press_ok(qtbot, dialog)
    assert shown.args == ["guide1"]
    shown_dialog = _dialog(page, TemporaryPasswordDialog)
    assert isinstance(shown_dialog, TemporaryPasswordDialog)
    temporary = shown_dialog.password.text()
    stored = _staff(seeded_sqlite_url, "guide1")
    assert len(temporary) >= 8 and verify_password(temporary, stored.password_hash)
    assert stored.must_change_password
    qtbot.waitUntil(lambda: _rows(page)["guide1"][-1] == "待修改密码", timeout=SIGNAL_TIMEOUT_MS)

    _act(qtbot, page, "disable_button", "window3")
    assert _staff(seeded_sqlite_url, "window3").disabled
    qtbot.waitUntil(lambda: _rows(page)["window3"][-1] == "已停用", timeout=SIGNAL_TIMEOUT_MS)
    _act(qtbot, page, "enable_button", "window3")
    assert not _staff(seeded_sqlite_url, "window3").disabled

    factory = create_session_factory(seeded_sqlite_url)
    with factory.begin() as session:
        locked = session.scalar(select(Staff).where(Staff.username == "guide2"))
        assert locked is not None
        locked.locked_until = utcnow() + timedelta(minutes=5)
    engine_of(factory).dispose()
    press(qtbot, page.refresh_button)  # a lockout is not a change other terminals follow
    qtbot.waitUntil(
        lambda: _rows(page)["guide2"][-1].startswith("已锁定至"), timeout=SIGNAL_TIMEOUT_MS
    )
    _act(qtbot, page, "unlock_button", "guide2")
    assert _staff(seeded_sqlite_url, "guide2").locked_until is None

    factory = create_session_factory(seeded_sqlite_url)
    with factory() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.actor == "manager")
        ).all()
    engine_of(factory).dispose()
    assert {"staff.password_reset", "staff.disabled", "staff.enabled", "staff.unlocked"} <= set(
        actions
    )


def test_manager_may_not_touch_an_admin_nor_disable_themself(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    page = _page(qtbot, open_shell, seeded_sqlite_url, "manager")
    page.select_username("admin")
    with qtbot.wait_signal(page.action_failed, timeout=SIGNAL_TIMEOUT_MS) as refused:
        press(qtbot, page.disable_button)
    assert refused.args == ["只有系统管理员可以修改系统管理员的账号。"]
    assert page.message.text() == refused.args[0] and page.message.isVisible()
    assert not _staff(seeded_sqlite_url, "admin").disabled

    page.select_username("manager")
    with qtbot.wait_signal(page.action_failed, timeout=SIGNAL_TIMEOUT_MS) as refused:
        press(qtbot, page.disable_button)
    assert refused.args == ["不能停用自己的账号。"]
    assert not _staff(seeded_sqlite_url, "manager").disabled


def test_admin_grants_the_admin_role_but_not_demotes_themself(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    page = _page(qtbot, open_shell, seeded_sqlite_url, "admin")
    page.select_username("manager")
    press(qtbot, page.edit_button)
    dialog = _dialog(page, AccountDialog)
    assert isinstance(dialog, AccountDialog)
    dialog.role_boxes["admin"].setChecked(True)
    with qtbot.wait_signal(page.action_done, timeout=SIGNAL_TIMEOUT_MS):
        press_ok(qtbot, dialog)
    assert _staff(seeded_sqlite_url, "manager").roles == ["admin", "manager"]

    page.select_username("admin")
    press(qtbot, page.edit_button)
    dialog = _dialog(page, AccountDialog)
    assert isinstance(dialog, AccountDialog)
    dialog.role_boxes["admin"].setChecked(False)
    dialog.role_boxes["guide"].setChecked(True)
    with qtbot.wait_signal(page.action_failed, timeout=SIGNAL_TIMEOUT_MS) as refused:
        press_ok(qtbot, dialog)
    assert refused.args == ["不能取消自己账号的角色。"]
    assert dialog.isVisible() and dialog.error.text() == refused.args[0]
    assert _staff(seeded_sqlite_url, "admin").roles == ["admin"]


def test_bad_new_account_is_refused_with_the_reason(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    page = _page(qtbot, open_shell, seeded_sqlite_url, "manager")
    press(qtbot, page.add_button)
    dialog = _dialog(page, AccountDialog)
    assert isinstance(dialog, AccountDialog)
    qtbot.keyClicks(dialog.username, "guide1")  # taken
    dialog.role_boxes["guide"].setChecked(True)
    qtbot.keyClicks(dialog.password, "long-enough")
    with qtbot.wait_signal(page.action_failed, timeout=SIGNAL_TIMEOUT_MS) as refused:
        press_ok(qtbot, dialog)
    assert refused.args == ["该用户名已存在。"]
    # The dialog stays open as typed, with the reason, so the name can be corrected.
    assert dialog.isVisible() and dialog.error.text() == "该用户名已存在。"
    dialog.username.clear()
    qtbot.keyClicks(dialog.username, "guide9")
    with qtbot.wait_signal(page.action_done, timeout=SIGNAL_TIMEOUT_MS):
        press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=SIGNAL_TIMEOUT_MS)
    assert _staff(seeded_sqlite_url, "guide9").roles == ["guide"]
