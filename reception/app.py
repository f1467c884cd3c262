"""Building the console application: Qt set-up, the window, and the self-test hook."""

from __future__ import annotations

import logging
import sys
import uuid
from types import TracebackType

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy.orm import Session, sessionmaker

from reception.shell import ReceptionShell
from shared.qt.theme import apply_theme, load_fonts
from shared.services.staff import StaffInfo

log = logging.getLogger(__name__)

APP_NAME = "hall-reception"

#: Who the self-test's window is "signed in" as: no database login, every module visible.
SELFTEST_STAFF = StaffInfo(
    id=uuid.UUID(int=0),
    username="selftest",
    display_name="自检管理员",
    roles=("admin",),
    site_code=None,
    disabled=False,
    locked_until=None,
)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused if one exists) with the hall's fonts, theme and Chinese Qt."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or [APP_NAME])
    app.setApplicationName(APP_NAME)
    load_fonts(app)
    apply_theme(app)
    translator = QTranslator(app)
    qt_translations = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    # Qt's own dialog buttons (OK/Cancel) in Chinese; missing files are harmless.
    if translator.load(
        QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", qt_translations
    ):
        app.installTranslator(translator)
    return app


def build_window(session_factory: sessionmaker[Session]) -> QWidget:
    """The console's main window signed in as a synthetic administrator (for ``--selftest``).

    The database must already be migrated; nothing is written.
    """
    shell = ReceptionShell(session_factory)
    shell.start(migrate=False)
    shell.enter_console(SELFTEST_STAFF)
    return shell


def install_excepthook() -> None:
    """Log an unexpected error by type only (its text may hold personal data); never show a
    traceback to staff."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.error("unexpected error: %s", exc_type.__name__)

    sys.excepthook = hook
