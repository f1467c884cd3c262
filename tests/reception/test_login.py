"""Logging in and out of the console, and what each role sees (issue #2, item 9); the forced
new password after a reset (issue #9)."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from reception import operations
from reception.shell import ReceptionShell
from shared.db import create_session_factory, engine_of
from shared.demo.org_data import DEMO_PASSWORD
from shared.models import Staff
from shared.services.staff import reset_password, set_disabled, verify_password
from tests.reception.conftest import (
    OFFSCREEN_NOISE,
    SIGNAL_TIMEOUT_MS,
    ShellMaker,
    fail_login,
    log_in,
    submit_login,
)

pytestmark = pytest.mark.qt_log_ignore(OFFSCREEN_NOISE)

EVERY_MODULE = [
    "取号台",
    "办事指南查询",
    "叫号",
    "优先服务",
    "参观接待",
    "报表",
    "管理",
    "实时动态",
]


@pytest.mark.parametrize(
    ("username", "display_name", "roles", "modules"),
    [
        ("guide1", "陈晓燕", "咨询引导", ["取号台", "办事指南查询", "实时动态"]),
        ("docent1", "王丽", "讲解接待", ["参观接待", "实时动态"]),
        ("assistant1", "吴芳", "帮办代办", ["优先服务", "实时动态"]),
        ("window1", "杨帆", "综合窗口", ["叫号", "实时动态"]),
        ("manager", "周经理", "项目经理", EVERY_MODULE),
        ("admin", "系统管理员", "系统管理员", EVERY_MODULE),
    ],
)
def test_login_shows_the_modules_of_the_role(
    qtbot: QtBot,
    open_shell: ShellMaker,
    seeded_sqlite_url: str,
    username: str,
    display_name: str,
    roles: str,
    modules: list[str],
) -> None:
    shell = open_shell(seeded_sqlite_url)
    assert shell.pages.currentWidget() is shell.login_view

    staff = log_in(qtbot, shell, username, DEMO_PASSWORD)

    console = shell.console
    assert console is not None
    assert shell.pages.currentWidget() is console
    assert staff.username == username
    assert console.module_titles() == modules
    assert console.name_label.text() == display_name
    assert console.roles_label.text() == roles
    assert console.site_label.text() == "华容区政务服务中心"
    assert console.clock_label.text().count(":") == 2
    assert console.current_module() == console.module_keys()[0]


def test_terminal_site_option_names_the_site(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url, site_code="town-miaoling")
    log_in(qtbot, shell, "guide1", DEMO_PASSWORD)
    assert shell.console is not None
    assert shell.console.site_label.text() == "庙岭镇便民服务中心"


def test_pending_module_says_it_is_coming(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    from reception.modules.pending import PENDING, ComingSoonPage

    if not PENDING:
        pytest.skip("every module has landed")
    shell = open_shell(seeded_sqlite_url)
    log_in(qtbot, shell, "admin", DEMO_PASSWORD)
    assert shell.console is not None
    item = PENDING[0]
    shell.console.select_module(item.key)
    page = shell.console.module(item.key)
    assert isinstance(page, ComingSoonPage) and page.isVisible()
    assert page.notice.text() == item.notice


def test_navigation_switches_the_page(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    log_in(qtbot, shell, "docent1", DEMO_PASSWORD)
    console = shell.console
    assert console is not None
    live_row = console.module_keys().index("live")
    rect = console.nav.visualItemRect(console.nav.item(live_row))
    with qtbot.wait_signal(console.module_selected) as blocker:
        qtbot.mouseClick(console.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["live"]
    assert console.pages.currentWidget() is console.module("live")


def test_password_is_not_echoed(open_shell: ShellMaker, seeded_sqlite_url: str) -> None:
    shell = open_shell(seeded_sqlite_url)
    assert shell.login_view.password.echoMode() == QLineEdit.EchoMode.Password


def test_wrong_password_is_refused_in_chinese(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    message = fail_login(qtbot, shell, "guide1", "not-the-password")
    assert message == "用户名或密码错误。"
    assert shell.pages.currentWidget() is shell.login_view
    assert shell.login_view.password.text() == ""
    assert shell.login_view.submit.isEnabled()
    assert shell.console is None


def test_unknown_user_gets_the_same_message(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    assert fail_login(qtbot, shell, "nobody", DEMO_PASSWORD) == "用户名或密码错误。"


def test_five_failures_lock_the_account(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    messages = [fail_login(qtbot, shell, "guide2", "wrong-password") for _ in range(5)]
    assert messages[:4] == ["用户名或密码错误。"] * 4
    assert messages[4] == "登录失败次数过多，账号已锁定5分钟。"
    # Even the right password is refused while the lock lasts.
    locked = fail_login(qtbot, shell, "guide2", DEMO_PASSWORD)
    assert locked == "登录失败次数过多，账号已锁定，请5分钟后再试。"


def test_disabled_account_is_refused(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    factory = create_session_factory(seeded_sqlite_url)
    with factory.begin() as session:
        set_disabled(session, "docent2")
    engine_of(factory).dispose()
    shell = open_shell(seeded_sqlite_url)
    assert fail_login(qtbot, shell, "docent2", DEMO_PASSWORD) == "该账号已停用，请联系管理员。"


def test_empty_fields_are_caught_before_any_database_work(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    view = shell.login_view
    with qtbot.assert_not_emitted(view.login_submitted):
        qtbot.mouseClick(view.submit, Qt.MouseButton.LeftButton)
    assert view.message.text() == "请输入用户名。"
    qtbot.keyClicks(view.username, "guide1")
    with qtbot.assert_not_emitted(view.login_submitted):
        qtbot.keyClick(view.username, Qt.Key.Key_Return)
    assert view.message.text() == "请输入密码。"


def test_unexpected_error_shows_no_details_and_logs_no_personal_data(
    qtbot: QtBot,
    open_shell: ShellMaker,
    seeded_sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom for guide1 with secret-password-123")

    monkeypatch.setattr(operations, "authenticate", broken)
    shell = open_shell(seeded_sqlite_url)
    with caplog.at_level(logging.DEBUG):
        message = fail_login(qtbot, shell, "guide1", "secret-password-123")
    assert message == "系统错误，请联系管理员"
    assert "RuntimeError" in caplog.text
    assert "guide1" not in caplog.text
    assert "secret-password-123" not in caplog.text


def test_logout_returns_to_an_empty_login(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    log_in(qtbot, shell, "guide1", DEMO_PASSWORD)
    console = shell.console
    assert console is not None
    with qtbot.wait_signal(shell.logged_out, timeout=SIGNAL_TIMEOUT_MS):
        qtbot.mouseClick(console.logout_button, Qt.MouseButton.LeftButton)
    assert shell.console is None
    assert shell.pages.currentWidget() is shell.login_view
    assert shell.login_view.username.text() == ""
    assert shell.login_view.password.text() == ""
    qtbot.waitUntil(lambda: console not in shell.pages.findChildren(type(console)))

    # The next person signs in with their own modules.
    log_in(qtbot, shell, "docent1", DEMO_PASSWORD)
    assert shell.console is not None
    assert shell.console.module_titles() == ["参观接待", "实时动态"]


def test_submit_is_blocked_while_checking(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    shell = open_shell(seeded_sqlite_url)
    with qtbot.wait_signal(shell.login_succeeded, timeout=SIGNAL_TIMEOUT_MS):
        submit_login(qtbot, shell, "guide1", DEMO_PASSWORD)
        assert not shell.login_view.submit.isEnabled()
        assert shell.login_view.submit.text() == "正在登录…"


def _reset(url: str, username: str) -> str:
    factory = create_session_factory(url)
    with factory.begin() as session:
        temporary = reset_password(session, username)
    engine_of(factory).dispose()
    return temporary


def _type_new_password(qtbot: QtBot, shell: ReceptionShell, new: str, again: str) -> None:
    view = shell.password_view
    view.new_password.clear()
    view.confirm.clear()
    qtbot.keyClicks(view.new_password, new)
    qtbot.keyClicks(view.confirm, again)
    qtbot.mouseClick(view.submit, Qt.MouseButton.LeftButton)


def test_reset_password_must_be_changed_at_login(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    temporary = _reset(seeded_sqlite_url, "guide1")
    shell = open_shell(seeded_sqlite_url)
    with qtbot.wait_signal(shell.password_change_required, timeout=SIGNAL_TIMEOUT_MS) as asked:
        submit_login(qtbot, shell, "guide1", temporary)
    assert asked.args == ["guide1"]
    assert shell.pages.currentWidget() is shell.password_view and shell.console is None
    view = shell.password_view

    with qtbot.assert_not_emitted(view.password_submitted):
        _type_new_password(qtbot, shell, "my-new-pass", "my-other-pass")
    assert view.message.text() == "两次输入的新密码不一致。"
    for bad, reason in (("short", "密码至少需要8位。"), (temporary, "新密码不能与原密码相同。")):
        with qtbot.wait_signal(shell.password_change_failed, timeout=SIGNAL_TIMEOUT_MS) as failed:
            _type_new_password(qtbot, shell, bad, bad)
        assert failed.args == [reason] and view.message.text() == reason
        assert shell.console is None

    with qtbot.wait_signal(shell.login_succeeded, timeout=SIGNAL_TIMEOUT_MS):
        _type_new_password(qtbot, shell, "my-new-pass", "my-new-pass")
    assert shell.console is not None and shell.pages.currentWidget() is shell.console

    factory = create_session_factory(seeded_sqlite_url)
    with factory() as session:
        stored = session.scalar(select(Staff).where(Staff.username == "guide1"))
        assert stored is not None and not stored.must_change_password
        assert verify_password("my-new-pass", stored.password_hash)
    engine_of(factory).dispose()

    # Next time the new password opens the console directly.
    with qtbot.wait_signal(shell.logged_out, timeout=SIGNAL_TIMEOUT_MS):
        qtbot.mouseClick(shell.console.logout_button, Qt.MouseButton.LeftButton)
    with qtbot.assert_not_emitted(shell.password_change_required):
        log_in(qtbot, shell, "guide1", "my-new-pass")


def test_leaving_the_new_password_step_changes_nothing(
    qtbot: QtBot, open_shell: ShellMaker, seeded_sqlite_url: str
) -> None:
    temporary = _reset(seeded_sqlite_url, "docent1")
    shell = open_shell(seeded_sqlite_url)
    with qtbot.wait_signal(shell.password_change_required, timeout=SIGNAL_TIMEOUT_MS):
        submit_login(qtbot, shell, "docent1", temporary)
    qtbot.mouseClick(shell.password_view.cancel, Qt.MouseButton.LeftButton)
    assert shell.pages.currentWidget() is shell.login_view and shell.console is None
    # The temporary password still leads to the new-password step, never to the console.
    with qtbot.wait_signal(shell.password_change_required, timeout=SIGNAL_TIMEOUT_MS):
        submit_login(qtbot, shell, "docent1", temporary)
    assert shell.console is None
