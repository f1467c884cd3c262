"""``python -m reception`` / ``hall-reception``: start the reception console.

Options: ``--db URL`` (else ``HALL_DATABASE_URL``, else the default SQLite file), ``--site
CODE`` (the terminal's site), ``--terminal CODE`` (this console's terminal, whose printer the
取号台 uses; default ``desk-01``), ``--board`` (open only the 叫号屏 display board, full
screen, without a login: it only reads; ``--windowed`` keeps it in a window, ``--speech
auto|qt|espeak|off`` chooses the voice), ``--selftest`` (build the main window offscreen and
exit 0; ``--selftest-db URL`` checks an existing database instead of a temporary one).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from reception.app import build_window, create_application, install_excepthook
from reception.modules import DEFAULT_TERMINAL, builtin_registry
from reception.shell import ReceptionShell
from shared.db import create_read_session_factory, create_session_factory, engine_of, resolve_url
from shared.logs import configure_logging

SPEECH_MODES = ("auto", "qt", "espeak", "off")

log = logging.getLogger("reception")

__all__ = ["build_window", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``hall-reception``."""
    parser = argparse.ArgumentParser(
        prog="hall-reception", description="ServiceHall reception console."
    )
    parser.add_argument("--db", metavar="URL", help="database URL (default: HALL_DATABASE_URL)")
    parser.add_argument("--site", metavar="CODE", help="this terminal's site code")
    parser.add_argument(
        "--terminal",
        metavar="CODE",
        default=DEFAULT_TERMINAL,
        help=f"this console's terminal code, for its printer (default: {DEFAULT_TERMINAL})",
    )
    parser.add_argument(
        "--board", action="store_true", help="open the hall display board (叫号屏) only"
    )
    parser.add_argument(
        "--windowed", action="store_true", help="with --board: a window, not full screen"
    )
    parser.add_argument(
        "--speech",
        choices=SPEECH_MODES,
        default="auto",
        help="with --board: announcement voice (default: auto)",
    )
    parser.add_argument(
        "--selftest", action="store_true", help="build the window offscreen and exit"
    )
    parser.add_argument(
        "--selftest-db", metavar="URL", help="with --selftest: check this database instead"
    )
    return parser


def _selftest(db_url: str | None) -> int:
    from shared.qt.selftest import run_selftest

    return int(run_selftest("reception", build_window, argv=[], db_url=db_url))


def run_board(db: str | None, site: str | None, speech: str, windowed: bool) -> int:
    """Run the display board on its own: read-only, no login, full screen unless windowed."""
    from reception.board import BoardWindow
    from shared.qt.announcer import create_announcer
    from shared.qt.feed import ChangeFeedWatcher
    from shared.qt.tasks import TaskRunner

    app = create_application(sys.argv[:1])
    factory = create_session_factory(resolve_url(db))
    read_factory = create_read_session_factory(factory)
    runner = TaskRunner(None, read_factory)  # no write factory: the board cannot write
    watcher = ChangeFeedWatcher(read_factory)
    announcer = create_announcer(mode=speech)
    board = BoardWindow(runner, watcher, site, announcer)
    announcer.setParent(board)
    if windowed:
        board.resize(1920, 1080)
        board.show()
    else:
        board.show_on_screen()
    watcher.start()
    try:
        return int(app.exec())
    finally:
        watcher.stop()
        runner.shutdown()
        engine_of(factory).dispose()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the console; returns the exit code."""
    args = build_parser().parse_args(argv)
    configure_logging("reception", logging.WARNING)
    install_excepthook()
    if args.selftest:
        # A fresh temporary database unless one is named: a self-test never migrates a hall's.
        return _selftest(args.selftest_db)
    if args.board:
        return run_board(args.db, args.site, args.speech, args.windowed)
    app = create_application(sys.argv[:1])
    factory = create_session_factory(resolve_url(args.db))
    shell = ReceptionShell(
        factory, registry=builtin_registry(terminal=args.terminal), site_code=args.site
    )
    shell.resize(1366, 860)
    shell.show()
    shell.start()
    try:
        return int(app.exec())
    finally:
        shell.shutdown()
        engine_of(factory).dispose()


if __name__ == "__main__":
    sys.exit(main())
