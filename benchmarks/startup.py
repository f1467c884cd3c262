"""Cold starts against baselines measured in the same run (§12; issue #10, item 5).

Budgets, each a ratio of medians over fresh processes, offscreen, from the moment the process
is started to the moment it reports (so interpreter start counts, and exit does not):

- reception: ``reception.__main__.main`` until the database is ready (``database_ready``; its
  login page cannot log anyone in before that) — ≤ 3 × the bare window;
- ``hall queue status`` on the seeded database, start to exit — ≤ 2 × ``python -c "import
  sqlalchemy.orm"``, start to exit (the least any database command must import);
- kiosk home: ``kiosk.__main__.main`` until the home screen has been painted with its tiles
  enabled (``KioskController.home_shown``) — ≤ 1.3 × the bare window;

where the bare window is ``QApplication`` + an empty ``QWidget``, until its first paint is over.
For reference it also prints the kiosk's first status from the database (``status_refreshed``:
data layer imported, database migrated and read); a process importing only PySide6's widgets,
SQLAlchemy's ORM and the models, start to exit (the console's floor: it cannot be ready
without them); and which heavy modules each app had loaded at its moment (none of
python-escpos, reportlab, openpyxl or Alembic should be).

The app probes run the real ``main`` with a pre-seeded SQLite file and stop it at that moment
by wrapping the one function or class that builds the window (no app code is changed for
this). The programs run interleaved, one of each in turn, so a busy spell on a shared machine
hits them alike; besides the ratio of the medians it prints the median of the per-round
ratios, which such a spell disturbs least. Prints figures and PASS/MISS; asserts nothing.

Bytecode: an installed app runs compiled modules (pip and PyInstaller ship ``.pyc``), so the
probes get a bytecode cache in the scratch folder, filled by an uncounted first run, even where
``PYTHONDONTWRITEBYTECODE`` is set (as on the development machines); ``--compile-each-run``
keeps that setting, so every start compiles the app's modules from source again (~20 ms more
for the kiosk, nothing for the bare window). The data folder is the scratch folder too, so
python-escpos's capabilities cache is filled by the first run, as on a hall's machine.

Usage: python benchmarks/startup.py [--runs 5] [--compile-each-run]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROBE_TIMEOUT_MS = 60_000
STAMP = "probe-stamp"
HEAVY = ("sqlalchemy", "alembic", "reportlab")
#: Modules the console must not have loaded when its login screen is ready.
CONSOLE_HEAVY = ("alembic", "reportlab", "escpos", "openpyxl", "shared.rendering")
EXIT = "exit"
"""The pseudo-event of a program that reports nothing: the moment it has exited."""

BARE = "bare PySide6 window painted"
SQLALCHEMY = "python -c 'import sqlalchemy.orm'"
#: (figure, its baseline, the budget ratio), in the order of issue #10.
BUDGETS = (
    ("reception database ready", BARE, 3.0),
    ("hall queue status, cold", SQLALCHEMY, 2.0),
    ("kiosk home screen usable", BARE, 1.3),
)
FLOOR = "floor: PySide6+ORM+models import"
REFERENCE = (("kiosk status from database", BARE), (FLOOR, BARE))


def _loaded(names: tuple[str, ...]) -> str:
    return ",".join(m for m in names if m in sys.modules) or "none"


def _stamp(event: str, **facts: object) -> None:
    """Report an event to the parent: its wall-clock time and a few facts."""
    extra = " ".join(f"{key}={value}" for key, value in facts.items())
    print(f"{STAMP} {event} {time.time():.6f} {extra}", flush=True)


def _quit_soon() -> None:
    # Leave the event loop once the current events are handled. exit(), not quit(): the
    # kiosk's window refuses to close without the PIN, and Qt ignores quit() while it does.
    from PySide6.QtCore import QCoreApplication, QTimer

    QTimer.singleShot(0, lambda: QCoreApplication.exit(0))


def _watchdog() -> None:
    from PySide6.QtCore import QTimer

    def give_up() -> None:
        print("probe: the screen never became usable", file=sys.stderr)
        os._exit(2)

    QTimer.singleShot(PROBE_TIMEOUT_MS, give_up)


def _probe_bare() -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QApplication, QWidget

    class Window(QWidget):
        painted = False

        def paintEvent(self, event: QPaintEvent) -> None:
            super().paintEvent(event)
            if not self.painted:
                self.painted = True
                # Once the paint pass is over, as the kiosk's home_shown does.
                QTimer.singleShot(0, self.on_painted)

        def on_painted(self) -> None:
            _stamp("painted")
            _quit_soon()

    app = QApplication(sys.argv[:1])
    window = Window()
    window.resize(1280, 900)
    window.show()
    _watchdog()
    return app.exec()


def _probe_kiosk(db_url: str) -> int:
    import kiosk.__main__ as entry

    build = entry.build_controller

    def build_and_watch(*args: Any, **kwargs: Any) -> Any:
        controller = build(*args, **kwargs)

        def on_home_shown() -> None:
            tiles = controller.home.tiles.values()
            _stamp(
                "home",
                tiles_enabled=all(t.isVisible() and t.isEnabled() for t in tiles),
                heavy_loaded=_loaded(HEAVY),
            )

        def on_status_refreshed(_status: object) -> None:
            _stamp("status")
            _quit_soon()

        controller.home_shown.connect(on_home_shown)
        controller.status_refreshed.connect(on_status_refreshed)
        _watchdog()
        return controller

    entry.build_controller = build_and_watch
    return entry.main(["--db", db_url, "--windowed"])


def _probe_reception(db_url: str) -> int:
    import reception.__main__ as entry

    def on_database_ready(*_args: object) -> None:
        _stamp("ready", heavy_loaded=_loaded(CONSOLE_HEAVY))
        _quit_soon()

    class WatchedShell(entry.ReceptionShell):  # type: ignore[misc, name-defined]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self.database_ready.connect(on_database_ready)
            _watchdog()

    entry.ReceptionShell = WatchedShell  # type: ignore[attr-defined]
    return entry.main(["--db", db_url])


def _prepare_database(folder: Path) -> str:
    from sqlalchemy.orm import sessionmaker

    from shared.db import create_hall_engine, upgrade
    from shared.demo.seed import seed_demo

    url = f"sqlite:///{folder / 'bench.db'}"
    engine = create_hall_engine(url)
    upgrade(engine)
    with sessionmaker(engine).begin() as session:
        seed_demo(session)
    engine.dispose()
    return url


def _run(args: list[str], env: dict[str, str]) -> dict[str, tuple[float, dict[str, str]]]:
    """Start a probe; each event it stamps, in seconds from the start, with its facts."""
    started = time.time()
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
        raise RuntimeError(f"{' '.join(args[2:])} exited {result.returncode}: {tail}")
    events: dict[str, tuple[float, dict[str, str]]] = {EXIT: (time.time() - started, {})}
    for line in result.stdout.splitlines():
        if line.startswith(STAMP):
            _, event, stamp, *facts = line.split()
            pairs = dict(fact.split("=", 1) for fact in facts)
            events.setdefault(event, (float(stamp) - started, pairs))
    return events


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--compile-each-run",
        action="store_true",
        help="no bytecode cache: every start compiles the modules from source",
    )
    parser.add_argument("--probe", choices=["bare", "kiosk", "reception"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe == "bare":
        return _probe_bare()
    if args.probe == "kiosk":
        return _probe_kiosk(args.db)
    if args.probe == "reception":
        return _probe_reception(args.db)

    with tempfile.TemporaryDirectory(prefix="hall-bench-") as scratch:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HALL_DATA_DIR=scratch)
        env.pop("HALL_DATABASE_URL", None)
        if not args.compile_each_run:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "pycache")
        db_url = _prepare_database(Path(scratch))
        me = [sys.executable, str(Path(__file__).resolve())]
        programs = {
            "bare": [*me, "--probe", "bare"],
            "kiosk": [*me, "--probe", "kiosk", "--db", db_url],
            "reception": [*me, "--probe", "reception", "--db", db_url],
            "sqlalchemy": [sys.executable, "-c", "import sqlalchemy.orm"],
            "queue": [sys.executable, "-m", "shared.cli", "--db", db_url, "queue", "status"],
            # What the console cannot start without (its feed follows the models): the floor.
            "floor": [sys.executable, "-c", "import PySide6.QtWidgets, shared.models"],
        }
        figures = {
            BARE: ("bare", "painted"),
            "kiosk home screen usable": ("kiosk", "home"),
            "kiosk status from database": ("kiosk", "status"),
            "reception database ready": ("reception", "ready"),
            SQLALCHEMY: ("sqlalchemy", EXIT),
            "hall queue status, cold": ("queue", EXIT),
            FLOOR: ("floor", EXIT),
        }
        for command in programs.values():
            _run(command, env)  # warm the file and bytecode caches; not counted
        runs: dict[str, list[dict[str, tuple[float, dict[str, str]]]]] = {p: [] for p in programs}
        for _ in range(args.runs):
            for program, command in programs.items():
                runs[program].append(_run(command, env))
    _report(figures, runs, args.compile_each_run)
    return 0


def _report(
    figures: dict[str, tuple[str, str]],
    runs: dict[str, list[dict[str, tuple[float, dict[str, str]]]]],
    compile_each_run: bool,
) -> None:
    medians: dict[str, float] = {}
    for name, (program, event) in figures.items():
        times = [run[event][0] for run in runs[program]]
        medians[name] = statistics.median(times)
        spread = ", ".join(f"{t * 1000:.0f}" for t in times)
        print(f"{name:34s} median {medians[name] * 1000:6.0f} ms   runs: {spread}")
    cache = "none: compiled on every start" if compile_each_run else "in the scratch folder"
    print(f"bytecode cache: {cache}")
    home_facts = [run["home"][1] for run in runs["kiosk"]]
    enabled = all(f.get("tiles_enabled") == "True" for f in home_facts)
    heavy = sorted({f.get("heavy_loaded", "?") for f in home_facts})
    print(f"at home_shown: tiles enabled in every run: {enabled}; data layer loaded: {heavy}")
    ready_heavy = sorted({run["ready"][1].get("heavy_loaded", "?") for run in runs["reception"]})
    print(f"at database_ready (console): loaded of {', '.join(CONSOLE_HEAVY)}: {ready_heavy}")

    def ratios(name: str, base: str) -> tuple[float, float]:
        program, event = figures[name]
        base_program, base_event = figures[base]
        paired = statistics.median(
            run[event][0] / base_run[base_event][0]
            for run, base_run in zip(runs[program], runs[base_program], strict=True)
        )
        return medians[name] / medians[base], paired

    for name, base, budget in BUDGETS:
        ratio, paired = ratios(name, base)
        verdict = "PASS" if ratio <= budget else "MISS"
        print(
            f"{name:34s} / {base} = {ratio:5.2f}  {verdict} (≤ {budget}); "
            f"per-round median {paired:.2f}"
        )
    for name, base in REFERENCE:
        ratio, paired = ratios(name, base)
        print(f"{name:34s} / {base} = {ratio:5.2f}  (reference); per-round median {paired:.2f}")


if __name__ == "__main__":
    sys.exit(main())
