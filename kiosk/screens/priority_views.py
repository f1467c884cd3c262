"""优先服务 screens without personal data: who needs help, what help, the notice, the call for
an assistant, and the end (spec §3, issue #5).

Views only: they show the plain data they are given and say what was pressed;
:class:`kiosk.screens.priority.PriorityFlow` wires them to the database and the printer. The
screens that take personal data are in :mod:`kiosk.screens.priority_form`.

Signals of :class:`ChoiceScreen` (who / what):
    chosen(str): a tile was pressed; its key.
    back_requested(): 返回上一步.
    home_requested(): 返回首页.

Signals of :class:`NoticeScreen`:
    accepted(): 同意并继续.
    declined(): 不同意，返回.
    home_requested(): 返回首页.

Signals of :class:`AssistScreen`:
    call_requested(): 呼叫工作人员 (no phone number).
    phone_requested(): 留下手机号再呼叫 (optional; the notice comes first).
    back_requested(): 返回上一步.
    home_requested(): 返回首页.

Signals of :class:`DoneScreen`:
    home_requested(): 完成，返回首页.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.screens.common import PrintStatus, finish_button, home_button, wrapped_label
from kiosk.screens.home import TILE_PICTOGRAM_EM
from shared.qt.icons import Pictogram

VISITORS = (
    ("elderly", "老年人", "70岁以上"),
    ("disabled", "残障人士", "行动、视力、听力等不便"),
    ("pregnant", "孕妇", "怀孕期间"),
    ("other", "其他困难", "其他需要帮助的情况"),
)
GREEN, ASSIST, HOME_VISIT = "green_ticket", "assistance", "home_visit"
HELP = (
    (GREEN, "绿色通道取号", "领取优先号票，优先叫号办理"),
    (ASSIST, "请工作人员到这里帮忙", "帮办代办：工作人员到本机旁帮您办理"),
    (HOME_VISIT, "预约上门服务", "不方便来大厅？工作人员上门办理"),
)
# Each choice's pictogram (resources/icons/SOURCES.md), drawn like the home tiles' (issue #12).
PICTOGRAMS = {
    "elderly": "old",
    "disabled": "disabled",
    "pregnant": "baby-carriage-filled",
    "other": "help-circle",
    GREEN: "ticket",
    ASSIST: "user-heart",
    HOME_VISIT: "home-heart",
    # 评价 (kiosk.screens.rating) uses the same tiles.
    "rate_ticket": "ticket",
    "rate_hall": "thumb-up",
}
NOTICES = {
    HOME_VISIT: (
        "为安排上门服务，我们需要收集您的姓名、手机号和地址。",
        "这些信息仅用于工作人员联系您、安排上门，不作他用；屏幕和回执上只显示部分内容，"
        "办结后按规定期限删除。",
    ),
    ASSIST: (
        "您可以留下手机号，方便工作人员找不到您时打电话联系。",
        "手机号仅用于本次帮办联系，不作他用；回执上只显示部分号码，办结后按规定期限删除。",
    ),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("PriorityScreens", text)


def action_button(text: str, role: str, name: str, accessible: str | None = None) -> QPushButton:
    """A big flow button with a role from the one stylesheet and an accessible name."""
    button = QPushButton(text)
    button.setObjectName(name)
    button.setProperty("role", role)
    button.setAccessibleName(accessible or text)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return button


class NavRow(QWidget):
    """返回上一步 and 返回首页, side by side at the bottom of a flow screen."""

    def __init__(self, with_back: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(32)
        row.addStretch(1)
        self.back_button = action_button(
            _tr("返回上一步"), "kiosk_secondary", "backButton", _tr("返回上一步")
        )
        self.back_button.setVisible(with_back)
        self.home_button = home_button(self)
        row.addWidget(self.back_button)
        row.addWidget(self.home_button)
        row.addStretch(1)


class ChoiceTile(QPushButton):
    """A big choice: a pictogram, a title and a one-line explanation, all inside one button."""

    def __init__(self, key: str, title: str, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"choice_{key}")
        self.setProperty("role", "kiosk_tile")
        self.setAccessibleName(title)
        self.setAccessibleDescription(caption)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.title_label = QLabel(title)
        self.title_label.setProperty("role", "tile_title")
        self.caption_label = QLabel(caption)
        self.caption_label.setProperty("role", "tile_caption")
        layout.addStretch(1)
        self.pictogram = Pictogram(PICTOGRAMS[key], TILE_PICTOGRAM_EM)
        self.pictogram.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout.addWidget(self.pictogram)
        for label in (self.title_label, self.caption_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            # The button takes every touch, wherever on it.
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            layout.addWidget(label)
        layout.addStretch(1)


class ChoiceScreen(QWidget):
    """A heading and big tiles: two columns (landscape, four tiles), or one row / one column.

    Signals:
        chosen(str): a tile's key.
        back_requested(): 返回上一步.
        home_requested(): 返回首页.
    """

    chosen = Signal(str)
    back_requested = Signal()
    home_requested = Signal()

    def __init__(
        self,
        name: str,
        title: str,
        choices: tuple[tuple[str, str, str], ...],
        *,
        with_back: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        self.title_label = wrapped_label(title, "kiosk_heading")
        self.title_label.setObjectName("choiceTitle")
        self.subtitle_label = wrapped_label("", "kiosk_green")
        self.subtitle_label.setObjectName("choiceSubtitle")
        self.subtitle_label.setVisible(False)
        self.note_label = wrapped_label("", "kiosk_detail")
        self.note_label.setObjectName("choiceNote")
        self.note_label.setVisible(False)
        layout.addWidget(self.title_label)
        layout.addWidget(self.subtitle_label, 0, Qt.AlignmentFlag.AlignHCenter)
        self.grid = QGridLayout()
        self.grid.setSpacing(24)
        layout.addLayout(self.grid, 1)
        layout.addWidget(self.note_label)
        self.nav = NavRow(with_back)
        layout.addWidget(self.nav)
        self.tiles: dict[str, ChoiceTile] = {}
        for key, tile_title, caption in choices:
            tile = ChoiceTile(key, _tr(tile_title), _tr(caption))
            tile.clicked.connect(lambda _checked=False, k=key: self.chosen.emit(k))
            self.tiles[key] = tile
        self._columns = 0
        self._place()
        self.nav.back_button.clicked.connect(self.back_requested)
        self.nav.home_button.clicked.connect(self.home_requested)

    def set_subtitle(self, text: str) -> None:
        """A green line under the heading (who the help is for); hidden when empty."""
        self.subtitle_label.setText(text)
        self.subtitle_label.setVisible(bool(text))

    def set_note(self, text: str) -> None:
        """A plain line under the tiles; hidden when empty."""
        self.note_label.setText(text)
        self.note_label.setVisible(bool(text))

    def _wanted_columns(self) -> int:
        count = len(self.tiles)
        if self.width() >= self.height():
            return 2 if count == 4 else count
        return 2 if count == 4 else 1

    def _place(self) -> None:
        columns = max(1, self._wanted_columns())
        for tile in self.tiles.values():
            self.grid.removeWidget(tile)
        for index, tile in enumerate(self.tiles.values()):
            self.grid.addWidget(tile, index // columns, index % columns)
        self._columns = columns
        previous = self.nav.back_button
        for tile in reversed(self.tiles.values()):
            QWidget.setTabOrder(tile, previous)
            previous = tile
        QWidget.setTabOrder(self.nav.back_button, self.nav.home_button)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._wanted_columns() != self._columns:
            self._place()


def who_screen() -> ChoiceScreen:
    """优先服务, first step: who needs help."""
    screen = ChoiceScreen(
        "priorityWho", _tr("优先服务：请问是谁需要帮助？"), VISITORS, with_back=False
    )
    screen.set_note(_tr("工作人员会优先为您办理。"))
    return screen


def what_screen() -> ChoiceScreen:
    """优先服务, second step: what help."""
    return ChoiceScreen("priorityWhat", _tr("您需要哪种帮助？"), HELP)


class NoticeScreen(QWidget):
    """What is collected and why, before any personal data is taken (PIPL arts. 6, 17).

    Signals:
        accepted(): 同意并继续.
        declined(): 不同意，返回.
        home_requested(): 返回首页.
    """

    accepted = Signal()
    declined = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priorityNotice")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addStretch(1)
        layout.addWidget(wrapped_label(_tr("个人信息告知"), "kiosk_heading"))
        card = QFrame()
        card.setProperty("role", "card")
        body = QVBoxLayout(card)
        body.setContentsMargins(32, 24, 32, 24)
        body.setSpacing(16)
        self.what_label = wrapped_label("", "kiosk_message")
        self.what_label.setObjectName("noticeWhat")
        self.why_label = wrapped_label("", "kiosk_message")
        self.why_label.setObjectName("noticeWhy")
        for label in (self.what_label, self.why_label):
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            body.addWidget(label)
        layout.addWidget(card)
        layout.addWidget(
            wrapped_label(
                _tr("不同意也没关系：您仍可取绿色通道号或请工作人员帮忙。"), "kiosk_detail"
            )
        )
        layout.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(32)
        self.accept_button = action_button(_tr("同意并继续"), "kiosk_primary", "acceptButton")
        self.decline_button = action_button(_tr("不同意，返回"), "kiosk_secondary", "declineButton")
        row.addStretch(1)
        row.addWidget(self.accept_button)
        row.addWidget(self.decline_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.home_button = home_button(self)
        layout.addWidget(self.home_button, 0, Qt.AlignmentFlag.AlignHCenter)
        QWidget.setTabOrder(self.accept_button, self.decline_button)
        QWidget.setTabOrder(self.decline_button, self.home_button)
        self.accept_button.clicked.connect(self.accepted)
        self.decline_button.clicked.connect(self.declined)
        self.home_button.clicked.connect(self.home_requested)

    def set_kind(self, kind: str) -> None:
        """Say what this kind of request collects and why."""
        what, why = NOTICES[kind]
        self.what_label.setText(_tr(what))
        self.why_label.setText(_tr(why))


class AssistScreen(QWidget):
    """帮办代办: where the assistant will come, then 呼叫工作人员 (a phone number is optional).

    Signals:
        call_requested(): 呼叫工作人员.
        phone_requested(): 留下手机号再呼叫.
        back_requested(): 返回上一步.
        home_requested(): 返回首页.
    """

    call_requested = Signal()
    phone_requested = Signal()
    back_requested = Signal()
    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priorityAssist")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(24)
        layout.addStretch(1)
        layout.addWidget(wrapped_label(_tr("请工作人员到这里帮忙"), "kiosk_heading"))
        self.place_label = wrapped_label("", "kiosk_fact")
        self.place_label.setObjectName("assistPlace")
        self.when_label = wrapped_label("", "kiosk_message")
        self.when_label.setObjectName("assistWhen")
        self.error_label = wrapped_label("", "kiosk_notice")
        self.error_label.setObjectName("assistError")
        self.error_label.setVisible(False)
        for label in (self.place_label, self.when_label, self.error_label):
            layout.addWidget(label)
        self.call_button = action_button(_tr("呼叫工作人员"), "kiosk_primary", "callButton")
        layout.addWidget(self.call_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.phone_button = action_button(
            _tr("留下手机号再呼叫（可不留）"), "kiosk_secondary", "phoneButton"
        )
        layout.addWidget(self.phone_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(1)
        self.nav = NavRow()
        layout.addWidget(self.nav)
        QWidget.setTabOrder(self.call_button, self.phone_button)
        QWidget.setTabOrder(self.phone_button, self.nav.back_button)
        self.call_button.clicked.connect(self.call_requested)
        self.phone_button.clicked.connect(self.phone_requested)
        self.nav.back_button.clicked.connect(self.back_requested)
        self.nav.home_button.clicked.connect(self.home_requested)

    def set_place(self, location: str, minutes: int) -> None:
        """Show where the assistant comes and how soon."""
        self.place_label.setText(_tr("您的位置：{place}").format(place=location))
        self.when_label.setText(
            _tr("工作人员会在{minutes}分钟内到本机旁为您服务。").format(minutes=minutes)
        )
        self.error_label.setVisible(False)
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        """While the request is on its way the button says so and takes no second tap."""
        self.call_button.setEnabled(not busy)
        self.phone_button.setEnabled(not busy)
        self.call_button.setText(_tr("正在呼叫…") if busy else _tr("呼叫工作人员"))

    def show_error(self, text: str) -> None:
        """Say what went wrong; 呼叫工作人员 tries again."""
        self.error_label.setText(text)
        self.error_label.setVisible(True)
        self.set_busy(False)


class DoneScreen(PrintStatus, QWidget):
    """The end: the reference large, what happens next, and how printing went.

    Signals:
        home_requested(): 完成，返回首页.
    """

    home_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("priorityDone")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.setSpacing(16)
        layout.addStretch(1)
        self.title_label = wrapped_label("", "kiosk_heading")
        self.title_label.setObjectName("doneTitle")
        layout.addWidget(self.title_label)
        layout.addWidget(wrapped_label(_tr("您的编号"), "kiosk_message"))
        self.reference_label = wrapped_label("", "kiosk_number")
        self.reference_label.setObjectName("doneReference")
        layout.addWidget(self.reference_label)
        self.kind_label = wrapped_label("", "kiosk_green")
        self.kind_label.setObjectName("doneKind")
        layout.addWidget(self.kind_label, 0, Qt.AlignmentFlag.AlignHCenter)
        self.next_label = wrapped_label("", "kiosk_fact")
        self.next_label.setObjectName("doneNext")
        layout.addWidget(self.next_label)
        self.contact_label = wrapped_label("", "kiosk_detail")
        self.contact_label.setObjectName("doneContact")
        layout.addWidget(self.contact_label)
        layout.addSpacing(8)
        # One label per state, each styled from the start (see PrintStatus).
        self.printing_label = wrapped_label(_tr("正在打印回执…"), "kiosk_message")
        self.printing_label.setObjectName("donePrinting")
        self.printed_label = wrapped_label(_tr("请取走回执，凭编号查询办理进度"), "kiosk_ok")
        self.printed_label.setObjectName("donePrinted")
        self.advice_label = wrapped_label("", "kiosk_notice")
        self.advice_label.setObjectName("doneAdvice")
        for label in (self.printing_label, self.printed_label, self.advice_label):
            layout.addWidget(label)
        layout.addStretch(1)
        self.home_button = finish_button(self, _tr("完成，返回首页"))
        layout.addWidget(self.home_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.home_button.clicked.connect(self.home_requested)
        self.reference = ""
        self._show_print(self.printing_label)

    def set_request(
        self, reference: str, kind_text: str, next_step: str, contact: str = ""
    ) -> None:
        """Show a request just made (``contact``: its masked details, or '')."""
        self.reference = reference
        self.title_label.setText(_tr("已收到您的请求"))
        self.reference_label.setText(reference)
        # Focused on entry (entry_focus): a screen reader says the reference and what next.
        self.reference_label.setAccessibleName(
            "，".join(
                (
                    _tr("已收到您的请求，您的编号 {ref}").format(ref=" ".join(reference)),
                    kind_text,
                    next_step,
                )
            )
        )
        self.kind_label.setText(kind_text)
        self.next_label.setText(next_step)
        self.contact_label.setText(contact)
        self.contact_label.setVisible(bool(contact))
        self._show_print(self.printing_label)

    def entry_focus(self) -> QWidget:
        """The reference takes focus on entry."""
        return self.reference_label

    def show_printed(self) -> None:
        """The printer took the slip."""
        self._show_print(self.printed_label)

    def show_not_printed(self, printer_missing: bool) -> None:
        """No slip: the reference stays on screen, with what to do."""
        text = (
            _tr("本机不打印回执，请记下您的编号 {ref}")
            if printer_missing
            else _tr("回执打印失败，请记下您的编号 {ref}，工作人员同样能看到您的请求")
        )
        self.advice_label.setText(text.format(ref=self.reference))
        self._show_print(self.advice_label)

    def clear(self) -> None:
        """Forget the request shown (its masked details too)."""
        self.reference = ""
        for label in (self.reference_label, self.kind_label, self.next_label, self.contact_label):
            label.setText("")
