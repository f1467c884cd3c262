"""The bundle definition carries what a frozen app needs at run time (§11).

Building takes minutes, so ``build_scripts/build_bundles.sh`` builds and runs each bundle's
``--selftest``; these fast checks catch the usual regressions before that: a new migration or
resource not shipped, a database driver dropped from the hidden imports.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
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


def test_pictograms_and_svg_support_are_shipped(spec: ModuleType) -> None:
    # Issue #12: the tiles' pictograms are SVG files under resources/ drawn by QtSvg.
    assert (str(ROOT / "resources"), "resources") in spec._datas()
    assert any((ROOT / "resources" / "icons").glob("*.svg"))
    assert (ROOT / "resources" / "icons" / "LICENSE").exists()
    assert "PySide6.QtSvg" not in set(spec.QT_EXCLUDES)
    assert "shared.qt.icons" in set(spec._hidden_imports("kiosk"))


def test_the_kiosk_bundle_carries_the_on_screen_keyboard(spec: ModuleType) -> None:
    # Issue #12: Qt Virtual Keyboard in a QQuickWidget, its input-method plugin loaded by name,
    # its panel's QML shipped with the resources.
    hidden = set(spec._hidden_imports("kiosk"))
    assert {"PySide6.QtQuickWidgets", "PySide6.QtQuick", "PySide6.QtQml"} <= hidden
    assert "PySide6.QtQuickWidgets" not in set(spec._hidden_imports("reception"))
    assert not set(spec.KEYBOARD_IMPORTS) & set(spec.QT_EXCLUDES)
    ((plugin, dest),) = spec._keyboard_binaries()
    assert Path(plugin).exists() and "qtvirtualkeyboardplugin" in Path(plugin).name
    assert dest.endswith("plugins/platforminputcontexts") and dest.startswith("PySide6/")
    assert (ROOT / "resources" / "keyboard" / "panel.qml").exists()  # under resources/
    assert (ROOT / "build_scripts" / "hooks" / "hook-PySide6.QtQml.py").exists()


def _qml_closure(qml: Path, roots: list[str]) -> set[str]:
    """QML modules (as folders under ``qml``) reached from ``roots`` through the ``import``
    and ``depends`` lines of their qmldir files (built-in modules have no folder)."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        module = todo.pop().replace(".", "/")
        qmldir = qml / module / "qmldir"
        if module in seen or not qmldir.exists():
            continue
        seen.add(module)
        for line in qmldir.read_text(encoding="utf-8").splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] in ("import", "depends"):
                todo.append(words[1])
    return seen


def test_only_the_qml_the_keyboard_loads_is_shipped(spec: ModuleType) -> None:
    from PyInstaller.utils.hooks.qt import pyside6_library_info

    qml = Path(pyside6_library_info.location["QmlImportsPath"])
    imports = [
        line.split()[1]
        for line in (ROOT / "resources" / "keyboard" / "panel.qml").read_text().splitlines()
        if line.startswith("import ")
    ]
    # The panel's imports, Qt's keyboard and what its layouts create by name (Pinyin).
    needed = _qml_closure(qml, [*imports, "QtQuick.VirtualKeyboard.Plugins.Pinyin"])
    assert {"QtQuick/VirtualKeyboard/Plugins/Pinyin", "QtQuick/VirtualKeyboard/Styles"} <= needed
    for module in needed:
        assert spec.wanted_qml(f"PySide6/Qt/qml/{module}"), module
    binaries, datas = pyside6_library_info.collect_qtqml_files()
    shipped = {PurePosixPath(dest).as_posix() for _src, dest in binaries + datas}
    kept = {dest for dest in shipped if spec.wanted_qml(dest)}
    assert "PySide6/Qt/qml/QtQuick/VirtualKeyboard/Plugins/Pinyin" in kept
    for unwanted in ("QtWebEngine", "QtQuick3D", "QtQuick/Controls", "QtCharts"):
        assert not any(f"/qml/{unwanted}" in dest for dest in kept), unwanted
    assert spec.wanted_qml("PySide6/Qt/plugins/platforms")  # not QML: not judged here
