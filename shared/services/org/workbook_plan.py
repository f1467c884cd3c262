"""What a checked organisation workbook says, as plain values ready to write."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

Span = tuple[str, str]


@dataclass(frozen=True)
class SitePlan:
    """A site row, checked."""

    row: int
    code: str
    name: str
    kind: str
    address: str
    phone: str


@dataclass(frozen=True)
class DepartmentPlan:
    """A department row, checked."""

    row: int
    code: str
    name: str
    short_name: str


@dataclass(frozen=True)
class QueuePlan:
    """A queue row, checked (``interleave_n`` only with the interleave policy)."""

    row: int
    site: str
    prefix: str
    name: str
    description: str
    policy: str
    interleave_n: int | None
    minutes: int
    departments: tuple[str, ...]


@dataclass(frozen=True)
class WindowPlan:
    """A window row, checked."""

    row: int
    site: str
    number: int
    name: str
    location: str
    queues: tuple[str, ...]


@dataclass(frozen=True)
class TerminalPlan:
    """A terminal row, checked; ``printer`` is validated printer settings."""

    row: int
    code: str
    kind: str
    site: str
    location: str
    printer: dict[str, Any]


@dataclass(frozen=True)
class DayPlan:
    """One calendar date (hall-wide when ``site`` is None), from one or more rows."""

    row: int
    day: date
    site: str | None
    kind: str
    name: str
    sessions: tuple[Span, ...]


@dataclass(frozen=True)
class SettingPlan:
    """A setting row with a value, checked (``text`` is what change_setting parses)."""

    row: int
    key: str
    site: str | None
    text: str
    value: Any


@dataclass
class Plan:
    """Everything the workbook says, checked and ready to write."""

    sites: list[SitePlan] = field(default_factory=list)
    departments: list[DepartmentPlan] = field(default_factory=list)
    queues: list[QueuePlan] = field(default_factory=list)
    windows: list[WindowPlan] = field(default_factory=list)
    terminals: list[TerminalPlan] = field(default_factory=list)
    #: Weekly hours by (site or None, setting key).
    hours: dict[tuple[str | None, str], dict[str, Any]] = field(default_factory=dict)
    days: list[DayPlan] = field(default_factory=list)
    settings: list[SettingPlan] = field(default_factory=list)
