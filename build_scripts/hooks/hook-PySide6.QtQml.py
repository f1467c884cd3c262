# PyInstaller hook for PySide6.QtQml, used instead of PyInstaller's own (build_bundle passes
# this folder as hookspath, which takes precedence): the same Qt libraries and plugins, but of
# the wheel's QML modules only those the kiosk's on-screen keyboard loads
# (bundle_common.QML_MODULES); PyInstaller's ships them all, with what they link (WebEngine…).
import sys
from pathlib import Path

from PyInstaller.utils.hooks.qt import add_qt6_dependencies, pyside6_library_info

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bundle_common import wanted_qml

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
qml_binaries, qml_datas = pyside6_library_info.collect_qtqml_files()
binaries += [entry for entry in qml_binaries if wanted_qml(entry[1])]
datas += [entry for entry in qml_datas if wanted_qml(entry[1])]
