"""参观接待 background operations: plain functions of a session, run by the TaskRunner.

They call the tour services (:mod:`shared.services.tours`, ``tours_rules``, ``tours_docs``)
and return plain data — :class:`~shared.services.tours_views.TourView` and the small records
below — so no widget runs SQL and no ORM object crosses to the GUI thread. File writing and
printing run here too (``with_session=False``), never on the GUI thread.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo
from sqlalchemy.orm import Session

from shared.clock import HALL_TZ, to_local, utcnow
from shared.errors import HallError
from shared.rendering.ledger import render_ledger_pdf, render_ledger_xlsx
from shared.rendering.tour_slip import TourSlip, render_tour_slip_pdf, render_tour_slip_png
from shared.services import tours
from shared.services.settings import default_site, site_by_code
from shared.services.staff import StaffInfo
from shared.services.tours_docs import check_in, ledger_rows, tour_slip
from shared.services.tours_moves import check_move, move_tour
from shared.services.tours_planner import (
    PlanDay,
    free_minutes,
    hourly_loads,
    live,
    peak_of_day,
    plan_days,
)
from shared.services.tours_rules import (
    all_venues,
    docent_query,
    parse_hhmm,
    route_by_code,
    route_minutes,
)
from shared.services.tours_views import TourView

#: The routes the issue defines, in the order the dialog offers them.
ROUTE_CODES = ("hall", "centre", "both")
SLIP_DPI = 203


@dataclass(frozen=True)
class Docent:
    """A docent lane: username and the name shown."""

    username: str
    name: str


@dataclass(frozen=True)
class VenueInfo:
    """A venue and how many visitors it holds at once."""

    code: str
    name: str
    capacity: int


@dataclass(frozen=True)
class RouteInfo:
    """A route offered in the booking dialog, with the minutes it takes."""

    code: str
    name: str
    minutes: int


@dataclass(frozen=True)
class CalendarData:
    """One load of the planner: a week of tours, the docent lanes, venues and hall hours,
    with what the planner draws already worked out by the services.

    Attributes:
        first, last: the hall-local days covered (a Monday to its Sunday).
        days: each day's sessions, 延时服务 sessions and note (holiday, 休息, 调休上班).
        loads: each (day, venue code)'s peak head count per hour (24 numbers).
        peaks: each (day, venue code)'s peak of the day and when it starts (``HH:MM``).
        free: each (day, docent username)'s staffed minutes without a tour.
        levels: the reception levels in order of importance (the first is the ordinary one).
    """

    site_code: str
    site_name: str
    first: dt.date
    last: dt.date
    tours: list[TourView]
    docents: list[Docent]
    venues: list[VenueInfo]
    days: dict[dt.date, PlanDay]
    loads: dict[tuple[dt.date, str], tuple[int, ...]]
    peaks: dict[tuple[dt.date, str], tuple[int, str]]
    free: dict[tuple[dt.date, str], int]
    levels: list[str]


@dataclass(frozen=True)
class BookingOptions:
    """What the booking dialog offers: reception levels, routes and docents."""

    site_code: str
    levels: list[str]
    routes: list[RouteInfo]
    docents: list[Docent]


@dataclass(frozen=True)
class BookingForm:
    """The dialog's fields as plain data (what :func:`book` and :func:`check` need)."""

    date: dt.date
    start: dt.time
    end: dt.time
    group: str
    org: str
    visitors: int
    route: str
    docents: tuple[str, ...] | None
    level: str = "一般"
    letter: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    extended: bool = False
    notes: str = ""

    def draft(self, site: str) -> tours.TourDraft:
        """The rules' view of the form."""
        return tours.TourDraft(
            date=self.date,
            start=self.start,
            end=self.end,
            route=self.route,
            visitors=self.visitors,
            docents=self.docents,
            extended=self.extended,
            site=site,
        )


@dataclass(frozen=True)
class Checked:
    """The verdict on a draft: conflicts, or a malformed-draft message (not overridable)."""

    conflicts: list[tours.RuleConflict]
    invalid_zh: str | None = None

    @property
    def blocking(self) -> bool:
        """True when even a manager cannot book it as it stands."""
        return self.invalid_zh is not None or any(not c.overridable for c in self.conflicts)


def today() -> dt.date:
    """The hall-local date now."""
    return to_local(utcnow()).date()


def monday_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def _site(session: Session, code: str | None) -> tuple[str, str, uuid.UUID]:
    site = site_by_code(session, code) if code else default_site(session)
    return site.code, site.name, site.id


def _docents(session: Session) -> list[Docent]:
    staff = session.scalars(docent_query())
    return sorted((Docent(s.username, s.display_name) for s in staff), key=lambda d: d.username)


def lanes_for(docents: list[Docent], views: list[TourView]) -> list[Docent]:
    """The active docents, plus any docent of a shown tour no longer on the list."""
    lanes = list(docents)
    known = {d.username for d in lanes}
    for view in views:
        for username, name in view.docents:
            if username not in known:
                known.add(username)
                lanes.append(Docent(username, name))
    return lanes


def load_calendar(site: str | None, day: dt.date) -> Callable[[Session], CalendarData]:
    """An operation reading the week around ``day`` (Monday to Sunday)."""

    def run(session: Session) -> CalendarData:
        code, name, site_id = _site(session, site)
        first = monday_of(day)
        last = first + dt.timedelta(days=6)
        views = tours.list_tours(session, site=code, date_from=first, date_to=last)
        venues = sorted(
            (VenueInfo(v.code, v.name, v.capacity) for v in all_venues(session).values()),
            key=lambda v: (v.code != "hall", v.code),
        )
        days = {d.day: d for d in plan_days(session, site_id, first, last)}
        docents = lanes_for(_docents(session), live(views))
        by_day = {day: [t for t in views if t.date == day] for day in days}
        return CalendarData(
            code,
            name,
            first,
            last,
            views,
            docents,
            venues,
            days,
            loads={(d, v.code): hourly_loads(by_day[d], v.code, d) for d in days for v in venues},
            peaks={(d, v.code): peak_of_day(by_day[d], v.code, d) for d in days for v in venues},
            free={
                (d, lane.username): free_minutes(days[d], by_day[d], lane.username)
                for d in days
                for lane in docents
            },
            levels=tours.reception_levels(session, site_id),
        )

    return run


def load_options(site: str | None) -> Callable[[Session], BookingOptions]:
    """An operation reading what the booking dialog offers."""

    def run(session: Session) -> BookingOptions:
        code, _name, site_id = _site(session, site)
        routes = []
        for route_code in ROUTE_CODES:
            try:
                route = route_by_code(session, route_code)
            except HallError:
                continue
            routes.append(RouteInfo(route.code, route.name, route_minutes(route)))
        return BookingOptions(
            code, tours.reception_levels(session, site_id), routes, _docents(session)
        )

    return run


def check(site: str, form: BookingForm) -> Callable[[Session], Checked]:
    """An operation checking the rules (read-only; a malformed draft is a message, not an
    error, so the dialog shows it among the conflicts)."""

    def run(session: Session) -> Checked:
        try:
            return Checked(tours.check_conflicts(session, form.draft(site)))
        except HallError as exc:
            return Checked([], exc.message_zh)

    return run


def book(
    site: str, form: BookingForm, actor: StaffInfo, override_reason: str | None = None
) -> Callable[[Session], TourView]:
    """An operation booking the tour (write); the service refuses it if a rule is broken."""

    def run(session: Session) -> TourView:
        return tours.book_tour(
            session,
            site=site,
            date=form.date,
            start=form.start,
            end=form.end,
            group=form.group,
            org=form.org,
            visitors=form.visitors,
            route=form.route,
            docents=None if form.docents is None else list(form.docents),
            level=form.level,
            letter=form.letter,
            contact_name=form.contact_name or None,
            contact_phone=form.contact_phone or None,
            extended=form.extended,
            notes=form.notes,
            override_reason=override_reason,
            actor=actor,
        )

    return run


@dataclass(frozen=True)
class MoveTarget:
    """Where a dragged tour would go: the day, the start, and the lane it leaves and enters
    (the same username in both when only the time changes)."""

    date: dt.date
    start: dt.time
    docent_from: str
    docent_to: str


def check_moving(tour_id: uuid.UUID, target: MoveTarget) -> Callable[[Session], Checked]:
    """An operation checking a move under the booking rules (read-only; an impossible move
    is a message, not an error, as for the booking dialog's check)."""

    def run(session: Session) -> Checked:
        try:
            return Checked(
                check_move(
                    session,
                    tour_id,
                    date=target.date,
                    start=target.start,
                    docent_from=target.docent_from,
                    docent_to=target.docent_to,
                )
            )
        except HallError as exc:
            return Checked([], exc.message_zh)

    return run


def move(
    tour_id: uuid.UUID,
    target: MoveTarget,
    actor: StaffInfo,
    override_reason: str | None = None,
) -> Callable[[Session], TourView]:
    """An operation moving the tour (write); the service refuses it if a rule is broken."""

    def run(session: Session) -> TourView:
        return move_tour(
            session,
            tour_id,
            date=target.date,
            start=target.start,
            docent_from=target.docent_from,
            docent_to=target.docent_to,
            override_reason=override_reason,
            actor=actor,
        )

    return run


def step(action: str, tour_id: uuid.UUID, actor: StaffInfo) -> Callable[[Session], TourView]:
    """An operation moving a tour on: ``confirm``, ``arrive``, ``start``, ``cancel``,
    ``no_show`` (write)."""
    steps: dict[str, Callable[..., TourView]] = {
        "confirm": tours.confirm,
        "arrive": tours.mark_arrived,
        "start": tours.start,
        "cancel": tours.cancel,
        "no_show": tours.no_show,
    }
    service = steps[action]

    def run(session: Session) -> TourView:
        return service(session, tour_id, actor=actor)

    return run


@dataclass(frozen=True)
class TourLog:
    """The log form as plain data."""

    actual_end: dt.datetime
    actual_visitors: int
    feedback: int | None
    notes: str
    follow_ups: str


def finish(tour_id: uuid.UUID, log: TourLog, actor: StaffInfo) -> Callable[[Session], TourView]:
    """An operation finishing the tour with its log (write)."""

    def run(session: Session) -> TourView:
        return tours.finish(
            session,
            tour_id,
            actual_visitors=log.actual_visitors,
            feedback=log.feedback,
            notes=log.notes,
            follow_ups=log.follow_ups,
            actual_end=log.actual_end,
            actor=actor,
        )

    return run


def scan(payload: str, actor: StaffInfo) -> Callable[[Session], TourView]:
    """An operation checking a group in by the scanned slip code (write)."""

    def run(session: Session) -> TourView:
        return check_in(session, payload, actor=actor)

    return run


def slip(tour_id: uuid.UUID) -> Callable[[Session], TourSlip]:
    """An operation reading the slip with its signed code (write: the secret may be made)."""

    def run(session: Session) -> TourSlip:
        return tour_slip(session, tour_id)

    return run


def write_file(path: str | Path, data: bytes) -> str:
    """Write ``data`` atomically (a temporary file renamed over ``path``); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temp, target)
    except OSError:
        Path(temp).unlink(missing_ok=True)
        raise
    return str(target)


def save_slip_pdf(slip_data: TourSlip, path: str) -> Callable[[], str]:
    """A sessionless operation rendering the slip as PDF into ``path``."""
    return lambda: write_file(path, render_tour_slip_pdf(slip_data))


def export_ledger(site: str, first: dt.date, last: dt.date, path: str) -> Callable[[Session], str]:
    """An operation writing the 接待台账 for ``first``…``last`` as XLSX or PDF (by suffix)."""

    def run(session: Session) -> str:
        code, name, _site_id = _site(session, site)
        rows = ledger_rows(session, date_from=first, date_to=last, site=code)
        render = render_ledger_pdf if path.lower().endswith(".pdf") else render_ledger_xlsx
        return write_file(path, render(rows, first, last, name))

    return run


class SlipPrintError(HallError):
    """The system printer is missing or refused the slip."""

    default_zh = "打印失败，请检查打印机，或改用“保存 PDF”。"


def print_slip(slip_data: TourSlip, printer_name: str | None = None) -> Callable[[], str]:
    """A sessionless operation printing the slip on a system printer (default: the system's
    default printer), drawn from its PNG on a borderless page; returns the printer's name."""

    def run() -> str:
        info = (
            QPrinterInfo.printerInfo(printer_name)
            if printer_name
            else QPrinterInfo.defaultPrinter()
        )
        if info.isNull():
            raise SlipPrintError("no system printer", "本机没有可用的打印机，请改用“保存 PDF”。")
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPrinterName(info.printerName())
        printer.setDocName(f"参观接待确认单 {slip_data.ref}")
        printer.setFullPage(True)
        image = QImage.fromData(render_tour_slip_png(slip_data, SLIP_DPI))
        painter = QPainter()
        if not painter.begin(printer):
            raise SlipPrintError(f"printer {info.printerName()} did not accept the job")
        try:
            page = printer.paperRect(QPrinter.Unit.DevicePixel)
            width = min(page.width(), image.width() * printer.resolution() / SLIP_DPI)
            painter.drawImage(QRectF(0, 0, width, width * image.height() / image.width()), image)
        finally:
            painter.end()
        return str(info.printerName())

    return run


def local_instant(day: dt.date, time: dt.time) -> dt.datetime:
    """A hall-local day and time as an aware instant."""
    return dt.datetime.combine(day, time, HALL_TZ)


def parse_time(text: str) -> dt.time:
    """``"09:30"`` → ``time`` (the service's parser)."""
    return parse_hhmm(text)
