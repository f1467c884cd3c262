"""``hall settings list|get|set|reset``: the hall's declared settings from a shell (issue #9).

Values are typed as text, exactly as in the console and the workbook, and go through
:func:`shared.services.settings.change_setting`: a bad value is refused with the rule it
breaks; a good one is audited and published, so running terminals apply it without a restart.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from shared.cli.context import CliContext
from shared.errors import ValidationError
from shared.services import settings as settings_service
from shared.services.settings import SettingValue

CLI_ACTOR = "cli"


def register(commands: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the commands to ``hall``."""
    settings = commands.add_parser("settings", help="hall settings: list, get, set, reset")
    common(settings)
    sub = settings.add_subparsers(dest="settings_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="every setting with its label, value and source")
    common(listing)
    listing.add_argument("--site", help="the values in force at this site")
    listing.set_defaults(handler=settings_list)

    get = sub.add_parser("get", help="one setting's value in force")
    common(get)
    get.add_argument("key")
    get.add_argument("--site", help="at this site (else hall-wide)")
    get.set_defaults(handler=settings_get)

    change = sub.add_parser(
        "set",
        help="change a setting (checked against its rule)",
        description="VALUE is text as in the workbook, e.g. 'hall settings set hall_hours "
        '"周一至周五 08:30-12:00, 14:30-17:30" --site east\'.',
    )
    common(change)
    change.add_argument("key")
    change.add_argument("value")
    change.add_argument("--site", help="for this site only (else hall-wide)")
    change.set_defaults(handler=settings_set)

    reset = sub.add_parser("reset", help="remove a value so the hall-wide one or default applies")
    common(reset)
    reset.add_argument("key")
    reset.add_argument("--site", help="the site's value (else the hall-wide one)")
    reset.set_defaults(handler=settings_reset)


def as_json(value: SettingValue) -> dict[str, Any]:
    """A setting as the CLI prints it with ``--json``."""
    return {
        "key": value.key,
        "label": value.label_zh,
        "value": value.value,
        "text": value.text,
        "source": value.source,
        "site": value.site_code,
        "site_scoped": value.site_scoped,
        "help": value.help_en,
    }


def line(value: SettingValue) -> str:
    """``key  label  value  (source)`` on one line."""
    return f"{value.key:<26} {value.label_zh}\t{value.text}\t({value.source})"


def settings_list(ctx: CliContext, args: argparse.Namespace) -> int:
    """List every setting."""
    with ctx.session_factory()() as session:
        values = settings_service.list_settings(session, args.site)
    ctx.emit([as_json(v) for v in values], "\n".join(line(v) for v in values))
    return 0


def _one(values: list[SettingValue], key: str) -> SettingValue:
    settings_service.spec_for(key)  # an unknown key names the known ones
    found = [v for v in values if v.key == key]
    if not found:  # a secret key: never shown
        raise ValidationError(f"{key} is not shown this way")
    return found[0]


def settings_get(ctx: CliContext, args: argparse.Namespace) -> int:
    """Print one setting."""
    with ctx.session_factory()() as session:
        value = _one(settings_service.list_settings(session, args.site), args.key)
    ctx.emit(as_json(value), value.text)
    return 0


def settings_set(ctx: CliContext, args: argparse.Namespace) -> int:
    """Change a setting, or refuse with the reason (exit 1, nothing written)."""
    with ctx.session_factory().begin() as session:
        value = settings_service.change_setting(
            session, args.key, args.value, site=args.site, actor=CLI_ACTOR
        )
    where = f" at {value.site_code}" if value.site_code else " (hall-wide)"
    ctx.emit(as_json(value), f"{value.key} = {value.text}{where}")
    return 0


def settings_reset(ctx: CliContext, args: argparse.Namespace) -> int:
    """Remove a stored value."""
    with ctx.session_factory().begin() as session:
        value = settings_service.reset_setting(session, args.key, site=args.site, actor=CLI_ACTOR)
    ctx.emit(as_json(value), f"{value.key} = {value.text} ({value.source})")
    return 0
