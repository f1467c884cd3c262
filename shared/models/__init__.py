"""Typed SQLAlchemy models for every entity of the product.

Import models from here; each domain keeps its own module.
"""

from shared.models.base import Base
from shared.models.calendar import CALENDAR_KINDS, CalendarDay
from shared.models.catalog import MATTER_TYPES, ServiceMatter, matter_sites
from shared.models.catalog_search import GuideViewCount, MatterAlias, SearchSynonym
from shared.models.feed import AuditEntry, Change
from shared.models.feedback import (
    BAD_LEVELS,
    CASE_OUTCOMES,
    CASE_STATES,
    EVALUATION_CHANNELS,
    EVALUATION_INDICATORS,
    EVALUATION_LEVELS,
    Evaluation,
    EvaluationCase,
    Feedback,
)
from shared.models.org import (
    TERMINAL_KINDS,
    Department,
    PinLock,
    Queue,
    Setting,
    Site,
    Terminal,
    Window,
    queue_departments,
    window_queues,
)
from shared.models.priority import PriorityNote, PriorityRequest
from shared.models.staff import ROLES, Staff, StaffRole
from shared.models.tickets import Ticket, TicketCounter, TicketEvent
from shared.models.tours import Tour, TourRoute, Venue, tour_docents
from shared.models.windows import PAUSE_REASONS, WINDOW_EVENT_KINDS, WindowEvent, WindowSession

__all__ = [
    "BAD_LEVELS",
    "CALENDAR_KINDS",
    "CASE_OUTCOMES",
    "CASE_STATES",
    "EVALUATION_CHANNELS",
    "EVALUATION_INDICATORS",
    "EVALUATION_LEVELS",
    "MATTER_TYPES",
    "PAUSE_REASONS",
    "ROLES",
    "TERMINAL_KINDS",
    "WINDOW_EVENT_KINDS",
    "AuditEntry",
    "Base",
    "CalendarDay",
    "Change",
    "Department",
    "Evaluation",
    "EvaluationCase",
    "Feedback",
    "GuideViewCount",
    "MatterAlias",
    "PinLock",
    "PriorityNote",
    "PriorityRequest",
    "Queue",
    "SearchSynonym",
    "ServiceMatter",
    "Setting",
    "Site",
    "Staff",
    "StaffRole",
    "Terminal",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
    "Tour",
    "TourRoute",
    "Venue",
    "Window",
    "WindowEvent",
    "WindowSession",
    "matter_sites",
    "queue_departments",
    "tour_docents",
    "window_queues",
]
