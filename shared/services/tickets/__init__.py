"""Queue tickets: the one allocator, and a ticket's life at the windows.

- :mod:`.issue`: the allocator, split into plan (read), allocate (write: only the counter
  upsert, the ticket, its event and the change) and describe (read, after commit);
  :func:`issue_ticket_in` runs the three in their own transactions, :func:`issue_ticket` on
  the caller's session.
- :mod:`.allocate`: the writes themselves (:mod:`.driver`: compiled once for SQLite).
- :mod:`.directory`: sites, queues and the issue's settings, cached per database and
  refreshed through the change feed.
- :mod:`.views`: :class:`TicketView`, people ahead and the wait.
- :mod:`.life`: finding a ticket by number, guards, events and print outcomes.
"""

from shared.services.tickets.allocate import TicketPlan, allocate_ticket
from shared.services.tickets.directory import Directory, directory, forget_directories
from shared.services.tickets.issue import (
    CHANNELS,
    allocate_ticket_in,
    hall_state_at,
    issue_ticket,
    issue_ticket_in,
    plan_ticket,
)
from shared.services.tickets.life import (
    ACTIVE_STATES,
    NUMBER_RE,
    _event,
    _require,
    _window,
    count_waiting,
    cutover_time,
    find_ticket,
    mark_printed,
    today,
)
from shared.services.tickets.views import TicketView, describe_ticket, format_number, view

__all__ = [
    "ACTIVE_STATES",
    "CHANNELS",
    "NUMBER_RE",
    "Directory",
    "TicketPlan",
    "TicketView",
    "_event",
    "_require",
    "_window",
    "allocate_ticket",
    "allocate_ticket_in",
    "count_waiting",
    "cutover_time",
    "describe_ticket",
    "directory",
    "find_ticket",
    "forget_directories",
    "format_number",
    "hall_state_at",
    "issue_ticket",
    "issue_ticket_in",
    "mark_printed",
    "plan_ticket",
    "today",
    "view",
]
