"""Typed SQLAlchemy models for every entity of the product.

Import models from here; each domain keeps its own module.
"""

from shared.models.base import Base
from shared.models.catalog import MATTER_TYPES, ServiceMatter, matter_sites
from shared.models.feed import AuditEntry, Change
from shared.models.feedback import EVALUATION_LEVELS, Evaluation, Feedback
from shared.models.org import Department, Queue, Setting, Site, Terminal, Window, window_queues
from shared.models.priority import PriorityNote, PriorityRequest
from shared.models.staff import ROLES, Staff, StaffRole
from shared.models.tickets import Ticket, TicketCounter, TicketEvent
from shared.models.tours import Tour, TourRoute, Venue, tour_docents

__all__ = [
    "EVALUATION_LEVELS",
    "MATTER_TYPES",
    "ROLES",
    "AuditEntry",
    "Base",
    "Change",
    "Department",
    "Evaluation",
    "Feedback",
    "PriorityNote",
    "PriorityRequest",
    "Queue",
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
    "matter_sites",
    "tour_docents",
    "window_queues",
]
