"""The 参观接待 page's tools: day navigation, 扫码签到 (check-in by scanning a slip) and the
接待台账 export (in its own small dialog), each a small widget that runs its work through
the console's TaskRunner.

A USB scanner is a keyboard: it types the slip's ASCII code and Enter. An active Chinese input
method would swallow those keystrokes into a composition, so the scan field switches input
methods off (:func:`ime_free`) and takes the keys as typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.i18n import translate
from reception.modules import tours_ops as ops
from reception.modules.tours_booking import spin_field
from reception.modules.tours_calendar import WEEKDAYS
from shared.qt.tasks import TaskRunner
from shared.services.staff import StaffInfo
from shared.services.tours_views import TourView

PathChooser = Callable[[str, str, str, Callable[[str], None]], None]
"""``(title, suggested file name, filter, then)``: ask where to save, then call ``then(path)``."""


def ime_free(field: QLineEdit) -> None:
    """Make ``field`` take a USB scanner's keystrokes as typed, whatever input method is on:
    no IME composition, Latin characters, no prediction."""
    field.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    field.setInputMethodHints(
        Qt.InputMethodHint.ImhLatinOnly
        | Qt.InputMethodHint.ImhNoPredictiveText
        | Qt.InputMethodHint.ImhNoAutoUppercase
    )


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a ``role`` property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class ResultLine(QLabel):
    """A line saying what just happened (a scan, an action), hidden while it says nothing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setVisible(bool(text))


class NavBar(QWidget):
    """Day navigation (前一天 / 今天 / 后一天, by week in the week view), the date shown, and
    the 日视图 / 周视图 toggle. The page connects the buttons; this widget only shows.

    Signals: none of its own (``mode_group.idClicked`` gives 0 for day, 1 for week).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prev_button = QPushButton()
        self.prev_button.setObjectName("tours_prev")
        self.today_button = QPushButton(self.tr("今天"))
        self.today_button.setObjectName("tours_today")
        self.today_button.setAccessibleName(self.tr("回到今天"))
        self.next_button = QPushButton()
        self.next_button.setObjectName("tours_next")
        self.date_label = QLabel()
        self.date_label.setObjectName("tours_date")
        self.date_label.setProperty("role", "tour_docent")
        self.day_mode = QPushButton(self.tr("日视图"))
        self.day_mode.setObjectName("tours_day_mode")
        self.day_mode.setAccessibleName(self.tr("按日查看"))
        self.week_mode = QPushButton(self.tr("周视图"))
        self.week_mode.setObjectName("tours_week_mode")
        self.week_mode.setAccessibleName(self.tr("按周查看"))
        self.mode_group = QButtonGroup(self)
        for index, button in enumerate((self.day_mode, self.week_mode)):
            button.setCheckable(True)
            button.setProperty("role", "tour_toggle")
            self.mode_group.addButton(button, index)
        self.week_mode.setChecked(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.prev_button, self.today_button, self.next_button):
            layout.addWidget(widget)
        layout.addSpacing(8)
        layout.addWidget(self.date_label)
        layout.addSpacing(16)
        layout.addStretch(1)
        layout.addWidget(self.day_mode)
        layout.addWidget(self.week_mode)

    def show_day(self, day: dt.date, today: dt.date) -> None:
        """Show ``day`` (or its week, in the week view) and name the steps accordingly."""
        week = self.week_mode.isChecked()
        if week:
            first = ops.monday_of(day)
            text = self.tr("{a} 至 {b}").format(
                a=f"{first:%Y-%m-%d}", b=f"{first + dt.timedelta(days=6):%m-%d}"
            )
            if first == ops.monday_of(today):
                text += self.tr("（本周）")
        else:
            text = f"{day:%Y-%m-%d} {WEEKDAYS[day.weekday()]}"
            if day == today:
                text += self.tr("（今天）")
        self.date_label.setText(text)
        unit = self.tr("周") if week else self.tr("天")
        self.prev_button.setText(self.tr("◀ 前一{unit}").format(unit=unit))
        self.next_button.setText(self.tr("后一{unit} ▶").format(unit=unit))
        self.prev_button.setAccessibleName(self.tr("前一{unit}").format(unit=unit))
        self.next_button.setAccessibleName(self.tr("后一{unit}").format(unit=unit))


class ScanBar(QWidget):
    """扫码签到: a scanner's code and Enter check the group in (the service verifies it).

    Signals:
        checked_in(object): the group of this :class:`TourView` is marked arrived.
        scan_refused(str): the code was refused (forged, altered, stale, wrong state); the
            Chinese message shown.
    """

    checked_in = Signal(object)
    scan_refused = Signal(str)

    def __init__(self, runner: TaskRunner, staff: StaffInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self._runner = runner
        self._staff = staff
        self.field = QLineEdit()
        self.field.setObjectName("tours_scan")
        self.field.setPlaceholderText(self.tr("扫描确认单上的二维码"))
        self.field.setAccessibleName(self.tr("扫码签到"))
        self.field.setMinimumWidth(300)
        ime_free(self.field)
        label = QLabel(self.tr("扫码签到"))
        label.setBuddy(self.field)
        self.result = ResultLine()
        self.result.setObjectName("tours_scan_result")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.field)
        layout.addWidget(self.result, 1)
        self._row = layout
        self.field.returnPressed.connect(self.on_field_entered)

    def take_result(self) -> QLabel:
        """Hand the result line to the page, to show it elsewhere (the side panel); the bar
        keeps only its label and field."""
        self._row.removeWidget(self.result)
        self.result.setParent(None)
        return self.result

    def _say(self, text: str, role: str) -> None:
        self.result.setText(text)
        self.result.setAccessibleName(text)
        self.result.setProperty("role", role)
        repolish(self.result)

    @Slot()
    def on_field_entered(self) -> None:
        payload = self.field.text().strip()
        self.field.clear()
        if not payload:
            return
        self._say(self.tr("正在核验…"), "muted")
        self._runner.submit(
            ops.scan(payload, self._staff),
            guarded(self, self.on_scan_done),
            guarded(self, self.on_scan_failed),
        )

    def on_scan_done(self, view: TourView) -> None:
        self._say(self.tr("已签到：{group}").format(group=view.group_name), "ok")
        self.checked_in.emit(view)

    def on_scan_failed(self, exc: BaseException) -> None:
        message = user_message(exc, "tour_scan")
        self._say(self.tr("签到失败：{m}").format(m=message), "error")
        self.scan_refused.emit(message)


class LedgerBar(QWidget):
    """接待台账: a period and 导出 XLSX / 导出 PDF (save dialog, then written in the background).

    Signals:
        file_saved(str): the ledger was written to this path.
        export_failed(str): the period is wrong or writing failed; the Chinese message.
        export_started(): a path was chosen and the export runs.
    """

    file_saved = Signal(str)
    export_failed = Signal(str)
    export_started = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        site: Callable[[], str | None],
        ask_path: PathChooser,
        today: dt.date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._site = site
        self._ask_path = ask_path
        self.date_from = QDateEdit()
        self.date_to = QDateEdit()
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        spin_field(self.date_from, self.tr("台账开始日期"))
        spin_field(self.date_to, self.tr("台账结束日期"))
        self.date_from.setDate(QDate(today.year, today.month, 1))
        self.date_to.setDate(QDate(today.year, today.month, today.day))
        self.export_xlsx = QPushButton(self.tr("导出 XLSX"))
        self.export_xlsx.setObjectName("tours_export_xlsx")
        self.export_xlsx.setAccessibleName(self.tr("导出接待台账为 Excel 文件"))
        self.export_pdf = QPushButton(self.tr("导出 PDF"))
        self.export_pdf.setObjectName("tours_export_pdf")
        self.export_pdf.setAccessibleName(self.tr("导出接待台账为 PDF 文件"))
        title = QLabel(self.tr("接待台账"))
        title.setProperty("role", "tour_docent")
        from_label = QLabel(self.tr("从"))
        from_label.setBuddy(self.date_from)
        to_label = QLabel(self.tr("至"))
        to_label.setBuddy(self.date_to)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (title, from_label, self.date_from, to_label, self.date_to):
            layout.addWidget(widget)
        layout.addWidget(self.export_xlsx)
        layout.addWidget(self.export_pdf)
        self.export_xlsx.clicked.connect(lambda: self.on_export_clicked("xlsx"))
        self.export_pdf.clicked.connect(lambda: self.on_export_clicked("pdf"))

    def period(self) -> tuple[dt.date, dt.date]:
        """The chosen period (hall-local days, inclusive)."""
        return self.date_from.date().toPython(), self.date_to.date().toPython()

    def on_export_clicked(self, kind: str) -> None:
        first, last = self.period()
        if last < first:
            self.export_failed.emit(self.tr("结束日期早于开始日期。"))
            return
        name = f"接待台账-{first:%Y%m%d}-{last:%Y%m%d}.{kind}"
        file_filter = (
            self.tr("Excel 文件 (*.xlsx)") if kind == "xlsx" else self.tr("PDF 文件 (*.pdf)")
        )
        site = self._site() or ""

        def chosen(path: str) -> None:
            if not path.lower().endswith(f".{kind}"):
                path += f".{kind}"
            self.export_started.emit()
            self._runner.submit(
                ops.export_ledger(site, first, last, path),
                guarded(self, self.file_saved.emit),
                guarded(self, self.on_export_failed),
                write=False,
            )

        self._ask_path(self.tr("导出接待台账"), name, file_filter, chosen)

    def on_export_failed(self, exc: BaseException) -> None:
        self.export_failed.emit(file_error_message(exc))


class LedgerDialog(QDialog):
    """导出接待台账: the period and the two export buttons, opened from the page's
    接待台账… button; closes itself once a file name is chosen (the page reports the save).
    """

    def __init__(self, ledger: LedgerBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tours_ledger_dialog")
        self.setWindowTitle(self.tr("导出接待台账"))
        self.setAccessibleName(self.tr("导出接待台账"))
        title = QLabel(self.tr("导出接待台账"))
        title.setProperty("role", "title")
        hint = QLabel(self.tr("选择时间段，导出该时段全部参观接待的记录。"))
        hint.setProperty("role", "muted")
        self.close_button = QPushButton(self.tr("关闭"))
        self.close_button.setObjectName("tours_ledger_close")
        self.close_button.setAccessibleName(self.tr("关闭导出接待台账"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(ledger)
        layout.addLayout(buttons)
        self.close_button.clicked.connect(self.reject)
        ledger.export_started.connect(self.accept)


def file_error_message(exc: BaseException) -> str:
    """The sentence for a failed save or print."""
    if isinstance(exc, OSError):
        return translate("ToursPage", "无法写入文件，请换一个位置保存。")
    return user_message(exc, "tour_file")


def ask_save_path(
    parent: QWidget, title: str, name: str, file_filter: str, then: Callable[[str], None]
) -> QFileDialog:
    """Open a save dialog (window-modal, not blocking); ``then(path)`` runs on acceptance."""
    dialog = QFileDialog(parent, title, name, file_filter)
    dialog.setObjectName("tours_save_dialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.selectFile(name)
    dialog.fileSelected.connect(then)
    dialog.open()
    return dialog
