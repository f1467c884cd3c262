"""实时动态: what is changing in the hall right now, newest first, for every member of staff.

The panel opens with the last few changes of the feed (read in the background) and then
follows the console session's change hub, so a write made on any terminal shows within a
second. Wording comes from :mod:`shared.services.activity`.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import QT_TRANSLATE_NOOP
from reception.registry import ModuleContext
from reception.views.tables import read_only_table
from shared.changes import ChangeRecord
from shared.clock import utcnow
from shared.services.activity import ActivityEntry, activity_entry, recent_changes

KEY = "live"
MAX_ROWS = 200


class LivePanel(QWidget):
    """The live activity list.

    Signals:
        changes_shown(list): :class:`ActivityEntry` items newly added to the list.
        history_loaded(int): the opening history arrived with this many changes.
    """

    changes_shown = Signal(list)
    history_loaded = Signal(int)

    COLUMNS = (
        QT_TRANSLATE_NOOP("LivePanel", "时间"),
        QT_TRANSLATE_NOOP("LivePanel", "动态"),
        QT_TRANSLATE_NOOP("LivePanel", "版本号"),
    )

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"module_{KEY}")
        self._context = context
        self._entries: dict[int, ActivityEntry] = {}

        title = QLabel(self.tr("实时动态"))
        title.setProperty("role", "title")
        hint = QLabel(self.tr("各终端的数据变动会在一秒内出现在这里，最新的在最上面。"))
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        self.empty = QLabel(self.tr("正在读取最近的动态…"))
        self.empty.setProperty("role", "muted")
        self.error = QLabel()
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()

        self.table = read_only_table([self.tr(c) for c in self.COLUMNS], self.tr("实时动态列表"))
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)

        context.hub.changes_arrived.connect(self.on_changes_arrived)
        context.runner.submit(
            recent_changes,
            guarded(self, self.on_history_ready),
            guarded(self, self.on_history_failed),
            write=False,
        )

    @property
    def entries(self) -> list[ActivityEntry]:
        """What the list shows, newest first."""
        return [self._entries[r] for r in sorted(self._entries, reverse=True)]

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        self._add(batch)

    def on_history_ready(self, records: list[ChangeRecord]) -> None:
        self.empty.setText(self.tr("暂无动态。"))
        self._add(records)
        self.history_loaded.emit(len(records))

    def on_history_failed(self, exc: BaseException) -> None:
        self.error.setText(user_message(exc, "recent_changes"))
        self.error.show()

    def _add(self, records: list[ChangeRecord]) -> None:
        now = utcnow()
        fresh = [
            activity_entry(record, now)
            for record in records
            if record.revision not in self._entries
        ]
        if not fresh:
            return
        for entry in fresh:
            self._entries[entry.revision] = entry
        for revision in sorted(self._entries)[:-MAX_ROWS]:
            del self._entries[revision]
        self._render()
        self.changes_shown.emit(fresh)

    def _render(self) -> None:
        entries = self.entries
        self.empty.setVisible(not entries)
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = (entry.time_text, entry.description, str(entry.revision))
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
