"""``hall ticket …`` and ``hall queue status``: the desk's ticket work from a shell."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from typing import Any

from shared.cli.context import CliContext
from shared.clock import to_local
from shared.db import create_read_session_factory
from shared.models.tickets import PRIORITIES
from shared.services import calling
from shared.services.settings import default_site
from shared.services.tickets import TicketView, issue_ticket_in


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the commands to ``hall``."""
    ticket = commands.add_parser("ticket", help="issue, call and manage queue tickets")
    common(ticket)
    sub = ticket.add_subparsers(dest="ticket_command", metavar="ACTION", required=True)

    issue = sub.add_parser("issue", help="issue a ticket")
    common(issue)
    issue.add_argument("--queue", required=True, help="queue prefix, e.g. A")
    issue.add_argument("--site", help="site code (default: the district hall)")
    issue.add_argument("--priority", choices=PRIORITIES)
    issue.add_argument("--key", help="request key: a retry with the same key gets the same ticket")
    issue.add_argument("--matter", help="service matter code")
    issue.add_argument(
        "--override-hours", action="store_true", help="issue even outside hall hours"
    )
    issue.set_defaults(handler=ticket_issue)

    call = sub.add_parser("call", help="call the next ticket to a window")
    common(call)
    call.add_argument("--window", type=int, required=True)
    call.add_argument("--site")
    call.set_defaults(handler=ticket_call)

    actions: dict[str, Callable[..., TicketView]] = {
        "recall": calling.recall,
        "no-show": calling.no_show,
        "serve": calling.start_service,
        "finish": calling.finish,
        "cancel": calling.cancel,
    }
    for name, action in actions.items():
        cmd = sub.add_parser(name, help=f"{name} a ticket")
        common(cmd)
        cmd.add_argument("number", help="ticket number, e.g. A001 (today's)")
        cmd.add_argument("--site")
        cmd.set_defaults(handler=ticket_action, action=action)

    move = sub.add_parser("transfer", help="move a ticket to another queue")
    common(move)
    move.add_argument("number")
    move.add_argument("--to", required=True, dest="to_queue", help="target queue prefix")
    move.add_argument("--site")
    move.set_defaults(handler=ticket_transfer)

    from shared.cli import ticket_render_cmd

    ticket_render_cmd.register_into(sub, common)

    queue = commands.add_parser("queue", help="queue status")
    common(queue)
    qsub = queue.add_subparsers(dest="queue_command", metavar="ACTION", required=True)
    status = qsub.add_parser("status", help="today's queues: waiting, served, wait estimate")
    common(status)
    status.add_argument("--site")
    status.set_defaults(handler=queue_status)


def site_code(ctx: CliContext, args: argparse.Namespace) -> str:
    """``--site`` or the district hall."""
    if getattr(args, "site", None):
        return str(args.site)
    with ctx.session_factory()() as session:
        return default_site(session).code


def wait_words(low: int | None, high: int | None, next_opening: datetime | None) -> str:
    """``5-10 min``; with no window open it says so (and when the hall opens) — no guess."""
    if low is not None and high is not None:
        return f"{low}-{high} min"
    if next_opening is not None:
        return f"no window open (hall opens {to_local(next_opening):%Y-%m-%d %H:%M})"
    return "no window open (no estimate)"


def _text(view: TicketView) -> str:
    line = f"{view.number}  {view.queue_name}  {view.state}"
    if view.state == "issued":
        wait = wait_words(view.wait.low, view.wait.high, view.wait.next_opening)
        line += f"  ahead: {view.people_ahead}  wait: {wait}"
    if view.window_number:
        line += f"  window {view.window_number}"
    return line


def ticket_issue(ctx: CliContext, args: argparse.Namespace) -> int:
    """Issue a ticket (channel ``cli``)."""
    site = site_code(ctx, args)
    factory = ctx.session_factory()
    view = issue_ticket_in(
        factory,
        create_read_session_factory(factory),
        site=site,
        queue=args.queue,
        priority=args.priority,
        request_key=args.key,
        matter=args.matter,
        channel="cli",
        override_hours=args.override_hours,
    )
    ctx.emit(view.as_json(), _text(view))
    return 0


def ticket_call(ctx: CliContext, args: argparse.Namespace) -> int:
    """Call the next ticket; exit 3 when nobody waits."""
    site = site_code(ctx, args)
    factory = ctx.session_factory()
    view = calling.call_next_in(
        factory, create_read_session_factory(factory), site=site, window=args.window
    )
    if view is None:
        ctx.emit({"called": None, "window": args.window}, f"window {args.window}: nobody waiting")
        return 3
    ctx.emit(view.as_json(), _text(view))
    return 0


def ticket_action(ctx: CliContext, args: argparse.Namespace) -> int:
    """Recall, no-show, serve, finish or cancel a ticket."""
    site = site_code(ctx, args)
    with ctx.session_factory().begin() as session:
        view = args.action(session, site=site, number=args.number)
    ctx.emit(view.as_json(), _text(view))
    return 0


def ticket_transfer(ctx: CliContext, args: argparse.Namespace) -> int:
    """Move a ticket to another queue."""
    site = site_code(ctx, args)
    with ctx.session_factory().begin() as session:
        view = calling.transfer(session, site=site, number=args.number, to_queue=args.to_queue)
    ctx.emit(view.as_json(), f"{args.number} -> {_text(view)}")
    return 0


def queue_status(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print every queue's state for today."""
    site = site_code(ctx, args)
    with ctx.session_factory()() as session:
        rows = calling.queue_status(session, site=site)
    data = [
        {
            "queue": r.prefix,
            "name": r.name,
            "waiting": r.waiting,
            "priority_waiting": r.priority_waiting,
            "issued_today": r.issued_today,
            "done_today": r.done_today,
            "windows": r.windows,
            "wait_range": (
                [r.wait_low, r.wait_high]
                if r.wait_low is not None and r.wait_high is not None
                else None
            ),
            "next_opening": r.next_opening.isoformat() if r.next_opening else None,
        }
        for r in rows
    ]
    text = "\n".join(
        f"{r.prefix}  {r.name:<8} waiting {r.waiting:>3} (priority {r.priority_waiting})"
        f"  issued {r.issued_today:>3}  done {r.done_today:>3}  windows {r.windows}"
        f"  wait {wait_words(r.wait_low, r.wait_high, r.next_opening)}"
        for r in rows
    )
    ctx.emit({"site": site, "queues": data}, text)
    return 0
