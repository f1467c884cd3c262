"""Background operations: database, printing and file work off the GUI thread.

One worker thread per runner runs operations in order; each gets its own session (one
transaction per operation) and reports back by signal on the GUI thread. An operation never
touches a widget.

Signals of :class:`TaskRunner`:
    finished(int, object): an operation's id and its result.
    failed(int, object): an operation's id and the exception it raised.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:
    # Types only: importing SQLAlchemy's ORM takes ~0.4 s, and a screen that has not touched
    # the database yet (the kiosk's home at start) must not wait for it.
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

Operation = Callable[["Session"], Any]
_STOP = object()


class TaskRunner(QObject):
    """Runs ``operation(session)`` in a worker thread, one at a time, in submission order.

    ``write=True`` operations run in ``factory.begin()`` (committed on success, rolled back on
    error); ``write=False`` ones in a read-only session when a read factory is given.
    """

    finished = Signal(int, object)
    failed = Signal(int, object)

    def __init__(
        self,
        factory: sessionmaker[Session] | None,
        read_factory: sessionmaker[Session] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._factory = factory
        self._read_factory = read_factory or factory
        self._ids = itertools.count(1)
        self._callbacks: dict[
            int, tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]
        ] = {}
        self._queue: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._work, name="hall-tasks", daemon=True)
        self._pending = 0
        self.finished.connect(self._on_finished)
        self.failed.connect(self._on_failed)
        self._thread.start()

    @property
    def factory(self) -> sessionmaker[Session] | None:
        """The write session factory (for operations run with ``with_session=False`` that
        open their own transactions, e.g. ``issue_ticket_in``)."""
        return self._factory

    @property
    def read_factory(self) -> sessionmaker[Session] | None:
        """The read session factory (the write one when no read factory was given)."""
        return self._read_factory

    @property
    def busy(self) -> bool:
        """True while operations are queued or running."""
        return self._pending > 0

    def submit(
        self,
        operation: Callable[..., Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        write: bool = True,
        with_session: bool = True,
    ) -> int:
        """Queue an operation; its callbacks run on the GUI thread. Returns its id."""
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_done, on_error)
        self._pending += 1
        self._queue.put((task_id, operation, write, with_session))
        return task_id

    def shutdown(self, timeout: float = 5.0) -> None:
        """Finish queued work and stop the worker thread."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            task_id, operation, write, with_session = item
            try:
                if not with_session:
                    result = operation()
                elif write:
                    assert self._factory is not None
                    with self._factory.begin() as session:
                        result = operation(session)
                else:
                    assert self._read_factory is not None
                    with self._read_factory() as session:
                        result = operation(session)
            except BaseException as exc:  # reported to the GUI, never lost
                log.debug("background operation %s failed: %s", task_id, type(exc).__name__)
                self.failed.emit(task_id, exc)
            else:
                self.finished.emit(task_id, result)

    @Slot(int, object)
    def _on_finished(self, task_id: int, result: Any) -> None:
        self._pending -= 1
        on_done, _ = self._callbacks.pop(task_id, (None, None))
        if on_done is not None:
            on_done(result)

    @Slot(int, object)
    def _on_failed(self, task_id: int, exc: BaseException) -> None:
        self._pending -= 1
        _, on_error = self._callbacks.pop(task_id, (None, None))
        if on_error is not None:
            on_error(exc)
        else:
            log.warning("unhandled background error: %s", type(exc).__name__)
