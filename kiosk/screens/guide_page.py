"""One matter's guide (办事指南): where to go on the hall map, then the guide as published —
conditions, materials in their groups, the process, time limits, fee, visits, channels and
phones; then 取号办理 or 打印指南.

The sections and their lines come from :func:`shared.services.catalog_text.guide_sections`
(in :class:`~shared.services.catalog_page.GuidePage`): what was not published reads
请咨询窗口 or is left out, never a default (issue #11). The published 办理地点 is shown as
written; the hall's own windows are named beside it and highlighted on the map.

Long guides scroll by touch (drag anywhere on the text) and by the big 上一页/下一页 buttons;
返回 and 返回首页 stay in the bar at the bottom, never scrolled away.

Signals of :class:`GuidePageScreen`:
    ticket_requested(): 取号办理.
    print_requested(): 打印指南.
    back_requested(): 返回 (to the results or the list it came from).
    home_requested(): 返回首页.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QVBoxLayout,
    QWidget,
)

from kiosk.screens.common import home_button, wrapped_label
from kiosk.screens.guide_map import HallMap
from kiosk.screens.guide_results import nav_button

ASK_AT_DESK = "请到咨询引导台询问"  # as shared.services.wayfinding says it

if TYPE_CHECKING:
    from shared.services.catalog_page import GuidePage


def _tr(text: str) -> str:
    return QCoreApplication.translate("GuideScreens", text)


def section_titles() -> dict[str, str]:
    """The guide's section titles on screen, by section key."""
    return {
        "location": _tr("办理地点"),
        "hours": _tr("办理时间"),
        "members": _tr("包含事项"),
        "conditions": _tr("受理条件"),
        "audience": _tr("服务对象"),
        "materials": _tr("申请材料"),
        "steps": _tr("办理流程"),
        "limits": _tr("办理时限"),
        "handling_type": _tr("办件类型"),
        "fee": _tr("收费标准"),
        "visits": _tr("到现场次数"),
        "online": _tr("网上办理"),
        "bundles": _tr("一件事"),
        "phone": _tr("咨询电话"),
        "complaint_phone": _tr("投诉电话"),
        "basis": _tr("设定依据"),
        "source": _tr("信息来源"),
    }


def _text(text: str, role: str = "guide_text") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setProperty("role", role)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


class GuidePageScreen(QWidget):
    """A matter's guide with the map, scrolling by touch and by buttons.

    Signals:
        ticket_requested(): 取号办理.
        way_requested(): 看位置图 (the hall map, the whole screen).
        print_requested(): 打印指南.
        back_requested(): 返回.
        home_requested(): 返回首页.
    """

    ticket_requested = Signal()
    way_requested = Signal()
    print_requested = Signal()
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guidePage")
        self.page: GuidePage | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 24)
        layout.setSpacing(12)
        self.name_label = wrapped_label("", "kiosk_heading")
        self.name_label.setObjectName("guideName")
        self.department_label = wrapped_label("", "kiosk_detail")
        self.department_label.setObjectName("guideDepartment")
        layout.addWidget(self.name_label)
        layout.addWidget(self.department_label)

        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.setSpacing(24)
        # The place: where to go in words, and on the map.
        place = QFrame()
        place.setProperty("role", "card")
        place_layout = QVBoxLayout(place)
        place_layout.setContentsMargins(16, 16, 16, 16)
        self.where_label = wrapped_label("", "guide_where")
        self.where_label.setObjectName("guideWhere")
        self.map = HallMap()
        # The map beside the text is small: 看位置图 shows it on the whole screen.
        self.way_button = nav_button(_tr("看位置图"), "guideWay", _tr("看位置图：办理此事项的窗口"))
        self.way_button.setVisible(False)
        place_layout.addWidget(self.where_label)
        place_layout.addWidget(self.map, 1)
        place_layout.addWidget(self.way_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.place = place
        # The text, scrolled.
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("guideScroll")
        self.scroll_area.setProperty("role", "guide_scroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Named for a screen reader (the walk found both unnamed).
        self.scroll_area.setAccessibleName(_tr("办事指南内容"))
        self.scroll_area.verticalScrollBar().setAccessibleName(_tr("办事指南滚动条"))
        self.content = QWidget()
        self.content.setProperty("role", "guide_body")
        self.sections = QVBoxLayout(self.content)
        self.sections.setContentsMargins(24, 8, 24, 24)
        self.sections.setSpacing(8)
        self.scroll_area.setWidget(self.content)
        QScroller.grabGesture(
            self.scroll_area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture
        )
        # Big scroll buttons beside the text, besides dragging it.
        self.up_button = nav_button(_tr("上一页"), "guideUp", _tr("指南上一页"))
        self.down_button = nav_button(_tr("下一页"), "guideDown", _tr("指南下一页"))
        text = QHBoxLayout()
        text.setSpacing(12)
        scroll_buttons = QVBoxLayout()
        scroll_buttons.addWidget(self.up_button)
        scroll_buttons.addStretch(1)
        scroll_buttons.addWidget(self.down_button)
        text.addWidget(self.scroll_area, 1)
        text.addLayout(scroll_buttons)
        self.body.addLayout(text, 3)
        self.body.addWidget(place, 2)
        layout.addLayout(self.body, 1)

        self.notice_label = wrapped_label("", "kiosk_notice")
        self.notice_label.setObjectName("guideNotice")
        self.notice_label.setVisible(False)
        self.ok_label = wrapped_label("", "kiosk_ok")
        self.ok_label.setObjectName("guideOk")
        self.ok_label.setVisible(False)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.ok_label)

        actions = QHBoxLayout()
        actions.setSpacing(32)
        self.take_button = QPushButton(_tr("取号办理"))
        self.take_button.setObjectName("guideTakeTicket")
        self.take_button.setProperty("role", "kiosk_primary")
        self.take_button.setAccessibleName(_tr("取号办理此事项"))
        self.print_button = QPushButton(_tr("打印指南"))
        self.print_button.setObjectName("guidePrint")
        self.print_button.setProperty("role", "kiosk_secondary")
        self.print_button.setAccessibleName(_tr("打印办事指南"))
        for button in (self.take_button, self.print_button):
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        actions.addStretch(1)
        actions.addWidget(self.take_button)
        actions.addWidget(self.print_button)
        actions.addStretch(1)
        layout.addLayout(actions)

        bar = QHBoxLayout()
        bar.setSpacing(16)
        self.back_button = nav_button(_tr("返回"), "guideBack", _tr("返回上一步"))
        # The map beside the text is small: 看位置图 shows it on the whole screen.
        self.way_button = nav_button(_tr("看位置图"), "guideWay", _tr("看位置图：办理此事项的窗口"))
        self.way_button.setVisible(False)
        self.home_button = home_button(self)
        bar.addStretch(1)
        for button in (self.back_button, self.way_button, self.home_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)

        self.take_button.clicked.connect(self.ticket_requested)
        self.way_button.clicked.connect(self.way_requested)
        self.print_button.clicked.connect(self.print_requested)
        self.up_button.clicked.connect(self.on_up_clicked)
        self.down_button.clicked.connect(self.on_down_clicked)
        self.back_button.clicked.connect(self.back_requested)
        self.home_button.clicked.connect(self.home_requested)
        bar_scroll = self.scroll_area.verticalScrollBar()
        bar_scroll.rangeChanged.connect(self._update_scroll_buttons)
        bar_scroll.valueChanged.connect(self._update_scroll_buttons)
        self.materials: list[QLabel] = []

    # -- what the flow tells it ---------------------------------------------------------

    def show_loading(self, name: str) -> None:
        """The guide of ``name`` is on its way."""
        self.page = None
        self.name_label.setText(name)
        self.department_label.setText(_tr("正在读取办事指南，请稍候…"))
        self._clear_sections()
        self.where_label.setText("")
        self.map.set_windows((), "")
        self.way_button.setVisible(False)
        self.hide_notices()
        self.take_button.setEnabled(False)
        self.print_button.setEnabled(False)

    def set_page(self, page: GuidePage, can_take_ticket: bool = True) -> None:
        """Show a guide from its top."""
        self.page = page
        g = page.guide
        self.name_label.setText(g.name)
        self.department_label.setText(page.heading)
        if page.where == ASK_AT_DESK:
            self.where_label.setText(_tr("请到咨询引导台询问"))
        else:
            self.where_label.setText(_tr("本中心窗口：{where}").format(where=page.where))
        self.map.set_windows(page.windows, page.where)
        self.way_button.setVisible(any(w.serves for w in page.windows))
        self._clear_sections()
        titles = section_titles()
        for section in page.sections:
            lines = list(section.lines) if section.published else [_tr("请咨询窗口")]
            labels = self._section(titles.get(section.key, section.title), lines)
            if section.key == "materials" and section.published:
                self.materials = labels
                for label in labels:
                    if not label.text().startswith(("□", "　")):  # a group's heading
                        font = label.font()
                        font.setBold(True)
                        label.setFont(font)
        self.sections.addStretch(1)
        self.scroll_area.verticalScrollBar().setValue(0)
        self.hide_notices()
        self.take_button.setEnabled(can_take_ticket)
        self.print_button.setEnabled(True)
        self.print_button.setText(_tr("打印指南"))

    def show_notice(self, text: str) -> None:
        """A problem, in plain words (printing failed, the guide could not be read)."""
        self.ok_label.setVisible(False)
        self.notice_label.setText(text)
        self.notice_label.setVisible(True)

    def show_ok(self, text: str) -> None:
        """Something went well (the slip was printed)."""
        self.notice_label.setVisible(False)
        self.ok_label.setText(text)
        self.ok_label.setVisible(True)

    def hide_notices(self) -> None:
        """No message under the guide."""
        self.notice_label.setVisible(False)
        self.ok_label.setVisible(False)

    def set_printing(self, printing: bool) -> None:
        """While the slip prints, 打印指南 says so and takes no second tap."""
        self.print_button.setEnabled(not printing)
        self.print_button.setText(_tr("正在打印…") if printing else _tr("打印指南"))

    def material_texts(self) -> list[str]:
        """The materials checklist as shown."""
        return [label.text() for label in self.materials]

    # -- scrolling ----------------------------------------------------------------------

    def on_up_clicked(self) -> None:
        """上一页: scroll back by most of a screenful."""
        bar = self.scroll_area.verticalScrollBar()
        bar.setValue(bar.value() - int(self.scroll_area.viewport().height() * 0.85))

    def on_down_clicked(self) -> None:
        """下一页: scroll on by most of a screenful."""
        bar = self.scroll_area.verticalScrollBar()
        bar.setValue(bar.value() + int(self.scroll_area.viewport().height() * 0.85))

    def _update_scroll_buttons(self) -> None:
        bar = self.scroll_area.verticalScrollBar()
        self.up_button.setEnabled(bar.value() > bar.minimum())
        self.down_button.setEnabled(bar.value() < bar.maximum())

    # -- building -----------------------------------------------------------------------

    def _clear_sections(self) -> None:
        while self.sections.count():
            item = self.sections.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.materials = []

    def _section(self, title: str, lines: list[str]) -> list[QLabel]:
        heading = _text(title, "guide_section")
        labels = [_text(line) for line in lines]
        for label in (heading, *labels):
            self.sections.addWidget(label)
            label.show()
        return labels

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        portrait = self.height() > self.width()
        # Portrait: the map above the text (the body's second item first), a third of it.
        self.body.setDirection(
            QBoxLayout.Direction.BottomToTop if portrait else QBoxLayout.Direction.LeftToRight
        )
        self.place.setMaximumHeight(self.height() // 3 if portrait else 16_777_215)
