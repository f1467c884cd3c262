"""叫号屏: the hall display board — the latest call large, the last calls, the queues, the time.

A separate top-level window, opened from the 叫号 module or on its own with
``python -m reception --board`` (full screen, no login: it only reads). It follows the change
feed; when a ticket is called or recalled anywhere it reads the latest calls again (read-only
session) and hands each new one to its :class:`~shared.qt.announcer.Announcer`, which speaks
them in turn, never cutting one off. A strip at the bottom lists the windows that are paused
(with the reason) and those not open, so a visitor is not left waiting at an empty counter
(issue #9); it follows the change feed's ``window`` kind.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import QT_TRANSLATE_NOOP
from shared.changes import ChangeRecord, touches
from shared.clock import to_local, utcnow
from shared.qt.announcer import Announcer
from shared.qt.tasks import TaskRunner
from shared.services.calling import QueueStatus
from shared.services.desk import BoardState, CallEntry, board_state, call_announcement
from shared.services.window_states import WindowStatus

log = logging.getLogger(__name__)

ROWS = 8
REFRESH_MS = 30_000
WEEKDAYS = (
    QT_TRANSLATE_NOOP("BoardWindow", "星期一"),
    QT_TRANSLATE_NOOP("BoardWindow", "星期二"),
    QT_TRANSLATE_NOOP("BoardWindow", "星期三"),
    QT_TRANSLATE_NOOP("BoardWindow", "星期四"),
    QT_TRANSLATE_NOOP("BoardWindow", "星期五"),
    QT_TRANSLATE_NOOP("BoardWindow", "星期六"),
    QT_TRANSLATE_NOOP("BoardWindow", "星期日"),
)
QUEUE_COLUMNS = 4
#: Change kinds that alter what the board shows.
REFRESH_KINDS = ("ticket", "organisation", "setting", "window", "calendar")


def number_ranges(numbers: list[int]) -> str:
    """``[1, 2, 3, 5, 7, 8]`` → ``1–3、5、7–8``: a long list of windows stays one short line."""
    runs: list[list[int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return "、".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _line() -> QFrame:
    line = QFrame()
    line.setProperty("role", "board_line")
    line.setFixedHeight(2)
    return line


class BoardWindow(QWidget):
    """The display board.

    Args:
        runner: runs the board's reads (read-only: ``write=False`` only).
        feed: anything with a ``changes_arrived(list)`` signal (the console's hub, or a
            :class:`~shared.qt.feed.ChangeFeedWatcher` of its own).
        site_code: the site shown (the district hall when ``None``).
        announcer: speaks each new call (inject a silent or fake one in tests).
        clock: the current instant (for the clock shown).

    Signals:
        board_loaded(object): a :class:`BoardState` was shown.
        calls_announced(list): new :class:`CallEntry` items handed to the announcer, oldest
            first.
        load_failed(str): reading failed; the message shown.
    """

    board_loaded = Signal(object)
    calls_announced = Signal(list)
    load_failed = Signal(str)

    def __init__(
        self,
        runner: TaskRunner,
        feed: QObject,
        site_code: str | None,
        announcer: Announcer,
        parent: QWidget | None = None,
        clock: Callable[[], object] = utcnow,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("call_board")
        self.setWindowTitle(self.tr("叫号屏"))
        self.setAccessibleName(self.tr("叫号屏"))
        self._runner = runner
        self._site = site_code
        self.announcer = announcer
        self._clock_fn = clock
        self._loading = False
        self._stale = False
        self._seen: set[uuid.UUID] | None = None
        self.state: BoardState | None = None

        frame = QFrame()
        frame.setProperty("role", "board")
        self.site_label = QLabel(self.tr("政务服务中心"))
        self.site_label.setObjectName("board_site")
        self.site_label.setProperty("role", "board_title")
        self.clock_label = QLabel()
        self.clock_label.setObjectName("board_clock")
        self.clock_label.setProperty("role", "board_title")
        self.clock_label.setAccessibleName(self.tr("当前时间"))
        header = QHBoxLayout()
        header.addWidget(self.site_label)
        header.addStretch(1)
        header.addWidget(self.clock_label)

        now_heading = QLabel(self.tr("正在呼叫"))
        now_heading.setObjectName("board_now_heading")
        now_heading.setProperty("role", "board_heading")
        self.call_label = QLabel("—")
        self.call_label.setObjectName("board_call")
        self.call_label.setProperty("role", "board_call")
        self.call_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.call_label.setAccessibleName(self.tr("当前呼叫号码"))
        self.window_label = QLabel(self.tr("请留意叫号"))
        self.window_label.setObjectName("board_window")
        self.window_label.setProperty("role", "board_window")
        self.window_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.window_label.setAccessibleName(self.tr("当前呼叫窗口"))
        current = QVBoxLayout()
        current.addWidget(now_heading)
        current.addStretch(1)
        current.addWidget(self.call_label)
        current.addWidget(self.window_label)
        current.addStretch(1)

        recent_heading = QLabel(self.tr("最近呼叫"))
        recent_heading.setProperty("role", "board_heading")
        self.rows: list[QLabel] = []
        recent = QVBoxLayout()
        recent.setSpacing(6)
        recent.addWidget(recent_heading)
        for index in range(ROWS):
            row = QLabel()
            row.setObjectName(f"board_row_{index}")
            row.setProperty("role", "board_row")
            self.rows.append(row)
            recent.addWidget(row)
        recent.addStretch(1)

        middle = QHBoxLayout()
        middle.setSpacing(48)
        middle.addLayout(current, 3)
        middle.addLayout(recent, 2)

        waiting_heading = QLabel(self.tr("等候人数"))
        waiting_heading.setProperty("role", "board_heading")
        self.queue_grid = QGridLayout()
        self.queue_grid.setHorizontalSpacing(48)
        self.queue_grid.setVerticalSpacing(4)
        self.queue_labels: dict[str, QLabel] = {}
        self.paused_label = QLabel()
        self.paused_label.setObjectName("board_paused")
        self.paused_label.setProperty("role", "board_queue")
        self.paused_label.setWordWrap(True)
        self.paused_label.setAccessibleName(self.tr("暂停的窗口"))
        self.closed_label = QLabel()
        self.closed_label.setObjectName("board_closed")
        self.closed_label.setProperty("role", "board_queue")
        self.closed_label.setWordWrap(True)
        self.closed_label.setAccessibleName(self.tr("未开放的窗口"))
        self.status_label = QLabel()
        self.status_label.setObjectName("board_status")
        self.status_label.setProperty("role", "board_queue")
        self.status_label.hide()

        inner = QVBoxLayout(frame)
        inner.setContentsMargins(48, 32, 48, 32)
        inner.setSpacing(16)
        inner.addLayout(header)
        inner.addWidget(_line())
        inner.addLayout(middle, 1)
        inner.addWidget(_line())
        inner.addWidget(waiting_heading)
        inner.addLayout(self.queue_grid)
        inner.addWidget(_line())
        inner.addWidget(self.paused_label)
        inner.addWidget(self.closed_label)
        inner.addWidget(self.status_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(frame)

        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._refresh = QTimer(self)
        self._refresh.setInterval(REFRESH_MS)
        self._full_screen = QShortcut(QKeySequence(Qt.Key.Key_F11), self)
        self._quit = QShortcut(QKeySequence("Ctrl+Q"), self)

        self._clock.timeout.connect(self.on_clock_timeout)
        self._refresh.timeout.connect(self.on_refresh_timeout)
        self._full_screen.activated.connect(self.on_full_screen_activated)
        self._quit.activated.connect(self.close)
        feed.changes_arrived.connect(self.on_changes_arrived)  # type: ignore[attr-defined]

        self.on_clock_timeout()
        self._clock.start()
        self._refresh.start()
        self.reload()

    # -- data ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the latest calls and queues (again afterwards if asked meanwhile)."""
        if self._loading:
            self._stale = True
            return
        self._loading = True
        site = self._site
        self._runner.submit(
            lambda session: board_state(session, site=site, limit=ROWS),
            guarded(self, self.on_state_ready),
            guarded(self, self.on_state_failed),
            write=False,
        )

    def _finish_load(self) -> None:
        self._loading = False
        if self._stale:
            self._stale = False
            self.reload()

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        if touches(batch, *REFRESH_KINDS):
            self.reload()

    def on_state_ready(self, state: BoardState) -> None:
        self._finish_load()
        self.state = state
        self.status_label.hide()
        self._show(state)
        fresh: list[CallEntry] = []
        if self._seen is None:
            # What was called before the board opened is shown, not announced again.
            self._seen = {call.event_id for call in state.calls}
        else:
            fresh = [c for c in reversed(state.calls) if c.event_id not in self._seen]
            self._seen.update(c.event_id for c in fresh)
        for call in fresh:
            self.announcer.announce(call_announcement(call.number, call.window_number))
        if fresh:
            self.calls_announced.emit(fresh)
        self.board_loaded.emit(state)

    def on_state_failed(self, exc: BaseException) -> None:
        self._finish_load()
        message = user_message(exc, "board_state")
        self.status_label.setText(message)
        self.status_label.show()
        self.load_failed.emit(message)

    # -- showing ---------------------------------------------------------------------------

    def _show(self, state: BoardState) -> None:
        self.site_label.setText(state.site_name)
        if state.calls:
            latest = state.calls[0]
            self.call_label.setText(latest.number)
            self.window_label.setText(self.tr("请到 {n} 号窗口").format(n=latest.window_number))
        else:
            self.call_label.setText("—")
            self.window_label.setText(self.tr("请留意叫号"))
        for index, row in enumerate(self.rows):
            if index < len(state.calls):
                call = state.calls[index]
                row.setText(self.call_text(call))
            else:
                row.setText("")
        self._show_queues(state.queues)
        self._show_windows(state.windows)

    def _show_windows(self, windows: list[WindowStatus]) -> None:
        paused = [w for w in windows if w.state == "paused"]
        closed = [w.number for w in windows if w.state == "closed"]
        self.paused_label.setText(
            self.tr("暂停：{windows}").format(
                windows=self.tr("、").join(
                    self.tr("{n}号窗口（{reason}）").format(n=w.number, reason=w.reason)
                    for w in paused
                )
            )
            if paused
            else ""
        )
        self.paused_label.setVisible(bool(paused))
        self.closed_label.setText(
            self.tr("未开放：{numbers}号窗口").format(numbers=number_ranges(closed))
            if closed
            else ""
        )
        self.closed_label.setVisible(bool(closed))

    def call_text(self, call: CallEntry) -> str:
        """One row of the recent calls: ``A012 → 3号窗口  10:32`` (``重呼`` after a recall)."""
        text = self.tr("{number} → {n}号窗口  {time}").format(
            number=call.number, n=call.window_number, time=to_local(call.at).strftime("%H:%M")
        )
        return text + self.tr("  重呼") if call.recalled else text

    def _show_queues(self, queues: list[QueueStatus]) -> None:
        if [q.prefix for q in queues] != list(self.queue_labels):
            for lbl in self.queue_labels.values():
                self.queue_grid.removeWidget(lbl)
                lbl.deleteLater()
            self.queue_labels = {}
            for index, status in enumerate(queues):
                lbl = QLabel()
                lbl.setObjectName(f"board_queue_{status.prefix}")
                lbl.setProperty("role", "board_queue")
                self.queue_grid.addWidget(lbl, index // QUEUE_COLUMNS, index % QUEUE_COLUMNS)
                self.queue_labels[status.prefix] = lbl
        for status in queues:
            self.queue_labels[status.prefix].setText(
                self.tr("{prefix} {name}  {count} 人").format(
                    prefix=status.prefix, name=status.name, count=status.waiting
                )
            )

    def recent_texts(self) -> list[str]:
        """The recent-call rows shown, newest first (empty rows left out)."""
        return [row.text() for row in self.rows if row.text()]

    # -- window ----------------------------------------------------------------------------

    def show_on_screen(self) -> None:
        """Cover the whole screen without a frame (``showFullScreen`` does nothing under a bare
        X server without a window manager; a frameless screen-sized window works everywhere)."""
        screen = self.screen()
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.setGeometry(screen.geometry())
        self.show()

    @Slot()
    def on_full_screen_activated(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    @Slot()
    def on_clock_timeout(self) -> None:
        now = to_local(self._clock_fn())  # type: ignore[arg-type]
        weekday = self.tr(WEEKDAYS[now.weekday()])
        self.clock_label.setText(f"{now:%Y-%m-%d} {weekday} {now:%H:%M:%S}")

    @Slot()
    def on_refresh_timeout(self) -> None:
        self.reload()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # Qt override keeps Qt's name
        if event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.showNormal()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # Qt override keeps Qt's name
        self._clock.stop()
        self._refresh.stop()
        self.announcer.clear()
        super().closeEvent(event)
