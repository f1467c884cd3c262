"""The wall around the domain: ``shared`` outside ``shared.qt`` never loads Qt."""

from __future__ import annotations

import subprocess
import sys

MODULES = [
    "shared",
    "shared.db",
    "shared.models",
    "shared.changes",
    "shared.cli",
    "shared.services.staff",
    "shared.services.hours",
    "shared.demo.seed",
]


def test_shared_imports_without_pyside6() -> None:
    code = (
        "import sys, importlib\n"
        f"for name in {MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6')\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "", f"PySide6 loaded: {result.stdout}"
