"""The allocation's statements for SQLite, compiled once and run through the driver.

On SQLite the whole database is locked from ``BEGIN IMMEDIATE`` to ``COMMIT``, so every
microsecond of Python between the two is paid by every other writer waiting, and on a busy
machine a writer descheduled while it holds the lock stalls them all. The allocation's Core
statements are therefore compiled once (SQL text, parameter order, SQLAlchemy's own type
processors); the parameters are converted *before* the lock is taken, and inside it each
statement is one ``exec_driver_sql`` call (engine events and logging still see it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler


class DriverStatement:
    """A Core statement compiled for one (positional) dialect, run with prepared values.

    Args:
        statement: an INSERT (upsert) statement.
        dialect: the dialect to compile for (SQLite's ``qmark`` style).
        keys: the column keys the values will carry (every column with a default included,
            so nothing is left for the execution context to fill in).
    """

    def __init__(self, statement: Any, dialect: Dialect, keys: Iterable[str]) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=list(keys)))
        order = compiled.positiontup
        if order is None:
            raise ValueError(f"{dialect.name} does not use positional parameters")
        self.sql = compiled.string
        self._compiled = compiled
        self._order = tuple(order)
        binds = compiled.binds
        self._processors: tuple[Callable[[Any], Any] | None, ...] = tuple(
            binds[name].type.bind_processor(dialect) for name in self._order
        )

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """The driver's parameters for ``values`` (literal binds filled, types converted)."""
        params = self._compiled.construct_params(dict(values))
        return tuple(
            process(params[name]) if process is not None else params[name]
            for name, process in zip(self._order, self._processors, strict=True)
        )

    def replace(self, parameters: tuple[Any, ...], **values: Any) -> tuple[Any, ...]:
        """``parameters`` with some values swapped in as they are (types needing no
        conversion: integers, text)."""
        swapped = list(parameters)
        for name, value in values.items():
            swapped[self._order.index(name)] = value
        return tuple(swapped)

    def run(self, conn: Connection, parameters: tuple[Any, ...]) -> Any:
        """Execute with parameters from :meth:`parameters`; returns the result."""
        return conn.exec_driver_sql(self.sql, parameters)
