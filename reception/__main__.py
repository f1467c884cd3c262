"""``python -m reception`` / ``hall-reception``: start the reception console.

Options: ``--db URL`` (else ``HALL_DATABASE_URL``, else the default SQLite file), ``--site
CODE`` (the terminal's site), ``--selftest`` (build the main window offscreen and exit 0;
``--selftest-db URL`` checks an existing database instead of a temporary one).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from reception.app import build_window, create_application, install_excepthook
from reception.shell import ReceptionShell
from shared.db import create_session_factory, engine_of, resolve_url

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
        "--selftest", action="store_true", help="build the window offscreen and exit"
    )
    parser.add_argument(
        "--selftest-db", metavar="URL", help="with --selftest: check this database instead"
    )
    return parser


def _selftest(db_url: str | None) -> int:
    from shared.qt.selftest import run_selftest

    return int(run_selftest("reception", build_window, argv=[], db_url=db_url))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the console; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    install_excepthook()
    if args.selftest:
        # A fresh temporary database unless one is named: a self-test never migrates a hall's.
        return _selftest(args.selftest_db)
    app = create_application(sys.argv[:1])
    factory = create_session_factory(resolve_url(args.db))
    shell = ReceptionShell(factory, site_code=args.site)
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
