"""The hall's organisation: sites, departments, queues, windows, terminals and settings."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.models.base import Base, CreatedMixin, IdMixin

SITE_KINDS = ("district", "subcentre", "township")
QUEUE_POLICIES = ("strict", "interleave")

window_queues = Table(
    "window_queues",
    Base.metadata,
    Column("window_id", ForeignKey("windows.id", ondelete="CASCADE"), primary_key=True),
    Column("queue_id", ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True),
)

#: Which departments' matters a queue takes (业务队列 → 部门), as the workbook lists them.
queue_departments = Table(
    "queue_departments",
    Base.metadata,
    Column("queue_id", ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True),
)


class Site(IdMixin, CreatedMixin, Base):
    """A service location: the district hall, the sub-centre, or a township centre."""

    __tablename__ = "sites"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    queues: Mapped[list[Queue]] = relationship(back_populates="site", order_by="Queue.prefix")
    windows: Mapped[list[Window]] = relationship(back_populates="site", order_by="Window.number")


class Department(IdMixin, Base):
    """One of the district's departments (部门)."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Queue(IdMixin, Base):
    """A ticket series (业务类型) with a letter prefix at one site."""

    __tablename__ = "queues"
    __table_args__ = (UniqueConstraint("site_id", "prefix"),)

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(200), default="")
    policy: Mapped[str] = mapped_column(String(20), default="strict")
    interleave_n: Mapped[int] = mapped_column(default=3)
    default_service_minutes: Mapped[int] = mapped_column(default=8)
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    site: Mapped[Site] = relationship(back_populates="queues")
    windows: Mapped[list[Window]] = relationship(
        secondary=window_queues, back_populates="queues", order_by="Window.number"
    )
    departments: Mapped[list[Department]] = relationship(
        secondary=queue_departments, order_by="Department.sort_order"
    )


class Window(IdMixin, Base):
    """A numbered counter (窗口) serving one or more queues."""

    __tablename__ = "windows"
    __table_args__ = (UniqueConstraint("site_id", "number"),)

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(60))
    location: Mapped[str] = mapped_column(String(100), default="")
    # Position on the hall map, as fractions of its width and height.
    map_x: Mapped[float | None]
    map_y: Mapped[float | None]
    active: Mapped[bool] = mapped_column(default=True)

    site: Mapped[Site] = relationship(back_populates="windows")
    queues: Mapped[list[Queue]] = relationship(
        secondary=window_queues, back_populates="windows", order_by="Queue.prefix"
    )


TERMINAL_KINDS = ("kiosk", "desk", "board", "rating_pad")


class Terminal(IdMixin, CreatedMixin, Base):
    """A kiosk, console, display or rating pad, with where it stands and how it prints.

    ``printer`` is validated by :mod:`shared.printing.config` when written; the ``last_print_*``
    columns keep the outcome of the terminal's last test print. ``pin_hash`` is this kiosk's
    own admin PIN (else the site's).
    """

    __tablename__ = "terminals"

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(100), default="")
    printer: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(default=True)
    last_print_at: Mapped[datetime | None]
    last_print_result: Mapped[str] = mapped_column(String(20), default="")
    last_print_detail: Mapped[str] = mapped_column(String(200), default="")
    pin_hash: Mapped[str | None] = mapped_column(String(200))


class PinLock(Base):
    """Wrong kiosk-PIN attempts for one scope (``terminal:CODE`` or ``site:CODE``)."""

    __tablename__ = "pin_locks"

    scope: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]


class Setting(IdMixin, Base):
    """A configuration value, hall-wide (``site_id`` null) or for one site."""

    __tablename__ = "settings"
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"))
    key: Mapped[str] = mapped_column(String(80))
    value: Mapped[Any] = mapped_column(JSON)
