"""What both PyInstaller bundles share: one place for data files, hidden imports and excludes.

Imported by ``kiosk.spec`` and ``reception.spec``; each calls :func:`build_bundle` with its own
name and entry script. The bundles are one-folder (§11: one-file starts slowly and leaves temp
folders behind on crashes).
"""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath

from PyInstaller.building.api import COLLECT, EXE, PYZ
from PyInstaller.building.build_main import Analysis
from PyInstaller.utils.hooks import collect_data_files, collect_submodules

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "build_scripts"
MIGRATIONS = ROOT / "shared" / "migrations"

# Qt modules neither app uses; excluded so a stray import cannot drag them (and their
# hundreds of MB) in. Kept on purpose: QtCharts (reports), QtTextToSpeech and the QtMultimedia
# it links (the display board's voice), QtQuick/QtQml (the virtual keyboard is built on them).
QT_EXCLUDES = [
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebEngineQuick",
    "PySide6.QtWebView",
    "PySide6.Qt3DCore",
    "PySide6.Qt3DRender",
    "PySide6.Qt3DInput",
    "PySide6.Qt3DLogic",
    "PySide6.Qt3DAnimation",
    "PySide6.Qt3DExtras",
    "PySide6.QtQuick3D",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtDataVisualization",
    "PySide6.QtGraphs",
    "PySide6.QtGraphsWidgets",
    "PySide6.QtBluetooth",
    "PySide6.QtNfc",
    "PySide6.QtSensors",
    "PySide6.QtSerialBus",
    "PySide6.QtLocation",
    "PySide6.QtPositioning",
    "PySide6.QtRemoteObjects",
    "PySide6.QtScxml",
    "PySide6.QtSpatialAudio",
    "PySide6.QtHttpServer",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtQuickTest",
    "PySide6.QtTest",
]
# Development tools that must never end up in a hall's bundle.
PY_EXCLUDES = ["tkinter", "pytest", "_pytest", "pytestqt", "mypy", "pypdf", "pyzbar", "IPython"]

# The kiosk's on-screen keyboard (kiosk/keyboard.py) is Qt Virtual Keyboard in a QQuickWidget,
# imported when first needed.
KEYBOARD_IMPORTS = ["PySide6.QtQuickWidgets", "PySide6.QtQuick", "PySide6.QtQml"]
# The QML modules it loads: its own imports (resources/keyboard/panel.qml), Qt's keyboard
# with its layouts, styles and Pinyin engine, and what their qmldir files import or depend on.
# PyInstaller's QtQml hook would ship every QML module of the wheel, with the libraries they
# link (WebEngine, Quick3D…); build_scripts/hooks/hook-PySide6.QtQml.py keeps only these.
QML_MODULES = (
    "QtQml",
    "QtQml/Models",
    "QtQml/WorkerScript",
    "QtQuick",
    "QtQuick/Layouts",
    "QtQuick/Window",
    "Qt/labs/folderlistmodel",
    "QtMultimedia",  # the keyboard's key sounds (QtMultimedia is shipped for the voice anyway)
)
QML_TREES = ("QtQuick/VirtualKeyboard",)  # with every module under it
# Qt's input method for the keyboard: a plugin Qt loads by name (QT_IM_MODULE), not linked.
KEYBOARD_PLUGIN = ("platforminputcontexts", "qtvirtualkeyboardplugin")


def wanted_qml(dest_dir: str) -> bool:
    """Whether a file PyInstaller would ship into ``dest_dir`` under Qt's ``qml`` folder
    belongs to a QML module the kiosk loads (files elsewhere are not judged here)."""
    parts = PurePosixPath(dest_dir.replace("\\", "/")).parts
    if "qml" not in parts:
        return True
    module = "/".join(parts[parts.index("qml") + 1 :])
    return (
        module == ""
        or module in QML_MODULES
        or any(module == tree or module.startswith(tree + "/") for tree in QML_TREES)
    )


def _keyboard_binaries() -> list[tuple[str, str]]:
    """Qt's virtual keyboard input-method plugin, where PySide6 keeps it."""
    import PySide6
    from PySide6.QtCore import QLibraryInfo

    folder, name = KEYBOARD_PLUGIN
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)).resolve() / folder
    dest = plugins.relative_to(Path(PySide6.__file__).resolve().parent.parent)
    return [(str(path), dest.as_posix()) for path in sorted(plugins.glob(f"*{name}*"))]


def _hidden_imports(app: str) -> list[str]:
    return [
        # The kiosk builds screens and loads its data layer by module name (importlib), out of
        # the analysis' sight: take the whole app package.
        *collect_submodules(app),
        # Alembic runs env.py and the versions/ files by path, so their imports are invisible
        # to the analysis: the models, alembic's runtime and operations, both DB backends.
        *collect_submodules("shared", filter=lambda name: not name.startswith("shared.migrations")),
        *collect_submodules(
            "alembic",
            filter=lambda name: not name.startswith(("alembic.testing", "alembic.templates")),
        ),
        "sqlalchemy.dialects.sqlite",
        "sqlalchemy.dialects.sqlite.pysqlite",
        "sqlalchemy.dialects.postgresql",
        "sqlalchemy.dialects.postgresql.psycopg",
        "psycopg",
        "psycopg_binary",
        "logging.config",
        "tzdata",
        *(KEYBOARD_IMPORTS if app == "kiosk" else []),
    ]


def _datas() -> list[tuple[str, str]]:
    datas = [
        # Fonts and other resources; shared.paths.resources_dir() finds them under _MEIPASS.
        (str(ROOT / "resources"), "resources"),
        # Alembic needs the script folder as real files next to shared/paths.py.
        (str(MIGRATIONS / "env.py"), "shared/migrations"),
        (str(MIGRATIONS / "script.py.mako"), "shared/migrations"),
    ]
    datas += [
        (str(path), "shared/migrations/versions")
        for path in sorted((MIGRATIONS / "versions").glob("*.py"))
    ]
    datas += collect_data_files("escpos")  # capabilities.json
    datas += collect_data_files("tzdata")  # Windows has no system zoneinfo
    datas += collect_data_files("opencc")  # t2s.json and its .ocd2 dictionaries (search)
    return datas


# Qt's translations: only Chinese is shown (qtbase_zh_CN.qm gives Chinese dialog buttons).
KEEP_TRANSLATION = "_zh_CN.qm"


def _wanted(entry: tuple[str, ...]) -> bool:
    dest = entry[0].replace("\\", "/")
    return "/Qt/translations/" not in dest or dest.endswith(KEEP_TRANSLATION)


def build_bundle(name: str, entry: str) -> None:
    """Define the one-folder bundle ``dist/<name>/`` running ``build_scripts/<entry>``."""
    app = entry.removeprefix("entry_").removesuffix(".py")
    analysis = Analysis(
        [str(HERE / entry)],
        pathex=[str(ROOT)],
        binaries=_keyboard_binaries() if app == "kiosk" else [],
        datas=_datas(),
        hiddenimports=_hidden_imports(app),
        # Our hooks first: hook-PySide6.QtQml.py ships only the QML the kiosk loads.
        hookspath=[str(HERE / "hooks")],
        excludes=QT_EXCLUDES + PY_EXCLUDES,
        noarchive=False,
    )
    analysis.datas = [item for item in analysis.datas if _wanted(item)]
    pyz = PYZ(analysis.pure)
    strip = sys.platform.startswith("linux")
    exe = EXE(
        pyz,
        analysis.scripts,
        [],
        exclude_binaries=True,
        name=name,
        debug=False,
        strip=strip,
        upx=False,
        # A console keeps --selftest output visible; the Windows installer will revisit this.
        console=True,
    )
    COLLECT(exe, analysis.binaries, analysis.datas, strip=strip, upx=False, name=name)
