"""Start-up (issue #10, item 5): the console's login screen comes before its modules' imports.

The console once imported every module file at start: the slip renderers came in through the
calling module, python-escpos parsed its capabilities, reportlab and openpyxl loaded — about
85 % of its start. Now a module file is imported when its page is built, after a member of
staff who may use it has signed in. Checked in fresh interpreters, as the kiosk's start is
(``tests/kiosk/test_startup.py``): this test session has long since imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from reception.modules import MODULES

HEAVY = [
    "escpos",
    "reportlab",
    "openpyxl",
    "alembic",
    "PIL",
    "shared.rendering",
    "shared.printing",
    *(entry.module for entry in MODULES),
]


def _run(code: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def test_login_screen_is_ready_before_the_modules_load(seeded_sqlite_url: str) -> None:
    code = f"""
        import json, sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        import reception.__main__ as entry
        from shared.demo.org_data import DEMO_PASSWORD

        heavy = {HEAVY!r}

        def loaded():
            return sorted(
                h for h in heavy if any(m == h or m.startswith(h + ".") for m in sys.modules)
            )

        seen = {{"at_import": loaded()}}

        class Shell(entry.ReceptionShell):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.database_ready.connect(self.on_ready)
                self.login_succeeded.connect(self.on_signed_in)
                QTimer.singleShot(60_000, lambda: QApplication.exit(3))

            def on_ready(self):
                seen["at_login"] = {{
                    "page": self.pages.currentWidget() is self.login_view,
                    "loaded": loaded(),
                }}
                self.on_login_submitted("guide1", DEMO_PASSWORD)

            def on_signed_in(self, _staff):
                seen["signed_in"] = {{"modules": self.console.module_keys(), "loaded": loaded()}}
                QApplication.exit(0)

        entry.ReceptionShell = Shell
        seen["exit"] = entry.main(["--db", {seeded_sqlite_url!r}])
        print(json.dumps(seen))
    """
    seen = _run(code)
    assert seen["exit"] == 0
    assert seen["at_import"] == []
    # The login screen is up and usable with none of the heavy modules loaded; the schema is
    # current, so not even Alembic.
    assert seen["at_login"] == {"page": True, "loaded": []}
    # A guide's login imports the guide's modules only (and what they need to print).
    signed_in = seen["signed_in"]
    assert isinstance(signed_in, dict)
    assert signed_in["modules"] == ["ticket_desk", "guide_lookup", "live"]
    loaded = set(signed_in["loaded"])
    assert {
        "reception.modules.ticket_desk",
        "reception.modules.guide_lookup",
        "reception.modules.live",
    } <= loaded
    not_opened = {"calling", "priority_inbox", "tours", "admin"}
    assert not {f"reception.modules.{name}" for name in not_opened} & loaded
    # Renderers load with the pages that print; python-escpos only when something is printed.
    assert "escpos" not in loaded
