"""办事指南, browsing: life events (个人 and 法人) or departments as big buttons, then the
matters of the one chosen as a paged list. The site's catalog only (the flow loads it).

Each life event and 一件事 button carries a pictogram before its words (issue #12); a hall's
own life event, not in :data:`EVENT_PICTOGRAMS`, gets a general one.

Signals of :class:`GuideBrowseScreen`:
    category_chosen(str, str): ``("event", 出生)``, ``("department", <code>)`` or
        ``("bundle", <code>)`` (a 一件事, opened as one guide).
    matter_chosen(str): a matter's code.
    back_requested(): 返回 from the choices (to the keypad).
    home_requested(): 返回首页.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.screens.common import home_button, wrapped_label
from kiosk.screens.guide_results import MatterList, nav_button
from shared.qt.icons import add_pictogram

if TYPE_CHECKING:
    from shared.services.catalog import MatterHit
    from shared.services.catalog_page import BrowseMenu


# The life events of shared.services.catalog_page (PERSONAL_EVENTS, BUSINESS_EVENTS).
EVENT_PICTOGRAMS = {
    "出生": "mood-kid",
    "上学": "school",
    "就业": "briefcase",
    "婚育": "hearts",
    "住房": "home",
    "社保": "shield-heart",
    "养老": "old",
    "出入境": "plane",
    "身后事": "flower",
    "开办": "building-store",
    "经营": "coin-yuan",
    "变更": "edit",
    "注销": "file-x",
}
OTHER_EVENT_PICTOGRAM = "category"
BUNDLE_PICTOGRAM = "files"
# Beside the button's words, in ems of them (it grows with 长辈模式): 56 px beside 32 px.
CHOICE_PICTOGRAM_EM = 1.75


def _tr(text: str) -> str:
    return QCoreApplication.translate("GuideScreens", text)


class GuideBrowseScreen(QWidget):
    """Choices (events or departments), then the matters of one.

    Signals:
        category_chosen(str, str): the kind (``event``/``department``) and the value.
        matter_chosen(str): a matter's code.
        back_requested(): 返回 from the choices.
        home_requested(): 返回首页.
    """

    category_chosen = Signal(str, str)
    matter_chosen = Signal(str)
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideBrowse")
        self.kind = "event"
        self.menu: BrowseMenu | None = None
        self.choices: dict[str, QPushButton] = {}
        self._columns = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(16)
        self.title_label = wrapped_label("", "kiosk_heading")
        self.title_label.setObjectName("browseTitle")
        layout.addWidget(self.title_label)
        self.state_label = wrapped_label("", "kiosk_message")
        self.state_label.setObjectName("browseState")
        layout.addWidget(self.state_label)

        self.stack = QStackedWidget()
        self.choice_page = QWidget()
        self.choice_grid = QGridLayout(self.choice_page)
        self.choice_grid.setSpacing(16)
        self.list_page = MatterList(per_page=6)
        self.list_page.setObjectName("browseList")
        self.stack.addWidget(self.choice_page)
        self.stack.addWidget(self.list_page)
        layout.addWidget(self.stack, 1)

        bar = QHBoxLayout()
        bar.setSpacing(24)
        self.back_button = nav_button(_tr("返回"), "browseBack", _tr("返回上一步"))
        self.home_button = home_button(self)
        bar.addStretch(1)
        bar.addWidget(self.back_button)
        bar.addWidget(self.home_button)
        bar.addStretch(1)
        layout.addLayout(bar)

        self.list_page.matter_chosen.connect(self.matter_chosen)
        self.back_button.clicked.connect(self.on_back_clicked)
        self.home_button.clicked.connect(self.home_requested)

    @property
    def showing_list(self) -> bool:
        """True while the matters of a choice are shown."""
        return self.stack.currentWidget() is self.list_page

    def start(self, kind: str) -> None:
        """Open the choices of ``kind`` (``event`` or ``department``); loading until the menu."""
        self.kind = kind
        self.title_label.setText(_tr("按人生事件查找") if kind == "event" else _tr("按部门查找"))
        self.stack.setCurrentWidget(self.choice_page)
        if self.menu is None:
            self.show_state(_tr("正在读取，请稍候…"))
        else:
            self._build_choices()

    def set_menu(self, menu: BrowseMenu) -> None:
        """The site's events and departments arrived."""
        self.menu = menu
        if not self.showing_list:
            self._build_choices()

    def show_state(self, text: str) -> None:
        """A line under the title (loading, nothing here, a problem)."""
        self.state_label.setText(text)
        self.state_label.setVisible(bool(text))

    def show_matters(self, title: str, hits: Sequence[MatterHit]) -> None:
        """The matters of the choice ``title``."""
        self.title_label.setText(title)
        self.list_page.set_hits(hits)
        self.stack.setCurrentWidget(self.list_page)
        self.show_state(
            _tr("共 {n} 项，请点击查看办事指南").format(n=len(hits))
            if hits
            else _tr("这里暂时没有事项，请到咨询引导台询问")
        )

    def on_back_clicked(self) -> None:
        """返回: from a list to the choices, from the choices out."""
        if self.showing_list:
            self.start(self.kind)
        else:
            self.back_requested.emit()

    def _choice(self, text: str, name: str, kind: str, value: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setProperty("role", "kiosk_nav")
        button.setAccessibleName(accessible)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        button.clicked.connect(lambda _checked=False: self.category_chosen.emit(kind, value))
        return button

    def _build_choices(self) -> None:
        for button in self.choices.values():
            self.choice_grid.removeWidget(button)
            button.deleteLater()
        for label in self.choice_page.findChildren(QWidget, "browseGroup"):
            self.choice_grid.removeWidget(label)
            label.deleteLater()
        self.choices = {}
        menu = self.menu
        if menu is None:
            return
        portrait = self.height() > self.width()
        columns = (3 if portrait else 5) if self.kind == "event" else (4 if portrait else 6)
        self._columns = columns
        row = 0
        if self.kind == "event":
            groups = [(_tr("个人办事"), menu.personal), (_tr("法人（企业）办事"), menu.business)]
            for heading, events in groups:
                if not events:
                    continue
                label = wrapped_label(heading, "kiosk_fact")
                label.setObjectName("browseGroup")
                label.setAlignment(Qt.AlignmentFlag.AlignLeft)
                self.choice_grid.addWidget(label, row, 0, 1, columns)
                label.show()
                row += 1
                for index, (event, count) in enumerate(events):
                    button = self._choice(
                        f"{event}\n{count} 项",
                        f"event_{event}",
                        "event",
                        event,
                        _tr("{event}，{n} 项").format(event=event, n=count),
                    )
                    pictogram = EVENT_PICTOGRAMS.get(event, OTHER_EVENT_PICTOGRAM)
                    add_pictogram(button, pictogram, CHOICE_PICTOGRAM_EM)
                    self.choice_grid.addWidget(button, row + index // columns, index % columns)
                    button.show()
                    self.choices[event] = button
                row += -(-len(events) // columns)
            if menu.bundles:
                label = wrapped_label(_tr("一件事一次办"), "kiosk_fact")
                label.setObjectName("browseGroup")
                label.setAlignment(Qt.AlignmentFlag.AlignLeft)
                self.choice_grid.addWidget(label, row, 0, 1, columns)
                label.show()
                row += 1
                for index, bundle in enumerate(menu.bundles):
                    button = self._choice(
                        bundle.name,
                        f"bundle_{bundle.code}",
                        "bundle",
                        bundle.code,
                        _tr("{name}，一件事，含 {n} 个事项").format(
                            name=bundle.name, n=bundle.matters
                        ),
                    )
                    add_pictogram(button, BUNDLE_PICTOGRAM, CHOICE_PICTOGRAM_EM)
                    self.choice_grid.addWidget(button, row + index // columns, index % columns)
                    button.show()
                    self.choices[f"bundle:{bundle.code}"] = button
                row += -(-len(menu.bundles) // columns)
        else:
            for index, (code, name, short, count) in enumerate(menu.departments):
                button = self._choice(
                    short, f"department_{code}", "department", code, f"{name}，{count} 项"
                )
                button.setProperty("role", "kiosk_choice")
                self.choice_grid.addWidget(button, index // columns, index % columns)
                button.show()
                self.choices[code] = button
        self.show_state("" if self.choices else _tr("这里暂时没有事项，请到咨询引导台询问"))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        wanted = (3 if portrait else 5) if self.kind == "event" else (4 if portrait else 6)
        if self.menu is not None and not self.showing_list and wanted != self._columns:
            self._build_choices()
