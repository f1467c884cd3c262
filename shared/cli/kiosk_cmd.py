"""``hall kiosk set-pin|unlock-pin`` (issue #9): the kiosk's admin exit PIN.

The PIN is typed twice at a hidden prompt, or read from stdin with ``--pin-stdin`` (scripts);
it is never a command-line argument, so it stays out of shell history and process lists.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from shared.cli.context import CliContext, CliError
from shared.services import kiosk_pin

CLI_ACTOR = "cli"


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the commands to ``hall``."""
    kiosk = commands.add_parser("kiosk", help="the kiosks' admin exit PIN")
    common(kiosk)
    sub = kiosk.add_subparsers(dest="kiosk_command", metavar="ACTION", required=True)

    set_pin = sub.add_parser(
        "set-pin", help="set the admin PIN (hall-wide, for a site, or for one terminal)"
    )
    common(set_pin)
    _scope_options(set_pin, required=False)
    set_pin.add_argument("--pin-stdin", action="store_true", help="read the PIN from stdin")
    set_pin.set_defaults(handler=kiosk_set_pin)

    unlock = sub.add_parser("unlock-pin", help="clear a PIN pad locked after wrong PINs")
    common(unlock)
    _scope_options(unlock, required=True)
    unlock.set_defaults(handler=kiosk_unlock_pin)


def _scope_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument("--site", help="a site code (its kiosks share the PIN)")
    group.add_argument("--terminal", help="one terminal code (its own PIN wins)")


def read_pin(args: argparse.Namespace) -> str:
    """The PIN from stdin (``--pin-stdin``) or typed twice at a hidden prompt."""
    if args.pin_stdin:
        return sys.stdin.readline().strip()
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("New kiosk PIN (6-12 digits): ")
        if getpass.getpass("Repeat: ") != first:
            raise CliError("the PINs do not match")
        return first
    raise CliError("no PIN given: use --pin-stdin or run in a terminal")


def kiosk_set_pin(ctx: CliContext, args: argparse.Namespace) -> int:
    """Set the PIN."""
    pin = read_pin(args)
    with ctx.session_factory().begin() as session:
        scope = kiosk_pin.set_pin(
            session, site=args.site, terminal=args.terminal, pin=pin, actor=CLI_ACTOR
        )
    ctx.emit({"scope": scope, "pin_set": True}, f"kiosk PIN set for {scope}")
    return 0


def kiosk_unlock_pin(ctx: CliContext, args: argparse.Namespace) -> int:
    """Clear a pad's lock."""
    with ctx.session_factory().begin() as session:
        was_locked = kiosk_pin.unlock_pin(
            session, site=args.site, terminal=args.terminal, actor=CLI_ACTOR
        )
    scope = f"terminal {args.terminal}" if args.terminal else f"site {args.site}"
    ctx.emit(
        {"unlocked": was_locked},
        f"PIN pad of {scope} unlocked" if was_locked else f"PIN pad of {scope} was not locked",
    )
    return 0
