"""The wall around the domain: ``shared`` outside ``shared.qt`` never loads Qt."""

from __future__ import annotations

import subprocess
import sys

# The Qt side of the wall, the Alembic scripts (run by path) and the CLI's entry script.
SKIP = ("shared.qt", "shared.migrations", "shared.cli.__main__")


def test_shared_imports_without_pyside6() -> None:
    # Every module of the package, found by walking it, so a new service is checked too.
    code = (
        "import sys, importlib, pkgutil, shared\n"
        "for info in pkgutil.walk_packages(shared.__path__, 'shared.'):\n"
        f"    if not info.name.startswith({SKIP!r}):\n"
        "        importlib.import_module(info.name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6')\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "", f"PySide6 loaded: {result.stdout}"
