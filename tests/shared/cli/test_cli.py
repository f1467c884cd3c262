"""The ``hall`` CLI as IT uses it: real processes, real databases, JSON out, clean errors."""

from __future__ import annotations

import json
import select
import subprocess
import sys
from pathlib import Path

import pytest


def hall(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shared.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_init_seed_doctor_from_scratch(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    assert hall("--db", url, "init-db").returncode == 0
    seeded = hall("--db", url, "seed-demo", "--json")
    assert seeded.returncode == 0, seeded.stderr
    assert json.loads(seeded.stdout)["matters"] == 1649 + 5 * 256
    doctor = hall("doctor", "--db", url, "--json")
    assert doctor.returncode == 0, doctor.stderr
    report = json.loads(doctor.stdout)
    assert report["ok"] is True
    assert report["database"]["reachable"] is True
    assert report["database"]["revision"] == report["database"]["head"]
    counts = report["counts"]
    assert counts["sites"] == 7 and counts["departments"] == 29
    assert counts["matters_per_site"]["huarong"] >= 1649
    assert all(v == 256 for k, v in counts["matters_per_site"].items() if k.startswith("town-"))
    assert counts["staff"] >= 6 and counts["queues"] > 0 and counts["windows"] >= 31


@pytest.mark.postgres
def test_doctor_on_postgres(seeded_pg_url: str) -> None:
    report = json.loads(hall("--db", seeded_pg_url, "doctor", "--json").stdout)
    assert report["database"]["backend"] == "postgresql"
    assert report["counts"]["sites"] == 7


def test_doctor_reports_an_unreachable_database() -> None:
    result = hall("--db", "postgresql://nobody@127.0.0.1:1/none", "doctor", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["database"]["reachable"] is False and report["ok"] is False
    assert "Traceback" not in result.stderr


def test_doctor_on_an_empty_file_says_to_init(tmp_path: Path) -> None:
    result = hall("--db", f"sqlite:///{tmp_path}/new.db", "doctor")
    assert result.returncode == 1
    assert "hall init-db" in result.stdout


def test_user_commands(sqlite_url: str) -> None:
    added = hall(
        "user",
        "add",
        "li",
        "--name",
        "李四",
        "--role",
        "guide",
        "--role",
        "window",
        "--password-stdin",
        "--db",
        sqlite_url,
        "--json",
        stdin="a-good-pass\n",
    )
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["roles"] == ["guide", "window"]
    listed = json.loads(hall("user", "list", "--db", sqlite_url, "--json").stdout)
    assert [u["username"] for u in listed] == ["li"]
    assert "password" not in json.dumps(listed)
    assert (
        hall("user", "passwd", "li", "--password", "another-pass", "--db", sqlite_url).returncode
        == 0
    )
    assert hall("user", "disable", "li", "--db", sqlite_url).returncode == 0
    listed = json.loads(hall("--db", sqlite_url, "--json", "user", "list").stdout)
    assert listed[0]["disabled"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["user", "add", "x", "--role", "guide", "--password", "short"], "at least 8"),
        (["user", "passwd", "ghost", "--password", "long-enough"], "no such user"),
        (
            ["user", "add", "x", "--role", "guide", "--password", "long-enough", "--site", "mars"],
            "no such site",
        ),
    ],
)
def test_errors_are_one_line_without_traceback(
    sqlite_url: str, args: list[str], message: str
) -> None:
    result = hall(*args, "--db", sqlite_url)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_seed_demo_twice_is_refused(seeded_sqlite_url: str) -> None:
    result = hall("seed-demo", "--db", seeded_sqlite_url)
    assert result.returncode == 1 and "already has sites" in result.stderr


def test_changes_lists_and_follows(sqlite_url: str) -> None:
    hall("user", "add", "li", "--role", "guide", "--password", "a-good-pass", "--db", sqlite_url)
    lines = hall("changes", "--db", sqlite_url, "--json").stdout.splitlines()
    assert json.loads(lines[-1])["kind"] == "staff"
    follower = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shared.cli",
            "changes",
            "--follow",
            "--after",
            "1",
            "--json",
            "--db",
            sqlite_url,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        hall(
            "user",
            "add",
            "wang",
            "--role",
            "docent",
            "--password",
            "a-good-pass",
            "--db",
            sqlite_url,
        )
        assert follower.stdout is not None
        ready, _, _ = select.select([follower.stdout], [], [], 30)
        assert ready, "no change printed within 30 s"
        record = json.loads(follower.stdout.readline())
        assert record["kind"] == "staff" and record["action"] == "created"
        assert record["revision"] == 2
    finally:
        follower.terminate()
        follower.wait(10)
        follower.stdout.close()  # type: ignore[union-attr]
