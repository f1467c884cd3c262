"""``hall terminal list|add|set|set-printer|test-print`` (issue #9).

Printers are set with flags, never hand-written JSON; the flags are turned into the printer
settings and validated by the same :func:`shared.printing.validate_printer_config` as every
other path, so a typo or ``"false"`` as text cannot get in.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from shared.cli.context import CliContext, CliError
from shared.clock import to_local
from shared.models import TERMINAL_KINDS
from shared.printing import KINDS
from shared.services import terminals as terminal_service
from shared.services.terminals import TerminalInfo

CLI_ACTOR = "cli"

# Which flags each printer kind takes (argparse dest names); anything else is refused.
_KIND_FLAGS: dict[str, tuple[str, ...]] = {
    "escpos-network": ("host", "port", "timeout", "check_status", "native_qr", "width_dots"),
    "escpos-usb": ("vendor", "product", "timeout", "check_status", "native_qr", "width_dots"),
    "escpos-serial": ("device", "baud", "timeout", "check_status", "native_qr", "width_dots"),
    "pdf-folder": ("path",),
    "system": ("name",),
    "none": (),
}
_FLAG_NAMES = {
    "host": "--host",
    "port": "--port",
    "timeout": "--timeout",
    "check_status": "--no-check-status",
    "native_qr": "--no-native-qr",
    "width_dots": "--width-dots",
    "vendor": "--vendor",
    "product": "--product",
    "device": "--device",
    "baud": "--baud",
    "path": "--path",
    "name": "--name",
}


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the commands to ``hall``."""
    terminal = commands.add_parser("terminal", help="kiosks, consoles, boards and their printers")
    common(terminal)
    sub = terminal.add_subparsers(dest="terminal_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="list terminals with their printer and last test print")
    common(listing)
    listing.add_argument("--site", help="only this site's terminals")
    listing.set_defaults(handler=terminal_list)

    add = sub.add_parser("add", help="register a terminal")
    common(add)
    add.add_argument("code", help="terminal code, e.g. kiosk-03")
    add.add_argument("--site", required=True, help="site code")
    add.add_argument("--kind", required=True, choices=TERMINAL_KINDS)
    add.add_argument("--location", default="", help="where it stands, e.g. 一楼大厅入口")
    add.set_defaults(handler=terminal_add)

    change = sub.add_parser("set", help="change a terminal's location, kind or use")
    common(change)
    change.add_argument("code")
    change.add_argument("--location")
    change.add_argument("--kind", choices=TERMINAL_KINDS)
    use = change.add_mutually_exclusive_group()
    use.add_argument("--active", dest="active", action="store_const", const=True)
    use.add_argument("--inactive", dest="active", action="store_const", const=False)
    change.set_defaults(handler=terminal_set, active=None)

    printer = sub.add_parser("set-printer", help="point a terminal at a printer")
    common(printer)
    printer.add_argument("code")
    printer.add_argument("--kind", required=True, choices=KINDS, help="printer kind")
    printer.add_argument("--host", help="escpos-network: address")
    printer.add_argument("--port", type=int, help="escpos-network: port (default 9100)")
    printer.add_argument("--vendor", help="escpos-usb: vendor id, e.g. 0x0416")
    printer.add_argument("--product", help="escpos-usb: product id, e.g. 0x5011")
    printer.add_argument("--device", help="escpos-serial: e.g. /dev/ttyUSB0 or COM3")
    printer.add_argument("--baud", type=int, help="escpos-serial: baud rate (default 9600)")
    printer.add_argument("--path", help="pdf-folder: absolute folder path")
    printer.add_argument("--name", help="system: print queue name (default: system default)")
    printer.add_argument("--timeout", type=float, help="ESC/POS: seconds (default 5)")
    printer.add_argument("--width-dots", type=int, help="ESC/POS: 576 (80 mm) or 384 (58 mm)")
    printer.add_argument(
        "--no-native-qr",
        dest="native_qr",
        action="store_const",
        const=False,
        help="ESC/POS: print the QR as an image",
    )
    printer.add_argument(
        "--no-check-status",
        dest="check_status",
        action="store_const",
        const=False,
        help="ESC/POS: do not ask the printer for its paper status (printers that cannot)",
    )
    printer.set_defaults(handler=terminal_set_printer)

    test = sub.add_parser("test-print", help="print a test slip and record the result")
    common(test)
    test.add_argument("code")
    test.set_defaults(handler=terminal_test_print)


def printer_config_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The printer settings the flags describe (validated later by the service).

    Raises:
        CliError: a flag that does not belong to the chosen kind.
    """
    allowed = _KIND_FLAGS[args.kind]
    config: dict[str, Any] = {"kind": args.kind}
    for dest, flag in _FLAG_NAMES.items():
        value = getattr(args, dest, None)
        if value is None:
            continue
        if dest not in allowed:
            raise CliError(f"{flag} does not apply to --kind {args.kind}")
        config[dest] = value
    return config


def _when(info: TerminalInfo) -> str:
    return f"{to_local(info.last_print_at):%Y-%m-%d %H:%M}" if info.last_print_at else ""


def last_print_text(info: TerminalInfo) -> str:
    """``printed 2026-12-03 10:00`` / ``failed …: reason`` / ``never tested``."""
    if not info.last_print_result:
        return "never tested"
    text = f"{info.last_print_result} {_when(info)}"
    if info.last_print_result != terminal_service.PRINTED and info.last_print_detail:
        text += f": {info.last_print_detail}"
    return text


def terminal_line(info: TerminalInfo) -> str:
    """One terminal on one line (``list`` and ``hall doctor``)."""
    state = "" if info.active else " [inactive]"
    return (
        f"{info.code:<14} {info.kind:<10} {info.site_code:<12} {info.printer_summary}"
        f" | last print: {last_print_text(info)}{state}"
    )


def terminal_list(ctx: CliContext, args: argparse.Namespace) -> int:
    """List terminals."""
    with ctx.session_factory()() as session:
        rows = terminal_service.list_terminals(session, args.site)
    ctx.emit([r.as_json() for r in rows], "\n".join(terminal_line(r) for r in rows) or "none")
    return 0


def terminal_add(ctx: CliContext, args: argparse.Namespace) -> int:
    """Register a terminal."""
    with ctx.session_factory().begin() as session:
        info = terminal_service.add_terminal(
            session,
            site=args.site,
            code=args.code,
            kind=args.kind,
            location=args.location,
            actor=CLI_ACTOR,
        )
    ctx.emit(info.as_json(), f"added {info.code} ({info.kind}) at {info.site_code}")
    return 0


def terminal_set(ctx: CliContext, args: argparse.Namespace) -> int:
    """Change a terminal."""
    if args.location is None and args.kind is None and args.active is None:
        raise CliError("nothing to change: give --location, --kind, --active or --inactive")
    with ctx.session_factory().begin() as session:
        info = terminal_service.update_terminal(
            session,
            args.code,
            location=args.location,
            kind=args.kind,
            active=args.active,
            actor=CLI_ACTOR,
        )
    ctx.emit(info.as_json(), terminal_line(info))
    return 0


def terminal_set_printer(ctx: CliContext, args: argparse.Namespace) -> int:
    """Point a terminal at a printer."""
    config = printer_config_from_args(args)
    with ctx.session_factory().begin() as session:
        info = terminal_service.set_printer(session, args.code, config, actor=CLI_ACTOR)
    ctx.emit(info.as_json(), f"{info.code}: {info.printer_summary}")
    return 0


def terminal_test_print(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print a test slip; exit 1 when it did not print (the result is recorded either way)."""
    outcome, info = terminal_service.test_print(ctx.session_factory(), args.code, actor=CLI_ACTOR)
    data = {
        "terminal": info.code,
        "printed": outcome.printed,
        "detail": outcome.detail,
        "last_print_at": info.last_print_at.isoformat() if info.last_print_at else None,
    }
    if outcome.printed:
        ctx.emit(data, f"{info.code}: test slip printed on {outcome.detail}")
        return 0
    if ctx.json:
        ctx.emit(data)
        return 1
    raise CliError(f"{info.code}: test print failed: {outcome.detail}")
