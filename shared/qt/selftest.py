"""``--selftest`` for both apps: prove a build can start, from source or frozen.

Run by the packaging script against every bundle (§11): resources resolve, the migrations
run, the PostgreSQL driver loads, a ticket renders with the embedded CJK font, catalog search
folds traditional characters and reads its shipped synonyms, and the real main window builds,
shows and paints offscreen. It prints one line per step and
``selftest <app>: OK`` (exit 0) or ``selftest <app>: FAILED at <step>: <error>`` (exit 1) —
never a traceback.

By default the database is a fresh SQLite file in a temporary folder, so a self-test never
touches a hall's data (``HALL_DATABASE_URL`` is ignored). Given an explicit URL
(``--selftest-db URL`` or ``db_url=``) it only connects and checks the schema is at the
shipped head; it does not migrate someone's database.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

# Qt and the domain modules are imported inside the steps, so that even a bundle missing a
# library reports "FAILED at <step>" rather than a traceback.
SelftestWindowBuilder = Callable[[sessionmaker[Session]], "QWidget"]
"""Builds the app's main window (a ``QWidget``) on the given session factory."""

DB_OPTION = "--selftest-db"


class SelftestFailed(Exception):
    """A step's check did not hold; the message says what was found."""


class _Reporter:
    def __init__(self, app_name: str) -> None:
        self.app_name = app_name
        self.step = "start"

    def say(self, text: str) -> None:
        print(f"selftest {self.app_name}: {text}", flush=True)

    @contextmanager
    def running(self, step: str) -> Iterator[list[str]]:
        """Run one step; the caller appends a detail to the yielded list for the OK line."""
        self.step = step
        detail: list[str] = []
        started = time.perf_counter()
        yield detail
        elapsed = (time.perf_counter() - started) * 1000
        extra = f" ({', '.join(detail)})" if detail else ""
        self.say(f"{step} ok{extra} [{elapsed:.0f} ms]")


def _option(argv: Sequence[str], name: str) -> str | None:
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _sample_ticket_pdf() -> bytes:
    from shared.rendering import TicketSlip, render_ticket_pdf

    slip = TicketSlip(
        hall_name="华容区政务服务中心",
        site_code="SELFTEST",
        number="A001",
        queue_name="综合受理",
        people_ahead=0,
        wait_minutes=(0, 5),
        issued_at=datetime.now(UTC),
        business_date=datetime.now(UTC).date(),
        matter_name="自检",
        materials=[{"name": "居民身份证", "original": 1, "copy": 1}],
        qr_payload="SELFTEST",
    )
    return render_ticket_pdf(slip)


def run_selftest(
    app_name: str,
    build_window: SelftestWindowBuilder,
    argv: Sequence[str] | None = None,
    db_url: str | None = None,
) -> int:
    """Check that this build of ``app_name`` works end to end; returns the exit code.

    Args:
        app_name: printed on every line (``kiosk``, ``reception``).
        build_window: makes the main window from a session factory, as the app does.
        argv: the command line (default ``sys.argv``); ``--selftest-db URL`` picks a database.
        db_url: an existing database to check instead of a temporary one (wins over argv).
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    args = list(sys.argv if argv is None else argv)
    db_url = db_url or _option(args, DB_OPTION)
    report = _Reporter(app_name)
    scratch: Path | None = None
    factory: sessionmaker[Session] | None = None
    try:
        with report.running("resources") as detail:
            from shared.paths import resource_path
            from shared.qt.theme import FONT_FILE

            font_path = resource_path(*FONT_FILE)
            detail.append(str(font_path.parent.parent))

        with report.running("database") as detail:
            from shared.db import (
                create_session_factory,
                current_revision,
                engine_of,
                head_revision,
                upgrade,
            )

            if db_url is None:
                scratch = Path(tempfile.mkdtemp(prefix="hall-selftest-"))
                factory = create_session_factory(f"sqlite:///{scratch / 'selftest.db'}")
                upgrade(engine_of(factory))
            else:
                factory = create_session_factory(db_url)
            current, head = current_revision(engine_of(factory)), head_revision()
            if current != head:
                raise SelftestFailed(f"database at revision {current}, this build needs {head}")
            detail.append(f"rev {head}")

        with report.running("postgres driver") as detail:
            # Halls with several PCs share one PostgreSQL server (§6): a bundle without
            # psycopg's compiled libpq would only fail there, so check it everywhere.
            import psycopg

            detail.append(f"psycopg {psycopg.__version__}, libpq {psycopg.pq.__impl__}")

        with report.running("ticket pdf") as detail:
            pdf = _sample_ticket_pdf()
            if not pdf.startswith(b"%PDF"):
                raise SelftestFailed("renderer did not produce a PDF")
            if b"/FontFile2" not in pdf:
                raise SelftestFailed("the CJK font is not embedded")
            detail.append(f"{len(pdf)} bytes")

        with report.running("catalog search") as detail:
            # OpenCC's dictionaries and the shipped synonyms are data files a bundle must carry.
            from shared.services.catalog_pinyin import fold
            from shared.services.catalog_terms import shipped_synonyms

            folded = fold("居民身份證")
            if folded != "居民身份证":
                raise SelftestFailed(f"traditional folding gave {folded!r}")
            synonyms = shipped_synonyms()
            if not synonyms:
                raise SelftestFailed("no shipped synonyms")
            detail.append(f"OpenCC t2s, {len(synonyms)} synonyms")

        with report.running("qt") as detail:
            from PySide6.QtWidgets import QApplication

            from shared.qt.theme import apply_theme, load_fonts

            app = QApplication.instance()
            if app is None:
                app = QApplication([args[0] if args else app_name])
            assert isinstance(app, QApplication)
            family = load_fonts(app)
            apply_theme(app)
            detail.append(f"{app.platformName()}, font {family}")

        with report.running("pictograms") as detail:
            # The tiles' SVG pictograms (issue #12): shipped files and Qt's SVG support.
            from shared.qt.icons import render_pictogram, shipped_pictograms

            names = shipped_pictograms()
            blank = [name for name in names if render_pictogram(name, 48, "#000000").isNull()]
            if not names or blank:
                raise SelftestFailed(f"pictograms not drawn: {blank or 'none shipped'}")
            detail.append(f"{len(names)} SVG")

        with report.running("window") as detail:
            from PySide6.QtCore import QCoreApplication, QEvent
            from PySide6.QtWidgets import QWidget

            window = build_window(factory)
            if not isinstance(window, QWidget):
                raise SelftestFailed(f"build_window returned {type(window).__name__}")
            try:
                window.show()
                app.processEvents()
                image = window.grab()
                if image.isNull():
                    raise SelftestFailed("the window painted nothing")
                detail.append(f"{type(window).__name__} {image.width()}x{image.height()}")
            finally:
                window.close()
                window.deleteLater()
                QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
                app.processEvents()
    except Exception as exc:  # every failure becomes one line, never a traceback
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        report.say(f"FAILED at {report.step}: {type(exc).__name__}: {message}".rstrip(": "))
        return 1
    finally:
        if factory is not None:
            engine_of(factory).dispose()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    report.say("OK")
    return 0
