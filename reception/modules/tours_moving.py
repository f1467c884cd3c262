"""Moving a dragged tour: live checks while it is dragged, the move when it is dropped, and
the manager's override with a written reason — and the same move without dragging.

:class:`MoveFlow` listens to the planners' drags. Each new place is checked against the
booking rules in the background (``check_move`` through the console's TaskRunner — never on
the GUI thread; one check at a time, the newest place next, answers for places already left
dropped) and the verdict goes back to the planner's ghost. A drop asks the service to move
the tour; the service checks again under the schedule lock. A refusal is shown with its
reason; a manager or admin may instead give a reason in :class:`MoveOverrideDialog`, and the
service audits the override as it does a booking's. :class:`MoveDialog` (调整时间, in the
detail panel) moves a tour by its date, start and docent for whoever does not drag: the
keyboard, a screen reader, a touch screen (WCAG 2.2 2.5.7).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, QObject, Qt, QTime, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from reception.callbacks import guarded
from reception.errors import user_message
from reception.modules import tours_ops as ops
from reception.modules.tours_booking import DEBOUNCE_MS, spin_field
from reception.modules.tours_calendar import WEEKDAYS_SHORT
from reception.modules.tours_drag import VERDICT_ROLES, length_minutes, repolish, unchanged
from reception.modules.tours_week import WeekPlanner
from shared.qt.tasks import TaskRunner
from shared.services.staff import StaffInfo
from shared.services.tours_rules import OVERRIDE_ROLES, TourRefused
from shared.services.tours_views import TourView

Check = tuple[WeekPlanner, TourView, ops.MoveTarget, int]


def where(view: TourView, target: ops.MoveTarget, docent_name: str) -> str:
    """``12月01日 周二 10:15–11:15 · 李娜``: the place a tour would move to."""
    start = dt.datetime.combine(target.date, target.start)
    end = start + dt.timedelta(minutes=length_minutes(view))
    weekday = WEEKDAYS_SHORT[target.date.weekday()]
    return f"{target.date:%m月%d日} {weekday} {start:%H:%M}–{end:%H:%M} · {docent_name}"


class MoveOverrideDialog(QDialog):
    """强制调整: the conflicts a move breaks and the manager's written reason.

    Signals:
        override_confirmed(str): 强制调整 was pressed with this reason.
    """

    override_confirmed = Signal(str)

    def __init__(
        self, view: TourView, place: str, lines: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tour_move_override_dialog")
        self.setWindowTitle(self.tr("强制调整参观接待"))
        self.setAccessibleName(self.tr("强制调整参观接待"))
        title = QLabel(self.tr("强制调整参观接待"))
        title.setProperty("role", "title")
        what = QLabel(
            self.tr("将“{group}”调整到 {place}，与现有安排冲突：").format(
                group=view.group_name, place=place
            )
        )
        what.setWordWrap(True)
        self.conflicts = QLabel("\n".join(f"• {line}" for line in lines))
        self.conflicts.setObjectName("tour_move_conflicts")
        self.conflicts.setProperty("role", "error")
        self.conflicts.setWordWrap(True)
        self.conflicts.setAccessibleName("；".join(lines))
        self.reason = QLineEdit()
        self.reason.setObjectName("tour_move_reason")
        self.reason.setPlaceholderText(self.tr("如：来访行程调整，经中心主任同意"))
        reason_label = QLabel(self.tr("强制调整理由"))
        reason_label.setBuddy(self.reason)
        hint = QLabel(self.tr("理由将与调整一起记入操作日志。"))
        hint.setProperty("role", "muted")
        self.abandon_button = QPushButton(self.tr("放弃调整"))
        self.abandon_button.setObjectName("tour_move_abandon")
        self.abandon_button.setAccessibleName(self.tr("放弃调整，接待保持原安排"))
        self.override_button = QPushButton(self.tr("强制调整"))
        self.override_button.setObjectName("tour_move_override")
        self.override_button.setProperty("role", "danger")
        self.override_button.setAccessibleName(self.tr("强制调整：按所填理由忽略冲突"))
        self.override_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.abandon_button)
        buttons.addWidget(self.override_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        for widget in (title, what, self.conflicts, reason_label, self.reason, hint):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)
        self.reason.textChanged.connect(self.on_reason_changed)
        self.abandon_button.clicked.connect(self.reject)
        self.override_button.clicked.connect(self.on_override_clicked)

    @Slot(str)
    def on_reason_changed(self, text: str) -> None:
        self.override_button.setEnabled(bool(text.strip()))

    @Slot()
    def on_override_clicked(self) -> None:
        reason = self.reason.text().strip()
        if reason:
            self.override_confirmed.emit(reason)
            self.accept()


class MoveFlow(QObject):
    """Checks and moves the tours dragged on the planners it is attached to.

    Signals:
        verdict_shown(str, str): the verdict (``checking``, ``ok``, ``conflict``, ``same``,
            ``none``) and the sentence shown beside the ghost.
        moved(object): the service moved the tour (its :class:`TourView` as it now is).
        move_refused(str): the move was refused or failed; the Chinese message to show.
        move_abandoned(object): the manager dropped the override (the view, unchanged).
    """

    verdict_shown = Signal(str, str)
    moved = Signal(object)
    move_refused = Signal(str)
    move_abandoned = Signal(object)

    def __init__(self, runner: TaskRunner, staff: StaffInfo, parent: QWidget) -> None:
        super().__init__(parent)
        self._runner = runner
        self._staff = staff
        self._owner = parent
        self.may_override = any(role in OVERRIDE_ROLES for role in staff.roles)
        self._generation = 0
        self._checking = False
        self._pending: Check | None = None
        self.override_dialog: MoveOverrideDialog | None = None

    def attach(self, planner: WeekPlanner) -> None:
        """Follow the drags of ``planner``."""
        planner.drag_moved.connect(lambda v, t: self.on_drag_moved(planner, v, t))
        planner.tour_dropped.connect(lambda v, t: self.on_tour_dropped(planner, v, t))
        planner.drag_cancelled.connect(lambda _v: self._forget())

    def _forget(self) -> None:
        self._generation += 1
        self._pending = None

    @staticmethod
    def _name(planner: WeekPlanner, username: str) -> str:
        return next((d.name for d in planner.lanes if d.username == username), username)

    def _show(self, planner: WeekPlanner, verdict: str, text: str) -> None:
        planner.dragger.show_verdict(verdict, text)
        self.verdict_shown.emit(verdict, text)

    # -- while dragging --------------------------------------------------------------------

    def on_drag_moved(
        self, planner: WeekPlanner, view: TourView, target: ops.MoveTarget | None
    ) -> None:
        self._generation += 1
        if target is None:
            self._pending = None
            self._show(planner, "none", self.tr("放到讲解员的时间行内即可调整"))
            return
        place = where(view, target, self._name(planner, target.docent_to))
        if unchanged(view, target):
            self._pending = None
            self._show(planner, "same", self.tr("放回原处，不调整"))
            return
        self._show(planner, "checking", self.tr("正在检查：{place}…").format(place=place))
        check: Check = (planner, view, target, self._generation)
        if self._checking:
            self._pending = check  # one check at a time; the newest place goes next
            return
        self._check(check)

    def _check(self, check: Check) -> None:
        _planner, view, target, _generation = check
        self._checking = True

        def done(result: ops.Checked) -> None:
            self._checked(check, result)

        def failed(exc: BaseException) -> None:
            self._checked(check, ops.Checked([], user_message(exc, "tour_move_check")))

        self._runner.submit(
            ops.check_moving(view.id, target),
            guarded(self._owner, done),
            guarded(self._owner, failed),
            write=False,
        )

    def _checked(self, check: Check, result: ops.Checked) -> None:
        self._checking = False
        planner, view, target, generation = check
        if generation == self._generation and planner.dragger.active and not planner.dragger.busy:
            place = where(view, target, self._name(planner, target.docent_to))
            if result.invalid_zh:
                self._show(planner, "conflict", f"✕ {result.invalid_zh}")
            elif result.conflicts:
                lines = "\n".join(f"✕ {c.message_zh}" for c in result.conflicts)
                if self.may_override and not result.blocking:
                    lines += "\n" + self.tr("松开后可填写理由强制调整")
                self._show(planner, "conflict", lines)
            else:
                self._show(
                    planner, "ok", self.tr("✓ 可以调整到 {place}，松开即调整").format(place=place)
                )
        pending, self._pending = self._pending, None
        if pending is not None and pending[3] == self._generation:
            self._check(pending)

    # -- the drop --------------------------------------------------------------------------

    def on_tour_dropped(self, planner: WeekPlanner, view: TourView, target: ops.MoveTarget) -> None:
        self._forget()
        place = where(view, target, self._name(planner, target.docent_to))

        def show(verdict: str, text: str) -> None:
            self._show(planner, verdict, text)

        self.request_move(view, target, place, show, planner.dragger.finish)

    def request_move(
        self,
        view: TourView,
        target: ops.MoveTarget,
        place: str,
        show: Callable[[str, str], None] | None = None,
        end: Callable[[], None] | None = None,
    ) -> None:
        """Ask the service to move ``view`` to ``target`` (a drop, or the 调整时间 form).

        A refusal a manager may override opens :class:`MoveOverrideDialog`; any other
        refusal is reported by ``move_refused``. ``show(verdict, text)`` follows the steps
        (the ghost's callout for a drop); ``end()`` runs once the move is answered.
        """
        show = show or (lambda _verdict, _text: None)
        finish = end or (lambda: None)
        show("busy", self.tr("正在调整到 {place}…").format(place=place))

        def refused(exc: BaseException) -> None:
            conflicts = exc.conflicts if isinstance(exc, TourRefused) else []
            if conflicts and self.may_override and all(c.overridable for c in conflicts):
                lines = [c.message_zh for c in conflicts]
                show("conflict", "\n".join(f"✕ {line}" for line in lines))
                self._ask_override(view, target, place, lines, show, finish)
                return
            finish()
            self.move_refused.emit(user_message(exc, "tour_move"))

        self._move(view, target, None, refused, finish)

    def _move(
        self,
        view: TourView,
        target: ops.MoveTarget,
        reason: str | None,
        refused: Callable[[BaseException], None],
        finish: Callable[[], None],
    ) -> None:
        def done(moved: TourView) -> None:
            finish()
            self.moved.emit(moved)

        self._runner.submit(
            ops.move(view.id, target, self._staff, reason),
            guarded(self._owner, done),
            guarded(self._owner, refused),
        )

    def _ask_override(
        self,
        view: TourView,
        target: ops.MoveTarget,
        place: str,
        lines: list[str],
        show: Callable[[str, str], None],
        finish: Callable[[], None],
    ) -> None:
        dialog = MoveOverrideDialog(view, place, lines, self._owner)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.override_dialog = dialog

        def confirmed(reason: str) -> None:
            def failed(exc: BaseException) -> None:
                finish()
                self.move_refused.emit(user_message(exc, "tour_move"))

            show("busy", self.tr("正在强制调整到 {place}…").format(place=place))
            self._move(view, target, reason, failed, finish)

        def abandoned() -> None:
            finish()
            self.move_abandoned.emit(view)

        dialog.override_confirmed.connect(confirmed)
        dialog.rejected.connect(abandoned)
        dialog.open()


class MoveDialog(QDialog):
    """调整时间: move a tour without dragging — its day, its start and who leads it, checked
    against the booking rules as they change (in the background, as the booking dialog
    does). 调整 hands the place to :meth:`MoveFlow.request_move`, which asks the service and
    offers a manager the override.

    Signals:
        target_chosen(object): 调整 was pressed for this :class:`MoveTarget`.
        target_checked(str, str): the live verdict (``ok``, ``conflict``, ``same``) and
            its sentence.
    """

    target_chosen = Signal(object)
    target_checked = Signal(str, str)

    def __init__(
        self,
        view: TourView,
        docents: list[ops.Docent],
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("tour_move_dialog")
        self.setWindowTitle(self.tr("调整参观接待"))
        self.setAccessibleName(self.tr("调整参观接待"))
        self.view = view
        self._runner = runner
        self._generation = 0
        self._names = {d.username: d.name for d in docents}
        title = QLabel(self.tr("调整参观接待"))
        title.setProperty("role", "title")
        what = QLabel(
            self.tr("“{group}”现为 {when}，共 {n} 分钟。").format(
                group=view.group_name,
                when=f"{view.date:%m月%d日} {view.local_start:%H:%M}–{view.local_end:%H:%M}",
                n=length_minutes(view),
            )
        )
        what.setWordWrap(True)
        start = view.local_start
        self.date = QDateEdit(QDate(start.year, start.month, start.day))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.start = QTimeEdit(QTime(start.hour, start.minute))
        self.start.setDisplayFormat("HH:mm")
        spin_field(self.date, self.tr("调整到的日期"))
        spin_field(self.start, self.tr("调整后的开始时间"))
        self.docent_from = QComboBox()
        for username, name in view.docents:
            self.docent_from.addItem(name, username)
        self.docent_from.setAccessibleName(self.tr("原讲解员"))
        self.docent_to = QComboBox()
        for docent in docents:
            self.docent_to.addItem(docent.name, docent.username)
        self.docent_to.setAccessibleName(self.tr("改由讲解员"))
        self.docent_to.setCurrentIndex(max(0, self.docent_to.findData(view.docents[0][0])))
        self.verdict = QLabel()
        self.verdict.setObjectName("tour_move_verdict")
        self.verdict.setWordWrap(True)
        self.move_button = QPushButton(self.tr("调整"))
        self.move_button.setObjectName("tour_move_submit")
        self.move_button.setProperty("role", "primary")
        self.move_button.setAccessibleName(self.tr("调整：按所选日期、时间和讲解员调整"))
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.setObjectName("tour_move_cancel")
        self.cancel_button.setAccessibleName(self.tr("取消调整并关闭"))
        form = QFormLayout()
        form.setHorizontalSpacing(16)
        when = QHBoxLayout()
        when.addWidget(self.date)
        when.addSpacing(12)
        when.addWidget(_buddy(self.tr("开始"), self.start))
        when.addSpacing(6)
        when.addWidget(self.start)
        when.addStretch(1)
        form.addRow(_buddy(self.tr("日期"), self.date), when)
        who = QHBoxLayout()
        who.addWidget(self.docent_from, 1)
        who.addSpacing(8)
        who.addWidget(_buddy(self.tr("改由"), self.docent_to))
        who.addSpacing(6)
        who.addWidget(self.docent_to, 1)
        form.addRow(_buddy(self.tr("讲解员"), self.docent_from), who)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.move_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        for widget in (title, what):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addLayout(buttons)
        self.setMinimumWidth(640)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.on_check_due)
        self.date.dateChanged.connect(self.on_target_changed)
        self.start.timeChanged.connect(self.on_target_changed)
        self.docent_from.currentIndexChanged.connect(self.on_target_changed)
        self.docent_to.currentIndexChanged.connect(self.on_target_changed)
        self.move_button.clicked.connect(self.on_move_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.on_target_changed()

    def target(self) -> ops.MoveTarget:
        """The place the form names."""
        docent_from = str(self.docent_from.currentData())
        return ops.MoveTarget(
            date=self.date.date().toPython(),
            start=self.start.time().toPython().replace(second=0, microsecond=0),
            docent_from=docent_from,
            docent_to=str(self.docent_to.currentData() or docent_from),
        )

    def place(self) -> str:
        """The form's place in words."""
        target = self.target()
        return where(self.view, target, self._names.get(target.docent_to, target.docent_to))

    def _say(self, verdict: str, text: str) -> None:
        self.verdict.setText(text)
        self.verdict.setAccessibleName(text)
        self.verdict.setProperty("role", VERDICT_ROLES.get(verdict, "muted"))
        repolish(self.verdict)

    @Slot()
    def on_target_changed(self) -> None:
        self._generation += 1
        target = self.target()
        self.move_button.setEnabled(not unchanged(self.view, target))
        if unchanged(self.view, target):
            self._timer.stop()
            self._say("same", self.tr("选择新的日期、时间或讲解员。"))
            self.target_checked.emit("same", self.verdict.text())
            return
        self._say("checking", self.tr("正在检查：{place}…").format(place=self.place()))
        self._timer.start()

    @Slot()
    def on_check_due(self) -> None:
        generation = self._generation

        def done(result: ops.Checked) -> None:
            if generation != self._generation:
                return  # the form changed meanwhile
            if result.invalid_zh or result.conflicts:
                lines = [result.invalid_zh] if result.invalid_zh else []
                lines += [c.message_zh for c in result.conflicts]
                self._say("conflict", "\n".join(f"✕ {line}" for line in lines))
                self.target_checked.emit("conflict", self.verdict.text())
            else:
                self._say("ok", self.tr("✓ 可以调整到 {place}").format(place=self.place()))
                self.target_checked.emit("ok", self.verdict.text())

        def failed(exc: BaseException) -> None:
            self._say("conflict", user_message(exc, "tour_move_check"))

        self._runner.submit(
            ops.check_moving(self.view.id, self.target()),
            guarded(self, done),
            guarded(self, failed),
            write=False,
        )

    @Slot()
    def on_move_clicked(self) -> None:
        self.target_chosen.emit(self.target())
        self.accept()


def _buddy(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(field)
    return label
