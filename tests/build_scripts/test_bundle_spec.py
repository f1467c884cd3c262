"""The bundle definition carries what a frozen app needs at run time (§11).

Building takes minutes, so ``build_scripts/build_bundles.sh`` builds and runs each bundle's
``--selftest``; these fast checks catch the usual regressions before that: a new migration or
resource not shipped, a database driver dropped from the hidden imports.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "shared" / "migrations"


@pytest.fixture(scope="module")
def spec() -> Iterator[ModuleType]:
    pytest.importorskip("PyInstaller")
    sys.path.insert(0, str(ROOT / "build_scripts"))
    try:
        yield importlib.import_module("bundle_common")
    finally:
        sys.path.remove(str(ROOT / "build_scripts"))


def test_every_migration_file_is_shipped_where_alembic_looks(spec: ModuleType) -> None:
    shipped = {(Path(src).name, dest) for src, dest in spec._datas()}
    assert ("env.py", "shared/migrations") in shipped
    assert ("script.py.mako", "shared/migrations") in shipped
    for version in (MIGRATIONS / "versions").glob("*.py"):
        assert (version.name, "shared/migrations/versions") in shipped


def test_resources_are_shipped_at_resources(spec: ModuleType) -> None:
    assert (str(ROOT / "resources"), "resources") in spec._datas()
    assert (ROOT / "resources" / "fonts" / "wqy-microhei.ttc").exists()


def test_search_dictionaries_are_shipped(spec: ModuleType) -> None:
    # OpenCC's conversion config and dictionaries are data files next to its library.
    shipped = {Path(src).name for src, _dest in spec._datas()}
    assert {"t2s.json", "TSCharacters.ocd2", "TSPhrases.ocd2"} <= shipped


def test_imports_hidden_from_the_analysis_are_listed(spec: ModuleType) -> None:
    hidden = set(spec._hidden_imports("kiosk"))
    for name in (
        # Screens and the data layer the kiosk imports by name (a bundle once lacked these).
        "kiosk.screens.rating",
        "kiosk.screens.guide",
        "kiosk.database",
        "shared.models",
        "shared.db",
        "alembic.runtime.migration",
        "alembic.operations",
        "alembic.ddl.sqlite",
        "alembic.ddl.postgresql",
        "sqlalchemy.dialects.sqlite",
        "sqlalchemy.dialects.postgresql.psycopg",
        "psycopg_binary",
        "logging.config",
    ):
        assert name in hidden, name
    assert not any(name.startswith(("alembic.testing", "shared.migrations")) for name in hidden)
    assert "reception.modules.tours" in set(spec._hidden_imports("reception"))


def test_modules_imported_by_name_are_listed(spec: ModuleType) -> None:
    # The console's registry imports each module file by name when its page is built, and
    # ``hall`` imports only its command's module (issue #10): all out of the analysis' sight.
    from reception.modules import MODULES
    from shared.cli import COMMANDS

    hidden = set(spec._hidden_imports("reception"))
    for entry in MODULES:
        assert entry.module in hidden, entry.module
    for module in set(COMMANDS.values()):
        assert f"shared.cli.{module}" in hidden, module
    assert "shared.rendering.escpos_library" in hidden


def test_speech_charts_and_keyboard_modules_are_not_excluded(spec: ModuleType) -> None:
    excluded = set(spec.QT_EXCLUDES)
    for kept in ("QtTextToSpeech", "QtMultimedia", "QtCharts", "QtQuick", "QtQml"):
        assert f"PySide6.{kept}" not in excluded
    assert "PySide6.QtWebEngineCore" in excluded


def test_entry_scripts_call_the_apps_main() -> None:
    for app in ("kiosk", "reception"):
        source = (ROOT / "build_scripts" / f"entry_{app}.py").read_text(encoding="utf-8")
        assert f"from {app}.__main__ import main" in source
        assert (ROOT / "build_scripts" / f"{app}.spec").exists()
