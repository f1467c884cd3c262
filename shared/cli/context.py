"""What every ``hall`` command gets: the database, and how to print."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared.db import create_hall_engine, resolve_url, upgrade


class CliError(Exception):
    """A usage or input problem reported as one line."""


@dataclass
class CliContext:
    """The chosen database URL and output mode, with a lazily opened engine."""

    url: str | None
    json: bool
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def resolved_url(self) -> str:
        """The URL in force (``--db``, ``HALL_DATABASE_URL`` or the default file)."""
        return resolve_url(self.url)

    def engine(self) -> Engine:
        """The engine, opened on first use."""
        if self._engine is None:
            self._engine = create_hall_engine(self.url)
        return self._engine

    def session_factory(self, migrate: bool = True) -> sessionmaker[Session]:
        """A sessionmaker; by default the schema is brought up to date first."""
        engine = self.engine()
        if migrate:
            upgrade(engine)
        return sessionmaker(engine, expire_on_commit=False)

    def emit(self, data: Any, text: str | None = None) -> None:
        """Print ``data`` as JSON with ``--json``, else ``text`` (or a plain rendering)."""
        if self.json:
            print(json.dumps(data, ensure_ascii=False, default=str), flush=True)
        elif text is not None:
            print(text, flush=True)
        else:
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str), flush=True)

    def close(self) -> None:
        """Release the engine."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def masked_url(url: str) -> str:
    """The URL with any password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def read_password(args: Any, prompt: str = "Password: ") -> str:
    """The password from ``--password``, ``--password-stdin`` or an interactive prompt."""
    if getattr(args, "password", None):
        return str(args.password)
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\n")
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(prompt)
        if getpass.getpass("Repeat: ") != first:
            raise CliError("passwords do not match")
        return first
    raise CliError("no password given: use --password, --password-stdin or a terminal")
