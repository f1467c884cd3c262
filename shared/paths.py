"""Where things live: the default database file and the project's resources.

One resolver for both source checkouts and frozen (PyInstaller) bundles; nothing is found
through the current directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "ServiceHall"


def data_dir() -> Path:
    """The per-machine data directory (created on first use); ``HALL_DATA_DIR`` overrides."""
    override = os.environ.get("HALL_DATA_DIR")
    if override:
        path = Path(override)
    else:
        # Imported here: the kiosk's start path needs resources, not the data folder.
        import platformdirs

        path = Path(platformdirs.user_data_dir(APP_NAME, False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Files the apps rebuild when missing (python-escpos's parsed capabilities), kept between
    starts in the data folder (created on first use); from source and frozen alike."""
    path = data_dir() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    """The SQLite file used when neither ``--db`` nor ``HALL_DATABASE_URL`` is given."""
    return data_dir() / "servicehall.db"


def resources_dir() -> Path:
    """The ``resources/`` folder, from source or from inside a bundle."""
    override = os.environ.get("HALL_RESOURCES")
    if override:
        return Path(override)
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """A file under ``resources/``; raises ``FileNotFoundError`` naming it if missing."""
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"resource not found: {path}")
    return path


def migrations_dir() -> Path:
    """Alembic's script folder, shipped inside the ``shared`` package."""
    return Path(__file__).resolve().parent / "migrations"
