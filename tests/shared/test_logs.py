"""Logging set-up (shared.logs): a rotating file per app in the data folder, libraries quiet."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.logs import BACKUP_COUNT, MAX_BYTES, configure_logging


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private HALL_DATA_DIR; the root logger is put back as it was afterwards."""
    monkeypatch.setenv("HALL_DATA_DIR", str(tmp_path))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in ("alembic", "sqlalchemy")}
    yield tmp_path
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


def test_a_line_reaches_the_app_file(data_dir: Path) -> None:
    path = configure_logging("kiosk")
    assert path == data_dir / "logs" / "kiosk.log"
    logging.getLogger("kiosk.controller").info("ticket %s issued", "A001")
    logging.getLogger("alembic.runtime.migration").info("Running upgrade -> 0001, hall")
    logging.getLogger("sqlalchemy.engine.Engine").info("SELECT 1")
    logging.getLogger("alembic").warning("multiple heads")
    for handler in logging.getLogger().handlers:
        handler.flush()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2, lines
    assert lines[0].endswith(" INFO kiosk.controller: ticket A001 issued")
    assert lines[0][:4].isdigit()  # the time comes first
    assert lines[1].endswith(" WARNING alembic: multiple heads")


def test_configuring_again_does_not_double_lines(data_dir: Path) -> None:
    configure_logging("kiosk")
    path = configure_logging("kiosk")
    assert path is not None
    logging.getLogger("kiosk").warning("once")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert path.read_text(encoding="utf-8").count("once") == 1


def test_the_file_rotates_at_one_megabyte_keeping_five(data_dir: Path) -> None:
    path = configure_logging("reception")
    assert path is not None
    log = logging.getLogger("reception")
    line = "x" * 1000
    for _ in range((BACKUP_COUNT + 3) * MAX_BYTES // 1000):
        log.info(line)
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["reception.log", *(f"reception.log.{n}" for n in range(1, BACKUP_COUNT + 1))]
    assert all(p.stat().st_size <= MAX_BYTES for p in path.parent.iterdir())
