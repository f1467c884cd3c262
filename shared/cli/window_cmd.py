"""``hall window …``: sign a window in, pause, resume, sign out, and list the windows' states.

The same moves as the console's 叫号 page (:mod:`shared.services.window_sessions`), for IT and
scripts: ``hall window sign-in 3 --as window1``, ``hall window pause 3 --reason 会议``,
``hall window status --json``. A refused move exits 1 with one English line.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from shared.cli.context import CliContext, CliError
from shared.cli.ticket_cmd import site_code
from shared.clock import to_local
from shared.services import window_sessions
from shared.services.window_states import WindowStatus


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``hall window`` to ``hall``."""
    window = commands.add_parser("window", help="window sessions (窗口签到): sign in, pause, out")
    common(window)
    sub = window.add_subparsers(dest="window_command", metavar="ACTION", required=True)

    moves: dict[str, tuple[str, Callable[..., WindowStatus]]] = {
        "sign-in": ("sign a clerk in at a window", window_sessions.sign_in),
        "pause": ("pause an open window with a reason", window_sessions.pause),
        "resume": ("resume a paused window", window_sessions.resume),
        "sign-out": ("sign a window out", window_sessions.sign_out),
    }
    for name, (help_text, move) in moves.items():
        cmd = sub.add_parser(name, help=help_text)
        common(cmd)
        cmd.add_argument("number", type=int, metavar="NUMBER", help="the window's number")
        cmd.add_argument("--site", help="site code (default: the district hall)")
        cmd.add_argument(
            "--as",
            dest="actor",
            metavar="USERNAME",
            required=name == "sign-in",
            help="the clerk (staff account) acting",
        )
        if name == "pause":
            cmd.add_argument("--reason", required=True, help="休息, 会议, 系统故障 or any text")
        cmd.set_defaults(handler=window_move, move=move)

    status = sub.add_parser("status", help="every window: open, paused or closed")
    common(status)
    status.add_argument("--site")
    status.set_defaults(handler=window_status)


def _text(status: WindowStatus) -> str:
    line = f"window {status.number:>2}  {status.state:<7}"
    if status.state != "closed":
        since = to_local(status.since).strftime("%H:%M") if status.since else "-"
        line += f" since {since}  {status.staff_username or '-'}"
        if status.reason:
            line += f"  reason: {status.reason}"
    queues = " ".join(status.queues) or "-"
    return f"{line}  queues {queues}  {status.name}"


def window_move(ctx: CliContext, args: argparse.Namespace) -> int:
    """Sign in, pause, resume or sign out one window."""
    site = site_code(ctx, args)
    extra: dict[str, Any] = {}
    if getattr(args, "reason", None) is not None:
        extra["reason"] = args.reason
    with ctx.session_factory().begin() as session:
        staff_id = window_sessions.staff_id_of(session, args.actor) if args.actor else None
        if args.move is window_sessions.sign_in and staff_id is None:
            raise CliError("sign-in needs --as USERNAME")
        status = args.move(session, site=site, window=args.number, staff_id=staff_id, **extra)
    ctx.emit(status.as_json(), _text(status))
    return 0


def window_status(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print every window's state now."""
    site = site_code(ctx, args)
    with ctx.session_factory()() as session:
        rows = window_sessions.window_states(session, site)
    ctx.emit(
        {"site": site, "windows": [r.as_json() for r in rows]},
        "\n".join(_text(r) for r in rows) or "no windows",
    )
    return 0
