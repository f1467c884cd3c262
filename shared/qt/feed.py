"""The change feed as a QObject: a worker thread polls, the GUI thread gets signals.

The watcher also prunes the feed now and then (``prune_factory``): one terminal doing it is
enough, several are harmless — each batch is a short transaction of its own.

Signals of :class:`ChangeFeedWatcher`:
    changes_arrived(list): a batch of :class:`shared.changes.ChangeRecord`, in revision order.
    connection_changed(bool): the database became unreachable (False) or came back (True).
"""

from __future__ import annotations

import logging
import threading
import time

from PySide6.QtCore import QObject, Signal
from sqlalchemy.orm import Session, sessionmaker

from shared.changes import ChangeFollower, prune_changes

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2
#: How often a watcher prunes old changes (the first time a minute after it starts).
PRUNE_EVERY_SECONDS = 3600.0
PRUNE_FIRST_AFTER_SECONDS = 60.0


class ChangeFeedWatcher(QObject):
    """Follows the feed from the current end (or ``after``) until :meth:`stop`."""

    changes_arrived = Signal(list)
    connection_changed = Signal(bool)

    def __init__(
        self,
        read_factory: sessionmaker[Session],
        after: int | None = None,
        interval: float = POLL_SECONDS,
        parent: QObject | None = None,
        *,
        prune_factory: sessionmaker[Session] | None = None,
    ) -> None:
        super().__init__(parent)
        self._factory = read_factory
        self._prune_factory = prune_factory
        self._next_prune = time.monotonic() + PRUNE_FIRST_AFTER_SECONDS
        self._after = after
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = True

    def start(self) -> None:
        """Start following in the background."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="hall-feed", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop following and wait for the worker."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self.connection_changed.emit(connected)

    def _maybe_prune(self) -> None:
        if self._prune_factory is None or time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_EVERY_SECONDS
        try:
            pruned = prune_changes(self._prune_factory)
        except Exception as exc:  # pruning is housekeeping: never stop following for it
            log.warning("change feed pruning failed: %s", type(exc).__name__)
            return
        if pruned:
            log.info("pruned %d old changes from the feed", pruned)

    def _run(self) -> None:
        follower: ChangeFollower | None = None
        while not self._stop.is_set():
            try:
                if follower is None:
                    follower = ChangeFollower(self._factory, after=self._after)
                    # A restarted follower must resume here, not at the feed's new end.
                    self._after = follower.revision
                batch = follower.poll()
                self._set_connected(True)
                if batch:
                    self._after = follower.revision
                    self.changes_arrived.emit(batch)
                self._maybe_prune()
                follower.wait(self._interval)
            except Exception as exc:
                log.warning("change feed unavailable: %s", type(exc).__name__)
                self._set_connected(False)
                if follower is not None:
                    follower.close()
                follower = None
                self._stop.wait(1.0)
        if follower is not None:
            follower.close()
