"""Terminals and their printers (issue #9): register, move, point at a printer, test-print.

A terminal is a kiosk, a desk console, a display board or a rating pad, with where it stands
and how it prints. Printer settings go through
:func:`shared.printing.config.validate_printer_config` on every write, so a typo or ``"false"``
as text never reaches the table.

A test print happens in three steps, because a printer can take seconds to answer and the
database must not wait for it: :func:`prepare_test_print` reads the settings in one
transaction, :func:`run_test_print` renders the 打印测试 slip and sends it with no session at
all, and :func:`record_print_result` stores the outcome on the terminal (``last_print_*``),
audits it and publishes it in the change feed (kind ``terminal``) in another. :func:`test_print`
does all three with a session factory (the CLI; the console runs the steps on its worker).

Every write is audited with who did it: ``actor`` names them, and ``actor_id`` (the staff
member's id, passed by the console's 管理 pages; issue #9) ties the entry to the account.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import record_change
from shared.clock import utcnow
from shared.errors import Conflict, NotFound, ValidationError
from shared.models import TERMINAL_KINDS, Site, Terminal
from shared.printing.base import PrintError, describe
from shared.printing.config import (
    SystemPrinterFactory,
    describe_config,
    printer_from_config,
    validate_printer_config,
)
from shared.rendering.printer_test_slip import PrinterTestSlip, printer_test_layout
from shared.services.audit import audit
from shared.services.settings import site_by_code

log = logging.getLogger(__name__)

PRINTED = "printed"
FAILED = "failed"
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}")
MAX_LOCATION = 100
MAX_DETAIL = 200


@dataclass(frozen=True)
class TerminalInfo:
    """A terminal as screens and the CLI see it (plain data; no PIN hash).

    Attributes:
        printer: the stored printer settings (``{}`` or ``{"kind": "none"}`` for none).
        printer_summary: one line describing the printer (``invalid: …`` for a bad old row).
        last_print_result: ``printed``, ``failed`` or ``""`` (never tested).
        pin_set: the terminal has its own kiosk PIN.
    """

    id: uuid.UUID
    code: str
    kind: str
    site_code: str
    location: str
    active: bool
    printer: dict[str, Any]
    printer_summary: str
    last_print_at: datetime | None
    last_print_result: str
    last_print_detail: str
    pin_set: bool

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the CLI's ``--json``)."""
        return {
            "id": str(self.id),
            "code": self.code,
            "kind": self.kind,
            "site": self.site_code,
            "location": self.location,
            "active": self.active,
            "printer": self.printer,
            "printer_summary": self.printer_summary,
            "last_print_at": self.last_print_at.isoformat() if self.last_print_at else None,
            "last_print_result": self.last_print_result or None,
            "last_print_detail": self.last_print_detail or None,
            "pin_set": self.pin_set,
        }


@dataclass(frozen=True)
class TestPrintJob:
    """What a test print needs, read in one transaction and used outside any.

    Attributes:
        terminal_code: the terminal.
        config: its validated printer settings.
        slip: the 打印测试 slip to print.
    """

    __test__ = False  # not a pytest test class, despite the name

    terminal_code: str
    config: dict[str, Any]
    slip: PrinterTestSlip


@dataclass(frozen=True)
class TestPrintOutcome:
    """How a test print went.

    Attributes:
        printed: the printer took the slip (and, with status checking, answered "paper OK").
        detail: English detail: the printer's description, or why it failed.
        message_zh: what to tell the person who pressed 测试打印.
    """

    __test__ = False

    terminal_code: str
    printed: bool
    detail: str
    message_zh: str


def _info(terminal: Terminal, site_code: str) -> TerminalInfo:
    printer = dict(terminal.printer or {})
    return TerminalInfo(
        id=terminal.id,
        code=terminal.code,
        kind=terminal.kind,
        site_code=site_code,
        location=terminal.location,
        active=terminal.active,
        printer=printer,
        printer_summary=describe_config(printer),
        last_print_at=terminal.last_print_at,
        last_print_result=terminal.last_print_result,
        last_print_detail=terminal.last_print_detail,
        pin_set=bool(terminal.pin_hash),
    )


def _get(session: Session, code: str) -> tuple[Terminal, Site]:
    row = session.execute(
        select(Terminal, Site).join(Site, Site.id == Terminal.site_id).where(Terminal.code == code)
    ).first()
    if row is None:
        raise NotFound(f"no such terminal: {code}", "找不到该终端。")
    return row[0], row[1]


def _check_kind(kind: str) -> str:
    if kind not in TERMINAL_KINDS:
        raise ValidationError(
            f"unknown terminal kind {kind!r} (one of {', '.join(TERMINAL_KINDS)})",
            "终端类型不正确。",
        )
    return kind


def _check_location(location: str) -> str:
    location = location.strip()
    if len(location) > MAX_LOCATION:
        raise ValidationError(
            f"location is at most {MAX_LOCATION} characters", f"位置最多 {MAX_LOCATION} 个字。"
        )
    return location


def get_terminal(session: Session, code: str) -> TerminalInfo:
    """The terminal ``code``, or :class:`NotFound`."""
    terminal, site = _get(session, code)
    return _info(terminal, site.code)


def list_terminals(session: Session, site: str | None = None) -> list[TerminalInfo]:
    """Every terminal (of one site when ``site`` is given), by site then code."""
    query = select(Terminal, Site).join(Site, Site.id == Terminal.site_id)
    if site is not None:
        query = query.where(Site.id == site_by_code(session, site).id)
    rows = session.execute(query.order_by(Site.sort_order, Site.code, Terminal.code)).all()
    return [_info(terminal, site_row.code) for terminal, site_row in rows]


def add_terminal(
    session: Session,
    *,
    site: str,
    code: str,
    kind: str,
    location: str = "",
    printer: dict[str, Any] | None = None,
    actor: str = "system",
    actor_id: uuid.UUID | None = None,
) -> TerminalInfo:
    """Register a terminal at a site (with no printer unless ``printer`` is given).

    Raises:
        NotFound: no such site.
        ValidationError: a bad code, kind, location or printer setting.
        Conflict: the code is taken.
    """
    code = code.strip()
    if not CODE_PATTERN.fullmatch(code):
        raise ValidationError(
            f"terminal code {code!r}: 1-40 letters, digits, '-', '_' or '.'",
            "终端编号只能用字母、数字、-、_ 和 .，最多 40 个字符。",
        )
    the_site = site_by_code(session, site)
    if session.scalar(select(Terminal.id).where(Terminal.code == code)) is not None:
        raise Conflict(f"terminal {code} already exists", "该终端编号已存在。")
    terminal = Terminal(
        id=uuid.uuid4(),
        site_id=the_site.id,
        code=code,
        kind=_check_kind(kind),
        location=_check_location(location),
        printer=validate_printer_config(printer) if printer else {},
    )
    session.add(terminal)
    session.flush()
    audit(
        session,
        "terminal.added",
        actor=actor,
        actor_id=actor_id,
        entity_kind="terminal",
        entity_id=terminal.id,
        site_id=the_site.id,
        detail={"code": code, "kind": kind},
    )
    record_change(session, "terminal", terminal.id, "created", site_id=the_site.id)
    return _info(terminal, the_site.code)


def update_terminal(
    session: Session,
    code: str,
    *,
    location: str | None = None,
    kind: str | None = None,
    active: bool | None = None,
    actor: str = "system",
    actor_id: uuid.UUID | None = None,
) -> TerminalInfo:
    """Change where a terminal stands, what it is, or whether it is in use.

    Raises:
        NotFound: no such terminal.
        ValidationError: a bad kind or location.
    """
    terminal, site = _get(session, code)
    changed: dict[str, Any] = {}
    if location is not None and _check_location(location) != terminal.location:
        terminal.location = changed["location"] = _check_location(location)
    if kind is not None and _check_kind(kind) != terminal.kind:
        terminal.kind = changed["kind"] = kind
    if active is not None and active != terminal.active:
        terminal.active = changed["active"] = active
    if changed:
        audit(
            session,
            "terminal.updated",
            actor=actor,
            actor_id=actor_id,
            entity_kind="terminal",
            entity_id=terminal.id,
            site_id=site.id,
            detail={"code": code, **changed},
        )
        record_change(session, "terminal", terminal.id, site_id=site.id)
    return _info(terminal, site.code)


def set_printer(
    session: Session,
    code: str,
    config: dict[str, Any] | None,
    *,
    actor: str = "system",
    actor_id: uuid.UUID | None = None,
) -> TerminalInfo:
    """Point a terminal at a printer; the settings are validated and stored normalised.

    Raises:
        NotFound: no such terminal.
        ValidationError: settings :func:`validate_printer_config` refuses (nothing written).
    """
    checked = validate_printer_config(config)
    terminal, site = _get(session, code)
    terminal.printer = checked
    audit(
        session,
        "terminal.printer_set",
        actor=actor,
        actor_id=actor_id,
        entity_kind="terminal",
        entity_id=terminal.id,
        site_id=site.id,
        detail={"code": code, "printer": describe_config(checked)},
    )
    record_change(session, "terminal", terminal.id, site_id=site.id)
    return _info(terminal, site.code)


def prepare_test_print(session: Session, code: str, now: datetime | None = None) -> TestPrintJob:
    """Step 1: the terminal's printer settings and its test slip (read-only).

    Raises:
        NotFound: no such terminal.
        ValidationError: its stored settings are invalid (set them again).
        Conflict: it has no printer.
    """
    terminal, site = _get(session, code)
    config = validate_printer_config(terminal.printer or None)
    if config["kind"] == "none":
        raise Conflict(
            f"terminal {code} has no printer: set one with 'hall terminal set-printer'",
            "该终端未设置打印机。",
        )
    slip = PrinterTestSlip(
        hall_name=site.name,
        site_code=site.code,
        terminal_code=terminal.code,
        location=terminal.location,
        printer=describe_config(config),
        printed_at=now or utcnow(),
    )
    return TestPrintJob(terminal.code, config, slip)


def run_test_print(
    job: TestPrintJob, *, system: SystemPrinterFactory | None = None
) -> TestPrintOutcome:
    """Step 2, outside any transaction: render the 打印测试 slip and send it; may block.

    Args:
        job: from :func:`prepare_test_print`.
        system: builds a system-queue printer (the Qt side passes it; the CLI cannot).

    Raises:
        Conflict: a ``system`` printer without ``system`` (nothing was tried, nothing to record).
    """
    if job.config["kind"] == "system" and system is None:
        raise Conflict(
            "the system print queue can only be tested from the console (管理 → 终端与打印机)",
            "系统打印机请在管理台测试。",
        )
    printer = printer_from_config(job.config, system=system)
    if printer is None:  # pragma: no cover - prepare_test_print refuses "none"
        raise Conflict(f"terminal {job.terminal_code} has no printer")
    method = getattr(printer, "print_receipt", None)
    try:
        if not callable(method):
            raise PrintError(f"{describe(printer)} cannot print a test slip")
        method(printer_test_layout(job.slip), job.slip.file_name)
    except PrintError as exc:
        log.info("test print on %s failed: %s", job.terminal_code, exc)
        return TestPrintOutcome(job.terminal_code, False, str(exc)[:MAX_DETAIL], exc.message_zh)
    except Exception as exc:  # a driver bug is a failed print, not a crash
        detail = f"unexpected {type(exc).__name__}: {exc}"[:MAX_DETAIL]
        log.info("test print on %s crashed: %s", job.terminal_code, detail)
        return TestPrintOutcome(job.terminal_code, False, detail, "打印失败，请检查打印机。")
    return TestPrintOutcome(
        job.terminal_code, True, describe(printer)[:MAX_DETAIL], "测试页已打印，请查看打印机。"
    )


def record_print_result(
    session: Session,
    code: str,
    *,
    printed: bool,
    detail: str = "",
    actor: str = "system",
    actor_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> TerminalInfo:
    """Step 3: store a print outcome on the terminal, audit it and publish it.

    Raises:
        NotFound: no such terminal (it was removed while printing).
    """
    now = now or utcnow()
    terminal, site = _get(session, code)
    terminal.last_print_at = now
    terminal.last_print_result = PRINTED if printed else FAILED
    terminal.last_print_detail = detail[:MAX_DETAIL]
    audit(
        session,
        "terminal.test_print",
        actor=actor,
        actor_id=actor_id,
        entity_kind="terminal",
        entity_id=terminal.id,
        site_id=site.id,
        detail={"code": code, "result": terminal.last_print_result, "detail": detail[:MAX_DETAIL]},
        now=now,
    )
    record_change(session, "terminal", terminal.id, site_id=site.id, now=now)
    return _info(terminal, site.code)


def test_print(
    factory: sessionmaker[Session],
    code: str,
    *,
    actor: str = "system",
    actor_id: uuid.UUID | None = None,
    now: datetime | None = None,
    system: SystemPrinterFactory | None = None,
) -> tuple[TestPrintOutcome, TerminalInfo]:
    """Prepare, print and record a test print, never holding a transaction while printing.

    Returns:
        The outcome, and the terminal as recorded.
    """
    with factory.begin() as session:
        job = prepare_test_print(session, code, now)
    outcome = run_test_print(job, system=system)
    with factory.begin() as session:
        info = record_print_result(
            session,
            code,
            printed=outcome.printed,
            detail=outcome.detail,
            actor=actor,
            actor_id=actor_id,
            now=now,
        )
    return outcome, info


test_print.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
