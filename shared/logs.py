"""Logging for the apps: one rotating file per app in the data folder, plus stderr.

``configure_logging("kiosk")`` sends every record to ``<data_dir>/logs/kiosk.log`` (at most
five files of 1 MB: the current one and four older) and to stderr, one line each with the
time, the level and the logger's name. Alembic and SQLAlchemy are held at WARNING: their
INFO lines (each migration step on every start, SQL when echo is on) would bury the app's.

Personal data never goes into a log: no ID numbers, names, phone numbers or addresses of
visitors, and no database URL (it may hold a password). Nothing here can check that — it is
up to each caller to log ticket numbers, record ids and exception *types* rather than what a
visitor typed. The engines hide SQL parameters for the same reason (``shared.db``).

Plain Python, no Qt: the CLI may use it as well as both apps. Cheap to call at start: the
file is opened, and :mod:`logging.handlers` imported (it imports :mod:`socket`, ~10 ms, a
sixth of what the kiosk's start may add to a bare window, spec §12), on the first record.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from shared.paths import data_dir

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 4
"""Older files kept besides the current one: five files, 5 MB at most."""
QUIET = {"alembic": logging.WARNING, "sqlalchemy": logging.WARNING}
"""Libraries whose INFO chatter stays out of the apps' logs."""

_MARK = "_servicehall_handler"

if TYPE_CHECKING:
    from logging.handlers import RotatingFileHandler


class _RotatingFile(logging.Handler):
    """A :class:`logging.handlers.RotatingFileHandler` made on the first record it gets."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._file: RotatingFileHandler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        # handle() holds this handler's lock: one thread at a time gets here.
        if self._file is None:
            from logging.handlers import RotatingFileHandler

            try:
                self._file = RotatingFileHandler(
                    self.path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
                )
            except OSError:
                self.handleError(record)  # said once per record on stderr; the app goes on
                return
            self._file.setFormatter(self.formatter)
        self._file.emit(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()


def log_dir() -> Path:
    """The folder of the apps' log files (``<data_dir>/logs``, created on first use)."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def configure_logging(app_name: str, level: int = logging.INFO) -> Path | None:
    """Log to ``<data_dir>/logs/<app_name>.log`` (rotating) and to stderr at ``level``.

    Safe to call again (a second call replaces the handlers of the first). When the log
    folder cannot be written the app still starts, logging to stderr only.

    Args:
        app_name: the file's name without ``.log`` (``"kiosk"``, ``"reception"``).
        level: the lowest level logged by the app's own loggers.

    Returns:
        The log file's path, or ``None`` when only stderr could be used.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    formatter = logging.Formatter(LOG_FORMAT)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    path: Path | None = None
    try:
        path = log_dir() / f"{app_name}.log"
        handlers.append(_RotatingFile(path))
    except OSError:
        path = None
    for handler in handlers:
        handler.setFormatter(formatter)
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    root.setLevel(level)
    for name, quiet_level in QUIET.items():
        logging.getLogger(name).setLevel(max(quiet_level, level))
    if path is None:
        logging.getLogger(__name__).warning("log folder not writable; logging to stderr only")
    return path
