"""Spreadsheet files on the command line: the file argument, an all-or-nothing import with
``--dry-run``, the report of a refused file, and a write that fails as one line.

``hall catalog``, ``hall catalog aliases`` and ``hall org`` import and export the same way;
each keeps only what is its own (its service, its summary, its problems' JSON).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from shared.cli.context import CliContext, CliError
from shared.services.catalog_files import format_of

_T = TypeVar("_T")


def catalog_path(value: str) -> Path:
    """``value`` as a catalog or alias file (.xlsx or .csv), refused before any database
    work (with the message of :func:`shared.services.catalog_files.format_of`)."""
    path = Path(value)
    format_of(path)
    return path


def run_import(ctx: CliContext, path: Path, load: Callable[[Session], _T], *, dry_run: bool) -> _T:
    """``load(session)`` for an existing ``path`` in one session: committed, or rolled back
    on a dry run (the service checks and writes the same way either time)."""
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    with ctx.session_factory()() as session:
        result = load(session)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    return result


def import_verb(dry_run: bool) -> str:
    """How a summary starts: what happened to the file."""
    return "checked (dry run, nothing written)" if dry_run else "imported"


def report_refusal(
    ctx: CliContext,
    error: Exception,
    problems: Sequence[object],
    problems_json: list[dict[str, Any]],
    *,
    key: str = "errors",
) -> int:
    """Print every problem of a refused file (one a line on stderr, or as JSON under
    ``key``), then the error; returns the exit code 1."""
    if ctx.json:
        ctx.emit({"ok": False, "error": str(error), key: problems_json})
    else:
        for problem in problems:
            print(problem, file=sys.stderr)
    print(f"error: {error}", file=sys.stderr)
    return 1


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn a failed write of ``path`` (no such folder, no permission, disk full) into one
    CLI line."""
    try:
        yield
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from exc
