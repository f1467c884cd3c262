"""The signed-in console: header, module navigation, module pages and a status line."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reception.i18n import QT_TRANSLATE_NOOP
from reception.registry import ChangeHub
from reception.roles import roles_text
from shared.clock import to_local, utcnow
from shared.qt.theme import tokens_for
from shared.services.staff import StaffInfo

WEEKDAYS = (
    QT_TRANSLATE_NOOP("ConsoleView", "星期一"),
    QT_TRANSLATE_NOOP("ConsoleView", "星期二"),
    QT_TRANSLATE_NOOP("ConsoleView", "星期三"),
    QT_TRANSLATE_NOOP("ConsoleView", "星期四"),
    QT_TRANSLATE_NOOP("ConsoleView", "星期五"),
    QT_TRANSLATE_NOOP("ConsoleView", "星期六"),
    QT_TRANSLATE_NOOP("ConsoleView", "星期日"),
)
NAV_WIDTH = 200


class ConsoleView(QWidget):
    """Header with who is signed in, a navigation list of modules and their pages.

    The view owns the session's :class:`ChangeHub` so modules' connections end with it.

    Signals:
        logout_requested(): 退出登录 was pressed.
        module_selected(str): the key of the module now shown.
    """

    logout_requested = Signal()
    module_selected = Signal(str)

    def __init__(self, staff: StaffInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("console_view")
        self.staff = staff
        self.hub = ChangeHub(self)
        self._keys: list[str] = []
        tokens = tokens_for(False)

        header = QFrame()
        header.setObjectName("console_header")
        header.setProperty("role", "banner")
        app_title = QLabel(self.tr("前台工作台"))
        app_title.setProperty("role", "title")
        self.name_label = QLabel(staff.display_name)
        self.name_label.setObjectName("header_name")
        self.name_label.setAccessibleName(self.tr("当前用户"))
        self.roles_label = QLabel(roles_text(staff.roles))
        self.roles_label.setObjectName("header_roles")
        self.roles_label.setAccessibleName(self.tr("岗位"))
        self.site_label = QLabel(staff.site_code or "")
        self.site_label.setObjectName("header_site")
        self.site_label.setAccessibleName(self.tr("站点"))
        self.clock_label = QLabel()
        self.clock_label.setObjectName("header_clock")
        self.clock_label.setAccessibleName(self.tr("当前时间"))
        self.logout_button = QPushButton(self.tr("退出登录"))
        self.logout_button.setObjectName("logout_button")
        self.logout_button.setAccessibleName(self.tr("退出登录"))

        who = QVBoxLayout()
        who.setSpacing(2)
        who.addWidget(self.name_label)
        who.addWidget(self.roles_label)
        where = QVBoxLayout()
        where.setSpacing(2)
        where.addWidget(self.site_label)
        where.addWidget(self.clock_label)
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(24, 12, 24, 12)
        header_layout.setSpacing(32)
        header_layout.addWidget(app_title)
        header_layout.addStretch(1)
        header_layout.addLayout(who)
        header_layout.addLayout(where)
        header_layout.addWidget(self.logout_button)

        self.nav = QListWidget()
        self.nav.setObjectName("module_nav")
        self.nav.setProperty("role", "nav")
        self.nav.setAccessibleName(self.tr("功能导航"))
        self.nav.setFixedWidth(NAV_WIDTH)
        self.nav.setSpacing(2)
        self._item_size = QSize(NAV_WIDTH - 8, tokens.min_target + 8)
        self.pages = QStackedWidget()
        self.pages.setObjectName("module_pages")

        self.connection_label = QLabel()
        self.connection_label.setObjectName("connection_status")
        self.connection_label.setAccessibleName(self.tr("数据库连接状态"))
        status = QHBoxLayout()
        status.setContentsMargins(24, 4, 24, 8)
        status.addWidget(self.connection_label)
        status.addStretch(1)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addLayout(body, 1)
        layout.addLayout(status)

        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self.set_connected(True)
        self.on_clock_timeout()

        self._clock.timeout.connect(self.on_clock_timeout)
        self.nav.currentRowChanged.connect(self.on_nav_row_changed)
        self.logout_button.clicked.connect(self.on_logout_clicked)
        self._clock.start()

    def add_module(self, key: str, title: str, page: QWidget) -> None:
        """Add a module's page and its navigation entry (the first one becomes current)."""
        item = QListWidgetItem(title)
        item.setSizeHint(self._item_size)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, title)
        self.nav.addItem(item)
        self.pages.addWidget(page)
        self._keys.append(key)
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def focus_navigation(self) -> None:
        """Put the keyboard focus on the module list (not on 退出登录)."""
        self.nav.setFocus()

    def module_keys(self) -> list[str]:
        """The keys of the modules shown, in navigation order."""
        return list(self._keys)

    def module_titles(self) -> list[str]:
        """The navigation entries, in order."""
        return [self.nav.item(row).text() for row in range(self.nav.count())]

    def module(self, key: str) -> QWidget:
        """The page of module ``key``."""
        page = self.pages.widget(self._keys.index(key))
        assert isinstance(page, QWidget)
        return page

    def select_module(self, key: str) -> None:
        """Show module ``key``."""
        self.nav.setCurrentRow(self._keys.index(key))

    def current_module(self) -> str | None:
        """The key of the module shown."""
        row = self.nav.currentRow()
        return self._keys[row] if row >= 0 else None

    def set_site(self, text: str) -> None:
        """Show the site's name."""
        self.site_label.setText(text)

    def set_connected(self, connected: bool) -> None:
        """Show whether the database can be reached."""
        if connected:
            self.connection_label.setText(self.tr("● 数据库已连接"))
            self.connection_label.setProperty("role", "ok")
        else:
            self.connection_label.setText(self.tr("● 数据库连接中断，正在重试…"))
            self.connection_label.setProperty("role", "error")
        # A dynamic property change needs a re-polish to restyle.
        style = self.connection_label.style()
        style.unpolish(self.connection_label)
        style.polish(self.connection_label)

    @Slot()
    def on_clock_timeout(self) -> None:
        now = to_local(utcnow())
        weekday = self.tr(WEEKDAYS[now.weekday()])
        self.clock_label.setText(
            self.tr("{date} {weekday} {time}").format(
                date=now.strftime("%Y-%m-%d"), weekday=weekday, time=now.strftime("%H:%M:%S")
            )
        )

    @Slot(int)
    def on_nav_row_changed(self, row: int) -> None:
        if row < 0:
            return
        self.pages.setCurrentIndex(row)
        self.module_selected.emit(self._keys[row])

    @Slot()
    def on_logout_clicked(self) -> None:
        self.logout_requested.emit()
