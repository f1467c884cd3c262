"""叫号's window session (窗口签到, issue #9): 签到, 暂停 with a reason, 恢复, 签退.

:class:`SessionActions` is mixed into :class:`~reception.modules.calling.WindowPage`: it shows
the window's :class:`~shared.services.window_sessions.WindowStatus`, enables the session
buttons that make sense, says why 叫下一位 is disabled, and runs each move in the background
through :mod:`shared.services.window_sessions`. The rules (one window per clerk, one clerk per
window, a reason for every pause) live in the service; this class only shows its answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Slot

from reception.callbacks import guarded
from reception.errors import user_message
from shared.clock import to_local
from shared.services import window_sessions
from shared.services.desk import resolve_site
from shared.services.window_states import WindowStatus

if TYPE_CHECKING:
    from reception.modules.calling import WindowPage


def _tr(text: str) -> str:
    return QCoreApplication.translate("WindowPage", text)


def session_text(status: WindowStatus | None, me: str) -> str:
    """``已签到 · 杨帆 · 08:31 起``, ``暂停中（会议）· 10:02 起`` or ``未签到``."""
    if status is None:
        return _tr("正在读取窗口状态…")
    if status.state == "closed":
        return _tr("{n}号窗口 · 未签到").format(n=status.number)
    since = to_local(status.since).strftime("%H:%M") if status.since else ""
    who = status.staff_name or status.staff_username
    if status.staff_username and status.staff_username != me:
        who = _tr("{name}（其他工作人员）").format(name=who)
    if status.state == "paused":
        return _tr("{n}号窗口 · 暂停中（{reason}）· {who} · {since} 起").format(
            n=status.number, reason=status.reason, who=who, since=since
        )
    return _tr("{n}号窗口 · 已签到 · {who} · {since} 起").format(
        n=status.number, who=who, since=since
    )


def blocked_reason(status: WindowStatus | None) -> str:
    """Why 叫下一位 is disabled, or ``""`` when the window may call."""
    if status is None or status.state == "open":
        return ""
    if status.state == "paused":
        return _tr("窗口暂停中（{reason}），点“恢复”后才能叫号。").format(reason=status.reason)
    return _tr("窗口尚未签到，请先签到再叫号。")


class SessionActions:
    """The session half of the 叫号 page (a mixin of ``WindowPage``; no signals of its own:
    it emits the page's ``session_changed(str, object)`` and ``action_failed(str)``)."""

    @property
    def session(self: WindowPage) -> WindowStatus | None:
        """The window's session state as last read."""
        return self.state.session if self.state is not None else None

    def _show_session(self: WindowPage) -> None:
        status = self.session
        self.session_label.setText(session_text(status, self._context.staff.username))
        reason = blocked_reason(status)
        self.blocked_label.setText(reason)
        self.blocked_label.setVisible(bool(reason))
        self.call_button.setToolTip(reason)
        if reason and self.current is None:
            # "点“叫下一位”" would point at a disabled button: the notice below says why.
            self.detail_label.setText(_tr("当前没有号码。"))

    def _set_session_buttons(self: WindowPage) -> None:
        status = self.session
        state = status.state if status is not None else None
        ready = status is not None and not self._busy
        shown = {
            self.sign_in_button: state == "closed",
            self.pause_button: state == "open",
            self.reason_combo: state == "open",
            self.reason_edit: state == "open",
            self.resume_button: state == "paused",
            self.sign_out_button: state in ("open", "paused"),
        }
        for widget, applies in shown.items():
            widget.setEnabled(ready and applies)
            # Only the moves of the current state are on screen (签到 alone when closed).
            widget.setVisible(applies or status is None)
        for widget in self.reason_widgets[:1]:
            widget.setVisible(state == "open" or status is None)

    def _run_session(
        self: WindowPage, action: str, move: Callable[..., WindowStatus], **extra: Any
    ) -> None:
        if self._busy or self.window_number is None:
            return
        self._busy = True
        self.message.hide()
        self._set_buttons()
        site, window, staff_id = self._site, self.window_number, self._context.staff.id

        def run(session: Any) -> WindowStatus:
            code = resolve_site(session, site)
            return move(session, site=code, window=window, staff_id=staff_id, **extra)

        self._context.runner.submit(
            run,
            guarded(self, lambda status: self.on_session_finished(action, status)),
            guarded(self, self.on_session_error),
        )

    def on_session_finished(self: WindowPage, action: str, status: WindowStatus) -> None:
        self._busy = False
        if action == "pause":
            self.reason_edit.clear()
        self._set_buttons()
        self.session_changed.emit(action, status)
        self.reload()

    def on_session_error(self: WindowPage, exc: BaseException) -> None:
        self._busy = False
        message = user_message(exc, "window_session")
        self._show_message(message)
        self._set_buttons()
        self.action_failed.emit(message)
        self.reload()

    @Slot()
    def on_sign_in_clicked(self: WindowPage) -> None:
        self._run_session("sign_in", window_sessions.sign_in)

    @Slot()
    def on_pause_clicked(self: WindowPage) -> None:
        reason = self.reason_edit.text().strip() or self.reason_combo.currentText().strip()
        if not reason:
            self._show_message(_tr("请选择或填写暂停原因。"))
            return
        self._run_session("pause", window_sessions.pause, reason=reason)

    @Slot()
    def on_resume_clicked(self: WindowPage) -> None:
        self._run_session("resume", window_sessions.resume)

    @Slot()
    def on_sign_out_clicked(self: WindowPage) -> None:
        self._run_session("sign_out", window_sessions.sign_out)
