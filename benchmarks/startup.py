"""Cold start to a usable screen, against a bare PySide6 window measured in the same run (§12).

Budget: the kiosk reaches its home screen in ≤ 1.5 × the start of a bare PySide6 window. Each
figure is the median wall time of fresh processes (interpreter start to exit), offscreen:

- bare: ``QApplication`` + an empty ``QWidget`` shown and processed once;
- kiosk: ``kiosk.__main__.main`` until the home screen has its first status from the database;
- reception: ``reception.__main__.main`` until the database is ready and the login page shows.

The app probes run the real ``main`` with a pre-seeded SQLite file and stop it at that moment
by wrapping the one function that builds the window (no app code is changed for this). Prints
figures; asserts nothing.

Usage: python benchmarks/startup.py [--runs 5]
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

ROOT = Path(__file__).resolve().parent.parent
BUDGET = 1.5
PROBE_TIMEOUT_MS = 60_000


def _probe_bare() -> int:
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.show()
    app.processEvents()
    return 0


def _quit_soon() -> None:
    # Let the screen that just became usable paint once, then leave the event loop.
    from PySide6.QtCore import QCoreApplication, QTimer

    QTimer.singleShot(0, QCoreApplication.quit)


def _watchdog() -> None:
    from PySide6.QtCore import QTimer

    def give_up() -> None:
        print("probe: the screen never became usable", file=sys.stderr)
        os._exit(2)

    QTimer.singleShot(PROBE_TIMEOUT_MS, give_up)


def _probe_kiosk(db_url: str) -> int:
    import kiosk.__main__ as entry

    build = entry.build_controller

    def build_and_watch(*args: object, **kwargs: object) -> object:
        controller = build(*args, **kwargs)  # type: ignore[arg-type]
        controller.status_refreshed.connect(_quit_soon)
        _watchdog()
        return controller

    entry.build_controller = build_and_watch  # type: ignore[assignment]
    return entry.main(["--db", db_url, "--windowed"])


def _probe_reception(db_url: str) -> int:
    import reception.__main__ as entry

    class WatchedShell(entry.ReceptionShell):  # type: ignore[misc, name-defined]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self.database_ready.connect(_quit_soon)
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


def _time(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
        raise RuntimeError(f"{' '.join(args[2:])} exited {result.returncode}: {tail}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
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
        db_url = _prepare_database(Path(scratch))
        me = [sys.executable, str(Path(__file__).resolve())]
        commands = {
            "bare PySide6 window": [*me, "--probe", "bare"],
            "kiosk to home screen": [*me, "--probe", "kiosk", "--db", db_url],
            "reception to login page": [*me, "--probe", "reception", "--db", db_url],
        }
        medians: dict[str, float] = {}
        for name, command in commands.items():
            _time(command, env)  # warm the file cache; not counted
            runs = [_time(command, env) for _ in range(args.runs)]
            medians[name] = statistics.median(runs)
            spread = ", ".join(f"{r * 1000:.0f}" for r in runs)
            print(f"{name:26s} median {medians[name] * 1000:6.0f} ms   runs: {spread}")

    bare = medians["bare PySide6 window"]
    for name in ("kiosk to home screen", "reception to login page"):
        ratio = medians[name] / bare
        verdict = "within" if ratio <= BUDGET else "OVER"
        print(f"{name:26s} / bare = {ratio:.2f}  ({verdict} the {BUDGET} budget)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
