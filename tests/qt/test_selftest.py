"""``--selftest``: one line per step, OK or the failing step named, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from shared.db import SCHEMA_HEAD
from shared.qt.selftest import run_selftest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The test application, with the theme the self-test applies undone afterwards."""
    sheet, font = qapp.styleSheet(), qapp.font()
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


def _label(factory: sessionmaker[Session]) -> QWidget:
    # Uses the database the way a real main window would on start-up.
    with factory() as session:
        value = session.execute(text("SELECT 1")).scalar_one()
    return QLabel(f"华容区政务服务中心 {value}")


def test_selftest_passes_with_a_working_window(
    app: QApplication, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_selftest("kiosk", _label, argv=["hall-kiosk", "--selftest"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "selftest kiosk: OK"
    steps = ("resources", "database", "postgres driver", "ticket pdf", "catalog search", "qt")
    for step in (*steps, "window"):
        assert any(line.startswith(f"selftest kiosk: {step} ok") for line in lines), lines
    assert any(f"(rev {SCHEMA_HEAD}" in line for line in lines)


def test_selftest_names_the_failing_step_without_traceback(
    app: QApplication, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_factory: sessionmaker[Session]) -> QWidget:
        raise RuntimeError("no home screen\nsecond line")

    assert run_selftest("reception", broken, argv=["hall-reception"]) == 1
    out = capsys.readouterr()
    assert out.out.splitlines()[-1] == (
        "selftest reception: FAILED at window: RuntimeError: no home screen"
    )
    assert "Traceback" not in out.out + out.err


def test_selftest_refuses_a_database_behind_the_shipped_schema(
    app: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An explicit database is checked, never migrated: an empty file has no revision.
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert run_selftest("kiosk", _label, argv=["hall-kiosk", "--selftest-db", url]) == 1
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("selftest kiosk: FAILED at database: SelftestFailed: database at")


def test_selftest_accepts_a_migrated_database(
    app: QApplication, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_selftest("kiosk", _label, db_url=sqlite_url) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "selftest kiosk: OK"


def test_selftest_reports_missing_resources(
    app: QApplication,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("HALL_RESOURCES", str(tmp_path))
    assert run_selftest("kiosk", _label, argv=["hall-kiosk"]) == 1
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("selftest kiosk: FAILED at resources: FileNotFoundError")


@pytest.mark.parametrize(
    "app_name",
    [pytest.param(name) for name in ("kiosk", "reception")],
)
def test_app_selftest_from_source_exits_0(app_name: str, tmp_path: Path) -> None:
    """The real apps answer ``python -m <app> --selftest`` (§11) in a fresh interpreter."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HALL_DATA_DIR=str(tmp_path))
    env.pop("HALL_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", app_name, "--selftest"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == f"selftest {app_name}: OK"
    assert "Traceback" not in result.stderr


def test_selftest_draws_the_shipped_pictograms(
    app: QApplication, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue #12: a bundle without resources/icons/ or QtSvg fails here, not on a kiosk.
    assert run_selftest("kiosk", _label, argv=["hall-kiosk", "--selftest"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("selftest kiosk: pictograms ok (") for line in lines), lines
