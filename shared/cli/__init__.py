"""The ``hall`` admin CLI.

Each command group lives in its own module with a ``register(subparsers)`` function, listed
in :data:`COMMANDS`; this module imports only the module of the command given, builds the
parser, runs the command and turns every failure into one clear line on stderr and a non-zero
exit, never a traceback (set ``HALL_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from shared.cli.context import CliContext, CliError
from shared.errors import HallError

#: Every command, in help order, and the module (``shared.cli.<name>``) that registers it.
#: A run imports only the module of the command it was given: the modules import their
#: services, renderers and workbooks (openpyxl, reportlab, python-escpos), which one command
#: does not need (issue #10). ``hall --help`` and a mistyped command import them all.
COMMANDS: dict[str, str] = {
    "init-db": "db_cmd",
    "doctor": "db_cmd",
    "seed-demo": "demo_cmd",
    "user": "user_cmd",
    "changes": "changes_cmd",
    "ticket": "ticket_cmd",
    "queue": "ticket_cmd",
    "priority": "priority_cmd",
    "privacy": "priority_cmd",
    "rating": "rating_cmd",
    "catalog": "catalog_alias_cmd",  # catalog_cmd's actions, then `catalog aliases`
    "org": "org_cmd",
    "settings": "settings_cmd",
    "calendar": "calendar_cmd",
    "tour": "tour_cmd",
    "window": "window_cmd",
    "terminal": "terminal_cmd",
    "kiosk": "kiosk_cmd",
}


def command_modules(command: str | None = None) -> list[ModuleType]:
    """The modules registering ``command`` (all of them for ``None`` or an unknown name)."""
    names = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    return [importlib.import_module(f"shared.cli.{name}") for name in names]


def _command_of(argv: Sequence[str]) -> str | None:
    # The command word, found as the full parser would: past the top-level options.
    pre = argparse.ArgumentParser(add_help=False, exit_on_error=False)
    _common(pre, top=True)
    pre.add_argument("command", nargs="?")
    try:
        known, _rest = pre.parse_known_args(argv)
    except argparse.ArgumentError:
        return None  # the full parser reports it
    return known.command if isinstance(known.command, str) else None


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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The ``hall`` parser: with ``command``, only that command's module is registered."""
    parser = argparse.ArgumentParser(prog="hall", description="ServiceHall admin tool.")
    _common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in command_modules(command):
        module.register(commands, lambda p: _common(p, top=False))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``hall``; returns the exit code (also used as the console script)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_of(argv))
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
