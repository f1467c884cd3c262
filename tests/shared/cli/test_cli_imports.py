"""A cold ``hall`` command imports what it needs (issue #10, item 5).

``shared.cli`` once imported every command module, and with them openpyxl, reportlab,
python-escpos and Alembic, before running any command. Now :data:`shared.cli.COMMANDS` names
the module of each command and a run imports only that one. Imports are checked in a fresh
interpreter.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap

import pytest

from shared.cli import COMMANDS, build_parser, command_modules

HEAVY = ["openpyxl", "reportlab", "escpos", "alembic", "PIL", "PySide6", "shared.rendering"]


def _commands(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    raise AssertionError("no subcommands")


def test_queue_status_imports_no_workbook_renderer_printer_or_migrations(
    seeded_sqlite_url: str,
) -> None:
    code = f"""
        import contextlib, io, json, sys
        from shared.cli import main

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["--db", {seeded_sqlite_url!r}, "queue", "status", "--json"])
        heavy = {HEAVY!r}
        print(json.dumps({{
            "code": code,
            "queues": len(json.loads(out.getvalue())),
            "loaded": sorted(
                h for h in heavy if any(m == h or m.startswith(h + ".") for m in sys.modules)
            ),
            "commands": sorted(m for m in sys.modules if m.startswith("shared.cli.")),
        }}))
    """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["code"] == 0 and seen["queues"] > 0
    assert seen["loaded"] == []
    assert seen["commands"] == [
        "shared.cli.context",
        "shared.cli.ticket_cmd",
        "shared.cli.ticket_render_cmd",
    ]


def test_the_command_table_matches_what_the_modules_register() -> None:
    assert _commands(build_parser()) == list(COMMANDS)
    for command, module in COMMANDS.items():
        registered = _commands(build_parser(command))
        assert command in registered
        assert registered == [name for name, owner in COMMANDS.items() if owner == module]
    assert len(command_modules()) == len(set(COMMANDS.values()))


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["queue", "status"], "queue"),
        (["--json", "queue", "status", "--site", "huarong"], "queue"),
        (["--db", "sqlite:///x.db", "ticket", "list"], "ticket"),
        (["--db=sqlite:///x.db", "doctor"], "doctor"),
        (["--help"], None),
        (["--db"], None),
        ([], None),
    ],
)
def test_the_command_word_is_found_past_the_top_level_options(
    argv: list[str], command: str | None
) -> None:
    from shared.cli import _command_of

    assert _command_of(argv) == command


def test_an_unknown_command_still_lists_them_all() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "shared.cli", "queues"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "invalid choice: 'queues'" in result.stderr
    assert "'queue'" in result.stderr and "'catalog'" in result.stderr
