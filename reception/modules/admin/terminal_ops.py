"""Background operations of the 终端与打印机 and 自助机密码 pages (issue #9).

Each builder returns a callable for the console's :class:`TaskRunner`; they call
:mod:`shared.services.terminals` and :mod:`shared.services.kiosk_pin` only, passing the
signed-in staff member (name and id) as the audited actor. A test print runs in three steps so
the database is never held while a printer answers: read the job (:func:`prepare_test_print_op`),
print with no session (:func:`run_test_print_op`, which can reach the system print queue
because this is the Qt side), record the outcome (:func:`record_test_print_op`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from shared.qt.printing import SystemPrinter
from shared.services.org import SiteInfo, list_sites
from shared.services.staff import StaffInfo
from shared.services.terminals import (
    TerminalInfo,
    TestPrintJob,
    TestPrintOutcome,
    add_terminal,
    list_terminals,
    prepare_test_print,
    record_print_result,
    run_test_print,
    set_printer,
    update_terminal,
)

Op = Callable[[Session], Any]


@dataclass(frozen=True)
class TerminalListing:
    """Every terminal and every site (for the site chooser and names)."""

    terminals: list[TerminalInfo]
    sites: list[SiteInfo]


@dataclass(frozen=True)
class TerminalForm:
    """What the terminal dialog collected (``site`` is fixed once the terminal exists)."""

    code: str
    kind: str
    site: str
    location: str


def _actor(acting: StaffInfo) -> dict[str, Any]:
    """Who is audited: the signed-in staff member's name and id (issue #9)."""
    return {"actor": acting.username, "actor_id": acting.id}


def load_terminals(session: Session) -> TerminalListing:
    """Every terminal, active or not, and the sites."""
    return TerminalListing(list_terminals(session), list_sites(session))


def add_terminal_op(acting: StaffInfo, form: TerminalForm) -> Op:
    """Register a terminal (no printer yet)."""

    def run(session: Session) -> TerminalInfo:
        return add_terminal(
            session,
            site=form.site,
            code=form.code,
            kind=form.kind,
            location=form.location,
            **_actor(acting),
        )

    return run


def update_terminal_op(acting: StaffInfo, form: TerminalForm) -> Op:
    """Change a terminal's kind and location."""

    def run(session: Session) -> TerminalInfo:
        return update_terminal(
            session, form.code, kind=form.kind, location=form.location, **_actor(acting)
        )

    return run


def set_terminal_active_op(acting: StaffInfo, code: str, active: bool) -> Op:
    """停用 or 启用 a terminal (never a delete)."""

    def run(session: Session) -> TerminalInfo:
        return update_terminal(session, code, active=active, **_actor(acting))

    return run


def set_printer_op(acting: StaffInfo, code: str, config: Mapping[str, Any]) -> Op:
    """Store a terminal's printer; the service validates it (nothing written if refused)."""

    def run(session: Session) -> TerminalInfo:
        return set_printer(session, code, dict(config), **_actor(acting))

    return run


def prepare_test_print_op(code: str) -> Op:
    """Step 1 (read-only): the terminal's printer settings and its test slip."""

    def run(session: Session) -> TestPrintJob:
        return prepare_test_print(session, code)

    return run


def system_printer(config: Mapping[str, Any]) -> SystemPrinter:
    """A printer of the system queue named in ``config`` (the default one when unnamed)."""
    name = config.get("name")
    return SystemPrinter(str(name) if name else None)


def run_test_print_op(job: TestPrintJob) -> Callable[[], TestPrintOutcome]:
    """Step 2 (no session; may block for the printer's timeout): print the test slip."""

    def run() -> TestPrintOutcome:
        return run_test_print(job, system=system_printer)

    return run


def record_test_print_op(acting: StaffInfo, outcome: TestPrintOutcome) -> Op:
    """Step 3: store the outcome on the terminal (its 最近打印 column), audited."""

    def run(session: Session) -> TerminalInfo:
        return record_print_result(
            session,
            outcome.terminal_code,
            printed=outcome.printed,
            detail=outcome.detail,
            **_actor(acting),
        )

    return run
