"""The ``hall`` admin CLI.

Each command group lives in its own module with a ``register(subparsers)`` function; this
module builds the parser, runs the command and turns every failure into one clear line on
stderr and a non-zero exit, never a traceback (set ``HALL_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from shared.cli import (
    calendar_cmd,
    catalog_cmd,
    changes_cmd,
    db_cmd,
    demo_cmd,
    kiosk_cmd,
    org_cmd,
    priority_cmd,
    settings_cmd,
    terminal_cmd,
    ticket_cmd,
    tour_cmd,
    user_cmd,
    window_cmd,
)
from shared.cli.context import CliContext, CliError
from shared.errors import HallError

COMMAND_MODULES = [
    db_cmd,
    demo_cmd,
    user_cmd,
    changes_cmd,
    ticket_cmd,
    priority_cmd,
    catalog_cmd,
    org_cmd,
    settings_cmd,
    calendar_cmd,
    tour_cmd,
    window_cmd,
    terminal_cmd,
    kiosk_cmd,
]


def _common(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # On the top parser these set the default; on a subcommand they override it.
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        metavar="URL",
        default=default,
        help="database URL (else HALL_DATABASE_URL, else the default SQLite file)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="print JSON",
    )


def build_parser() -> argparse.ArgumentParser:
    """The full ``hall`` parser."""
    parser = argparse.ArgumentParser(prog="hall", description="ServiceHall admin tool.")
    _common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in COMMAND_MODULES:
        module.register(commands, lambda p: _common(p, top=False))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hall``; returns the exit code (also used as the console script)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = CliContext(url=args.db, json=args.json)
    try:
        code = args.handler(ctx, args)
        return int(code or 0)
    except (HallError, CliError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OperationalError as exc:
        _debug()
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        print(f"error: database unavailable: {first}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        _debug()
        print(f"error: database error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        _debug()
        print(f"error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        ctx.close()


def _debug() -> None:
    if os.environ.get("HALL_DEBUG"):
        import traceback

        traceback.print_exc()


if __name__ == "__main__":
    sys.exit(main())
