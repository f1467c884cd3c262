"""优先服务's widgets: the alert banner, the filters, the request list and the action buttons.

:class:`PriorityInboxView` builds and lays out the page and connects nothing;
:class:`~reception.modules.priority_inbox.PriorityInboxPage` wires it to the services.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reception.i18n import QT_TRANSLATE_NOOP
from shared.qt.tables import Column, DataTable

#: State filter choices: label, states (``None`` = every state).
STATE_FILTERS: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    (QT_TRANSLATE_NOOP("PriorityInboxPage", "进行中"), ("new", "accepted")),
    (QT_TRANSLATE_NOOP("PriorityInboxPage", "待接单"), ("new",)),
    (QT_TRANSLATE_NOOP("PriorityInboxPage", "已接单"), ("accepted",)),
    (QT_TRANSLATE_NOOP("PriorityInboxPage", "已办结"), ("done",)),
    (QT_TRANSLATE_NOOP("PriorityInboxPage", "已取消"), ("cancelled",)),
    (QT_TRANSLATE_NOOP("PriorityInboxPage", "全部"), None),
)
KIND_FILTERS: tuple[tuple[str, str | None], ...] = (
    (QT_TRANSLATE_NOOP("PriorityInboxPage", "全部类型"), None),
    (QT_TRANSLATE_NOOP("PriorityInboxPage", "绿色通道"), "green_ticket"),
    (QT_TRANSLATE_NOOP("PriorityInboxPage", "帮办代办"), "assistance"),
    (QT_TRANSLATE_NOOP("PriorityInboxPage", "上门服务"), "home_visit"),
)


class PriorityInboxView(QWidget):
    """The 优先服务 page's widgets and layout, with no signals connected (no signals of its own)."""

    #: (title, kind, sortable): staff sort by kind, visitor, state, waiting time and slot.
    COLUMNS = (
        (QT_TRANSLATE_NOOP("PriorityInboxPage", "编号"), "code", False),
        (QT_TRANSLATE_NOOP("PriorityInboxPage", "类型"), "text", True),
        (QT_TRANSLATE_NOOP("PriorityInboxPage", "对象"), "text", True),
        (QT_TRANSLATE_NOOP("PriorityInboxPage", "状态"), "text", True),
        (QT_TRANSLATE_NOOP("PriorityInboxPage", "等待时间"), "number", True),
        (QT_TRANSLATE_NOOP("PriorityInboxPage", "超时"), "text", True),
        (QT_TRANSLATE_NOOP("PriorityInboxPage", "姓名"), "text", False),
        (QT_TRANSLATE_NOOP("PriorityInboxPage", "电话"), "code", False),
        (QT_TRANSLATE_NOOP("PriorityInboxPage", "地点"), "main", True),
        (QT_TRANSLATE_NOOP("PriorityInboxPage", "预约时段"), "time", True),
        (QT_TRANSLATE_NOOP("PriorityInboxPage", "办理人"), "text", True),
    )
    #: Columns only some requests fill (a name and a slot for a home visit, a person once
    #: accepted): hidden while none of those listed does, so 地点 keeps its room.
    OPTIONAL = (6, 7, 9, 10)
    WAIT_COLUMN, OVERDUE_COLUMN = 4, 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(self.tr("优先服务"))
        title.setProperty("role", "title")
        self.summary = QLabel(self.tr("正在读取请求…"))
        self.summary.setObjectName("priority_summary")
        self.summary.setProperty("role", "muted")
        self.refresh_button = QPushButton(self.tr("刷新"))
        self.refresh_button.setAccessibleName(self.tr("刷新请求列表"))

        self.alert = QFrame()
        self.alert.setObjectName("priority_alert")
        self.alert.setProperty("role", "alert")
        self.alert_label = QLabel()
        self.alert_label.setObjectName("priority_alert_text")
        self.alert_label.setWordWrap(True)
        self.alert_dismiss = QPushButton(self.tr("知道了"))
        self.alert_dismiss.setAccessibleName(self.tr("关闭新请求提醒"))
        alert_layout = QHBoxLayout(self.alert)
        alert_layout.setContentsMargins(16, 8, 16, 8)
        alert_layout.addWidget(self.alert_label, 1)
        alert_layout.addWidget(self.alert_dismiss)
        self.alert.hide()

        self.error = QLabel()
        self.error.setObjectName("priority_error")
        self.error.setProperty("role", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.status = QLabel()
        self.status.setObjectName("priority_status")
        self.status.setProperty("role", "ok")

        self.state_filter = QComboBox()
        self.state_filter.setObjectName("state_filter")
        for text, states in STATE_FILTERS:
            self.state_filter.addItem(self.tr(text), states)
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kind_filter")
        self.state_filter.setAccessibleName(self.tr("按状态筛选"))
        self.kind_filter.setAccessibleName(self.tr("按类型筛选"))
        for text, kind in KIND_FILTERS:
            self.kind_filter.addItem(self.tr(text), kind)
        state_label = QLabel(self.tr("状态"))
        state_label.setBuddy(self.state_filter)
        kind_label = QLabel(self.tr("类型"))
        kind_label.setBuddy(self.kind_filter)

        self.table = DataTable(
            [
                Column(self.tr(title), kind, sortable, optional=index in self.OPTIONAL)
                for index, (title, kind, sortable) in enumerate(self.COLUMNS)
            ],
            self.tr("优先服务请求列表"),
            empty_text=self.tr("没有符合条件的请求。"),
        )
        self.table.setObjectName("priority_table")
        self.table.set_loading(True, self.tr("正在读取请求…"))
        self.detail = QLabel(self.tr("选择一条请求查看详情。"))
        self.detail.setObjectName("priority_detail")
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName(self.tr("请求详情"))

        self.buttons: dict[str, QPushButton] = {}
        for key, text, name in (
            ("accept", self.tr("接单"), self.tr("接单：受理所选请求")),
            ("assign", self.tr("指派"), self.tr("指派所选请求给帮办代办岗")),
            ("note", self.tr("备注"), self.tr("为所选请求添加备注")),
            ("finish", self.tr("办结"), self.tr("办结所选请求")),
            ("cancel", self.tr("取消"), self.tr("取消所选请求")),
            ("reveal", self.tr("查看联系方式"), self.tr("查看所选请求的联系方式（记入审计）")),
        ):
            button = QPushButton(text)
            button.setObjectName(f"priority_{key}")
            button.setAccessibleName(name)
            button.setEnabled(False)
            self.buttons[key] = button
        self.buttons["accept"].setProperty("role", "primary")
        self.buttons["cancel"].setProperty("role", "danger")

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.summary)
        top.addWidget(self.refresh_button)
        filters = QHBoxLayout()
        filters.addWidget(state_label)
        filters.addWidget(self.state_filter)
        filters.addSpacing(24)
        filters.addWidget(kind_label)
        filters.addWidget(self.kind_filter)
        filters.addStretch(1)
        filters.addWidget(self.status)
        actions = QHBoxLayout()
        for button in self.buttons.values():
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addLayout(top)
        layout.addWidget(self.alert)
        layout.addWidget(self.error)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addLayout(actions)
