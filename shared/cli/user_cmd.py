"""``hall user add|list|passwd|disable|enable|roles``."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from shared.cli.context import CliContext, read_password
from shared.models import ROLES
from shared.services import staff as staff_service

CLI_ACTOR = "cli"


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the commands to ``hall``."""
    user = commands.add_parser("user", help="staff accounts")
    common(user)
    sub = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="create an account")
    common(add)
    add.add_argument("username")
    add.add_argument("--name", default="", help="display name")
    add.add_argument(
        "--role", action="append", required=True, choices=ROLES, help="a role (repeatable)"
    )
    add.add_argument("--site", help="home site code")
    _password_options(add)
    add.set_defaults(handler=user_add)

    listing = sub.add_parser("list", help="list accounts")
    common(listing)
    listing.set_defaults(handler=user_list)

    passwd = sub.add_parser("passwd", help="set a password (also unlocks)")
    common(passwd)
    passwd.add_argument("username")
    _password_options(passwd)
    passwd.set_defaults(handler=user_passwd)

    for name, disabled in (("disable", True), ("enable", False)):
        cmd = sub.add_parser(name, help=f"{name} an account")
        common(cmd)
        cmd.add_argument("username")
        cmd.set_defaults(handler=user_disable, disabled=disabled)

    roles = sub.add_parser("roles", help="replace an account's roles")
    common(roles)
    roles.add_argument("username")
    roles.add_argument("--role", action="append", required=True, choices=ROLES)
    roles.set_defaults(handler=user_roles)


def _password_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--password", help="the password (visible in shell history)")
    group.add_argument("--password-stdin", action="store_true", help="read it from stdin")


def _as_json(info: staff_service.StaffInfo) -> dict[str, Any]:
    return {
        "id": str(info.id),
        "username": info.username,
        "name": info.display_name,
        "roles": list(info.roles),
        "site": info.site_code,
        "disabled": info.disabled,
        "locked_until": info.locked_until.isoformat() if info.locked_until else None,
    }


def user_add(ctx: CliContext, args: argparse.Namespace) -> int:
    """Create an account."""
    password = read_password(args)
    with ctx.session_factory().begin() as session:
        info = staff_service.add_staff(
            session,
            username=args.username,
            display_name=args.name,
            password=password,
            roles=args.role,
            site=args.site,
            actor=CLI_ACTOR,
        )
    ctx.emit(_as_json(info), f"created {info.username} ({', '.join(info.roles)})")
    return 0


def user_list(ctx: CliContext, _args: argparse.Namespace) -> int:
    """List accounts."""
    with ctx.session_factory()() as session:
        rows = staff_service.list_staff(session)
    lines = [
        f"{r.username:<16} {r.display_name:<10} {','.join(r.roles):<28}"
        f" {r.site_code or '-':<14} {'disabled' if r.disabled else ''}"
        for r in rows
    ]
    ctx.emit([_as_json(r) for r in rows], "\n".join(lines) or "no accounts")
    return 0


def user_passwd(ctx: CliContext, args: argparse.Namespace) -> int:
    """Set a password."""
    password = read_password(args, "New password: ")
    with ctx.session_factory().begin() as session:
        staff_service.set_password(session, args.username, password, actor=CLI_ACTOR)
    ctx.emit(
        {"username": args.username, "password_changed": True},
        f"password changed for {args.username}",
    )
    return 0


def user_disable(ctx: CliContext, args: argparse.Namespace) -> int:
    """Disable or enable an account."""
    with ctx.session_factory().begin() as session:
        staff_service.set_disabled(session, args.username, args.disabled, actor=CLI_ACTOR)
    state = "disabled" if args.disabled else "enabled"
    ctx.emit({"username": args.username, "disabled": args.disabled}, f"{args.username} {state}")
    return 0


def user_roles(ctx: CliContext, args: argparse.Namespace) -> int:
    """Replace an account's roles."""
    with ctx.session_factory().begin() as session:
        info = staff_service.set_roles(session, args.username, args.role, actor=CLI_ACTOR)
    ctx.emit(_as_json(info), f"{info.username}: {', '.join(info.roles)}")
    return 0
