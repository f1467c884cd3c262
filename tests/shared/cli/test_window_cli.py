"""``hall window …`` and the honest wait in ``hall queue status`` / ``hall ticket issue``
(issue #9, item 5): real processes on real databases, JSON out, one-line errors."""

from __future__ import annotations

import json

from tests.shared.cli.test_cli import hall


def test_sign_in_pause_resume_sign_out_and_status(seeded_db_url: str) -> None:
    db = ("--db", seeded_db_url)
    signed = hall(*db, "--json", "window", "sign-in", "3", "--as", "window1")
    assert signed.returncode == 0, signed.stderr
    assert json.loads(signed.stdout) | {"since": None} == {
        "window": 3,
        "name": "3号窗口",
        "location": "一楼综合受理区",
        "queues": ["A"],
        "state": "open",
        "reason": "",
        "since": None,
        "staff": "window1",
        "staff_name": "杨帆",
    }
    paused = hall(*db, "window", "pause", "3", "--reason", "会议", "--as", "window1")
    assert paused.returncode == 0, paused.stderr
    assert "paused" in paused.stdout and "reason: 会议" in paused.stdout
    status = json.loads(hall(*db, "window", "status", "--json").stdout)
    states = {w["window"]: (w["state"], w["reason"]) for w in status["windows"]}
    assert states[3] == ("paused", "会议") and states[4] == ("closed", "")
    assert hall(*db, "window", "resume", "3").returncode == 0
    out = hall(*db, "--json", "window", "sign-out", "3", "--as", "window1")
    assert out.returncode == 0 and json.loads(out.stdout)["state"] == "closed"


def test_refusals_are_one_english_line(seeded_db_url: str) -> None:
    db = ("--db", seeded_db_url)
    assert hall(*db, "window", "sign-in", "3", "--as", "window1").returncode == 0
    cases = [
        (("window", "sign-in", "3", "--as", "window2"), "window 3 is already signed in by"),
        (("window", "sign-in", "4", "--as", "window1"), "window1 is signed in at window 3"),
        (("window", "resume", "3"), "window 3 is not paused"),
        (("window", "pause", "5", "--reason", "休息"), "window 5 is not signed in"),
        (("window", "sign-in", "6", "--as", "nobody"), "no such user: nobody"),
        (("ticket", "call", "--window", "5"), "window 5 is not signed in; sign in first"),
    ]
    for args, message in cases:
        result = hall(*db, *args)
        assert result.returncode == 1, (args, result.stdout)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    usage = hall(*db, "window", "pause", "3")  # --reason is required
    assert usage.returncode == 2 and "--reason" in usage.stderr


def test_queue_status_and_issue_say_when_no_window_is_open(seeded_db_url: str) -> None:
    db = ("--db", seeded_db_url)
    for _ in range(2):
        issued = hall(*db, "ticket", "issue", "--queue", "G", "--override-hours")
        assert issued.returncode == 0, issued.stderr
    assert "ahead: 1  wait: no window open" in issued.stdout
    rows = {
        q["queue"]: q for q in json.loads(hall(*db, "queue", "status", "--json").stdout)["queues"]
    }
    assert rows["G"]["windows"] == 0 and rows["G"]["wait_range"] is None
    assert hall(*db, "window", "sign-in", "29", "--as", "window1").returncode == 0
    rows = {
        q["queue"]: q for q in json.loads(hall(*db, "queue", "status", "--json").stdout)["queues"]
    }
    assert rows["G"]["windows"] == 1 and rows["G"]["wait_range"] is not None
    text = hall(*db, "queue", "status").stdout
    line = next(x for x in text.splitlines() if x.startswith("G "))
    assert "windows 1" in line and "min" in line and "no window open" not in line
    called = hall(*db, "--json", "ticket", "call", "--window", "29")
    assert called.returncode == 0 and json.loads(called.stdout)["number"] == "G001"
