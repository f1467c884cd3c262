"""实时动态: what is happening in the hall right now, in words, newest first, for all staff.

The panel opens with the last changes of the feed and then follows the console session's
change hub, so a write made on any terminal shows within a second. Every batch is described
in the background by :func:`shared.services.activity.describe_changes` ("A012 在 9 号窗口被
呼叫", "参观团「…」已签到"); the panel only lays the sentences out and filters them by category.
Picking a category also loads that category's recent history, so a quiet kind (参观接待) is
not pushed out by a busy one (号票).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
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
from shared.services.activity import (
    CATEGORIES,
    ActivityEntry,
    describe_changes,
    recent_activity,
)

KEY = "live"
#: Entries kept per category (the list shows the newest of what is kept).
MAX_ROWS = 200


class LivePanel(QWidget):
    """The live activity list.

    Signals:
        changes_shown(list): :class:`ActivityEntry` items that arrived from the feed and
            were added to the list (whatever the filter shows).
        history_loaded(int): recent history arrived (on opening, or for a category picked
            for the first time) with this many entries.
    """

    changes_shown = Signal(list)
    history_loaded = Signal(int)

    COLUMNS = (
        QT_TRANSLATE_NOOP("LivePanel", "时间"),
        QT_TRANSLATE_NOOP("LivePanel", "类别"),
        QT_TRANSLATE_NOOP("LivePanel", "动态"),
    )
    TIME_COLUMN, CATEGORY_COLUMN, TEXT_COLUMN = 0, 1, 2

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"module_{KEY}")
        self._context = context
        self._entries: dict[int, ActivityEntry] = {}
        self._category: str | None = None
        self._loaded: set[str | None] = set()
        self._queued: list[ChangeRecord] = []
        self._describing = False

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

        self.category_filter = QComboBox()
        self.category_filter.setObjectName("live_category_filter")
        self.category_filter.setAccessibleName(self.tr("按类别筛选动态"))
        self.category_filter.addItem(self.tr("全部"), None)
        for category in CATEGORIES:
            self.category_filter.addItem(category.label, category.key)
        filter_label = QLabel(self.tr("类别"))
        filter_label.setBuddy(self.category_filter)

        self.table = read_only_table([self.tr(c) for c in self.COLUMNS], self.tr("实时动态列表"))
        self.table.setObjectName("live_table")
        # One line per event; a long group name gives way in the middle, so the verb at the end
        # ("…已签到") always shows (the whole sentence is the row's tooltip).
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.TIME_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(self.CATEGORY_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(self.TEXT_COLUMN, QHeaderView.ResizeMode.Stretch)
        self._fit_columns(dated=False)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.empty)
        top.addSpacing(16)
        top.addWidget(filter_label)
        top.addWidget(self.category_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)

        context.hub.changes_arrived.connect(self.on_changes_arrived)
        self.category_filter.currentIndexChanged.connect(self.on_category_filter_changed)
        self._load_history(None)

    @property
    def entries(self) -> list[ActivityEntry]:
        """What the list shows (the chosen category, or all), newest first."""
        shown = [
            e
            for e in self._entries.values()
            if self._category is None or e.category == self._category
        ]
        return sorted(shown, key=lambda e: e.sort_key, reverse=True)[:MAX_ROWS]

    def select_category(self, key: str | None) -> None:
        """Show one category (``None``: all), as picking it in the filter does."""
        self.category_filter.setCurrentIndex(self.category_filter.findData(key))

    @Slot(list)
    def on_changes_arrived(self, batch: list[ChangeRecord]) -> None:
        self._queued.extend(batch)
        self._describe_queued()

    @Slot(int)
    def on_category_filter_changed(self, index: int) -> None:
        self._category = self.category_filter.itemData(index)
        self._render()
        if self._category not in self._loaded:
            self._load_history(self._category)

    def on_history_ready(self, category: str | None, entries: list[ActivityEntry]) -> None:
        self._loaded.add(category)
        self._add(entries)
        self._render()
        self.history_loaded.emit(len(entries))

    def on_history_failed(self, exc: BaseException) -> None:
        self._show_error(user_message(exc, "recent_activity"))

    def on_described(self, entries: list[ActivityEntry]) -> None:
        self._describing = False
        self.error.hide()
        fresh = self._add(entries)
        if fresh:
            self._render()
            self.changes_shown.emit(fresh)
        self._describe_queued()

    def on_describe_failed(self, exc: BaseException) -> None:
        self._describing = False
        self._show_error(user_message(exc, "describe_changes"))
        self._describe_queued()

    def _load_history(self, category: str | None) -> None:
        site = self._context.site_code
        self._context.runner.submit(
            lambda session: recent_activity(session, category=category, home_site=site),
            guarded(self, lambda entries: self.on_history_ready(category, entries)),
            guarded(self, self.on_history_failed),
            write=False,
        )

    def _describe_queued(self) -> None:
        """Describe what arrived, one batch at a time: a burst becomes one read, not many."""
        if self._describing or not self._queued:
            return
        records, self._queued = self._queued, []
        site = self._context.site_code
        self._describing = True
        self._context.runner.submit(
            lambda session: describe_changes(session, records, home_site=site),
            guarded(self, self.on_described),
            guarded(self, self.on_describe_failed),
            write=False,
        )

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _add(self, entries: list[ActivityEntry]) -> list[ActivityEntry]:
        fresh = [e for e in entries if e.revision not in self._entries]
        for entry in fresh:
            self._entries[entry.revision] = entry
        # Keep the newest MAX_ROWS of each category, so a busy kind never crowds out a quiet one.
        by_category: dict[str, list[ActivityEntry]] = {}
        for entry in self._entries.values():
            by_category.setdefault(entry.category, []).append(entry)
        for kept in by_category.values():
            kept.sort(key=lambda e: e.sort_key, reverse=True)
            for old in kept[MAX_ROWS:]:
                del self._entries[old.revision]
        return [e for e in fresh if e.revision in self._entries]

    def _render(self) -> None:
        entries = self.entries
        now = utcnow()
        if not entries and self._category in self._loaded:
            self.empty.setText(
                self.tr("暂无动态。") if self._category is None else self.tr("该类别暂无动态。")
            )
        elif not entries:
            self.empty.setText(self.tr("正在读取最近的动态…"))
        self.empty.setVisible(not entries)
        self._fit_columns(dated=any(len(e.time_text(now)) > len("00:00:00") for e in entries))
        self.table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            time_item = QTableWidgetItem(entry.time_text(now))
            time_item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            text_item = QTableWidgetItem(entry.description)
            text_item.setToolTip(entry.description)
            self.table.setItem(row, self.TIME_COLUMN, time_item)
            self.table.setItem(row, self.CATEGORY_COLUMN, QTableWidgetItem(entry.category_label))
            self.table.setItem(row, self.TEXT_COLUMN, text_item)

    def _fit_columns(self, *, dated: bool) -> None:
        """Time and category columns as wide as their widest possible text plus air, so the
        columns never touch and the sentence takes the rest."""
        metrics = self.table.fontMetrics()
        air = 2 * metrics.horizontalAdvance("汉")
        sample = "12-31 23:59:59" if dated else "23:59:59"
        widest = max(
            [metrics.horizontalAdvance(c.label) for c in CATEGORIES]
            + [metrics.horizontalAdvance(self.tr(self.COLUMNS[self.CATEGORY_COLUMN]))]
        )
        self.table.setColumnWidth(self.TIME_COLUMN, metrics.horizontalAdvance(sample) + air)
        self.table.setColumnWidth(self.CATEGORY_COLUMN, widest + air)
