"""A kiosk for the AT-SPI walk (tests/kiosk/test_atspi_walk.py): the real window and
controller on a database file, on the xcb platform (the offscreen one never registers on the
accessibility bus), with the hall's clock fixed at an open hour.

Usage: python -m tests.support.atspi_kiosk URL [--elder] [--size 1080x1920]
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from PySide6.QtWidgets import QApplication

from kiosk.controller import KioskController, KioskOptions
from kiosk.keyboard import prepare_environment
from kiosk.window import KioskWindow
from shared.db import create_session_factory
from shared.qt.theme import load_fonts

# Wednesday 26 November 2025, 10:05 in the hall: the morning session is open.
OPEN_INSTANT = datetime(2025, 11, 26, 2, 5, tzinfo=UTC)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--elder", action="store_true")
    parser.add_argument("--size", default="1920x1080")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    prepare_environment()  # as the real kiosk: the on-screen keyboard is its input method
    app = QApplication(sys.argv[:1])
    app.setApplicationName("hall-kiosk-walk")
    load_fonts(app)
    window = KioskWindow()
    # The walk takes its time: the idle return must not fire in the middle of it.
    options = KioskOptions(elder=args.elder, idle_ms=600_000)
    controller = KioskController(
        window, create_session_factory(args.url), options, clock=lambda: OPEN_INSTANT
    )
    window.resize(width, height)
    window.show()
    window.activateWindow()  # a kiosk's window is the active one (no window manager here)
    controller.start()
    print("kiosk ready", flush=True)
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(main())
