"""The change feed: recorded with writes, followed in-process and across processes."""

from __future__ import annotations

import subprocess
import sys
import time

from sqlalchemy.orm import Session, sessionmaker

from shared.changes import ChangeFollower, changes_after, latest_revision, record_change
from shared.db import create_read_session_factory


def test_change_is_visible_only_when_committed(factory: sessionmaker[Session]) -> None:
    reads = create_read_session_factory(factory)
    follower = ChangeFollower(reads)
    session = factory()
    with session.begin():
        record_change(session, "ticket", "abc", "created")
        session.flush()
        assert follower.poll() == []
    batch = follower.poll()
    assert [(c.kind, c.entity_id, c.action) for c in batch] == [("ticket", "abc", "created")]
    assert follower.poll() == []
    session.close()


def test_rolled_back_change_never_appears(factory: sessionmaker[Session]) -> None:
    follower = ChangeFollower(factory)
    session = factory()
    session.begin()
    record_change(session, "ticket", "gone")
    session.flush()
    session.rollback()
    with factory.begin() as s2:
        record_change(s2, "ticket", "kept")
    assert [c.entity_id for c in follower.poll()] == ["kept"]
    session.close()


def test_follower_from_a_revision_reads_what_it_missed(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        for n in range(5):
            record_change(session, "matter", str(n))
    with factory() as session:
        assert latest_revision(session) == 5
        assert [c.entity_id for c in changes_after(session, 3)] == ["3", "4"]
    assert [c.entity_id for c in ChangeFollower(factory, after=4).poll()] == ["4"]


def test_late_commit_of_an_earlier_revision_is_not_lost(pg_url: str) -> None:
    """On PostgreSQL a smaller revision can commit after a larger one; the follower must
    still deliver it (the gap is remembered and read again)."""
    from shared.db import create_session_factory

    factory = create_session_factory(pg_url)
    follower = ChangeFollower(factory)
    slow = factory()
    slow.begin()
    record_change(slow, "ticket", "slow")
    slow.flush()  # takes revision 1, not committed yet
    with factory.begin() as fast:
        record_change(fast, "ticket", "fast")  # revision 2, committed first
    assert [c.entity_id for c in follower.poll()] == ["fast"]
    slow.commit()
    assert [c.entity_id for c in follower.poll()] == ["slow"]
    slow.close()
    factory.kw["bind"].dispose()


WRITER = """
import sys, time
from shared.db import create_session_factory
from shared.changes import record_change
factory = create_session_factory(sys.argv[1])
for n in range(int(sys.argv[2])):
    with factory.begin() as session:
        record_change(session, "ticket", f"p{n}", "created")
    print(time.time(), flush=True)
    time.sleep(0.05)
"""


def test_write_in_another_process_reaches_a_follower_within_a_second(db_url: str) -> None:
    from shared.db import create_session_factory

    factory = create_read_session_factory(create_session_factory(db_url))
    follower = ChangeFollower(factory)
    count = 10
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, db_url, str(count)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    seen: dict[str, float] = {}
    deadline = time.monotonic() + 60
    while len(seen) < count and time.monotonic() < deadline:
        for record in follower.poll():
            seen[record.entity_id] = time.time()
        follower.wait(0.05)
    out, _ = proc.communicate(timeout=30)
    written = [float(x) for x in out.split()]
    assert proc.returncode == 0
    assert sorted(seen) == sorted(f"p{n}" for n in range(count))
    lags = [seen[f"p{n}"] - written[n] for n in range(count)]
    assert max(lags) < 1.0, lags
    follower.close()
    factory.kw["bind"].dispose()
