"""Start the kiosk: ``python -m kiosk`` or ``hall-kiosk``.

Options: ``--db URL`` (else ``HALL_DATABASE_URL``, else the default file), ``--site CODE``
(default: the first site), ``--terminal CODE``, ``--windowed`` (development; otherwise a
frameless window covering the screen, since ``showFullScreen`` needs a window manager),
``--elder`` (start in 长辈模式) and ``--selftest`` (build everything offscreen and exit 0).

Start-up (spec §12): this module and everything it imports at the top stay clear of
SQLAlchemy, Alembic and the services, so the home screen shows as fast as a bare Qt window
allows; the worker thread opens the database afterwards (:mod:`kiosk.controller`).
``tests/kiosk/test_startup.py`` keeps it that way.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.controller import KioskController, KioskOptions
from kiosk.database import OpenDatabase
from kiosk.keyboard import prepare_environment
from kiosk.window import KioskWindow
from shared.logs import configure_logging
from shared.qt.theme import load_fonts

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from shared.qt.announcer import Announcer

WINDOWED_SIZE = (1280, 900)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="hall-kiosk", description="ServiceHall 自助服务终端")
    parser.add_argument("--db", metavar="URL", help="database URL (else HALL_DATABASE_URL)")
    parser.add_argument("--site", metavar="CODE", help="site code (default: the first site)")
    parser.add_argument("--terminal", metavar="CODE", default="kiosk-01", help="terminal code")
    parser.add_argument("--windowed", action="store_true", help="a normal window (development)")
    parser.add_argument("--elder", action="store_true", help="start in 长辈模式")
    parser.add_argument(
        "--speech",
        choices=("auto", "qt", "espeak", "off"),
        default="auto",
        help="voice guidance engine (auto: QtTextToSpeech, else espeak-ng, else silent)",
    )
    parser.add_argument("--selftest", action="store_true", help="check the build and exit")
    return parser.parse_args(argv)


def build_controller(
    factory: sessionmaker[Session] | OpenDatabase,
    options: KioskOptions | None = None,
    announcer: Announcer | None = None,
) -> KioskController:
    """The kiosk window and its controller (not started); ``factory`` may be opened later;
    ``announcer`` speaks voice guidance (silent when ``None``)."""
    options = options or KioskOptions()
    window = KioskWindow(long_press_ms=options.long_press_ms)
    return KioskController(window, factory, options, announcer=announcer)


def build_window(session_factory: sessionmaker[Session]) -> QWidget:
    """The kiosk's main window for ``--selftest`` (every screen built, not started)."""
    controller = build_controller(session_factory)
    controller.build_screens()
    controller.window.keyboard.check()  # Qt Quick, the keyboard's QML and Pinyin shipped
    return controller.window


def _selftest() -> int:
    try:
        from shared.qt.selftest import run_selftest  # written alongside; may not exist yet
    except ImportError:
        print("selftest unavailable: shared.qt.selftest is missing", file=sys.stderr)
        return 1
    return int(run_selftest("kiosk", build_window) or 0)


def _show(window: QWidget, app: QApplication, windowed: bool) -> None:
    if windowed:
        window.resize(*WINDOWED_SIZE)
        window.show()
        return
    # showFullScreen() does nothing without a window manager; cover the screen instead.
    window.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
    window.setGeometry(app.primaryScreen().geometry())
    window.show()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the kiosk until the admin exit."""
    args = parse_args(argv)
    configure_logging("kiosk")
    prepare_environment()  # before any QApplication: Qt picks its input method at start-up
    if args.selftest:
        return _selftest()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("ServiceHall Kiosk")
    load_fonts(app)
    options = KioskOptions(site_code=args.site, terminal=args.terminal, elder=args.elder)
    from shared.qt.announcer import Announcer, start_speech

    # The database is opened by the worker once the home screen shows; the speech engine is
    # found then too (it takes a tenth of a second): nothing is spoken before a visitor acts.
    announcer = Announcer()
    controller = build_controller(OpenDatabase(args.db), options, announcer)
    controller.home_shown.connect(lambda: start_speech(announcer, args.speech))

    def on_database_unusable(reason: str) -> None:
        # A bad URL: say so in one line, never a traceback.
        print(f"hall-kiosk: cannot use database URL: {reason}", file=sys.stderr)
        app.exit(2)

    controller.database_unusable.connect(on_database_unusable)
    controller.exit_requested.connect(app.quit)
    app.aboutToQuit.connect(controller.shutdown)
    _show(controller.window, app, args.windowed)
    controller.start()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
