"""Staff accounts and their roles."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.models.base import Base, CreatedMixin, IdMixin

ROLES = ("admin", "manager", "guide", "assistant", "window", "docent")


class Staff(IdMixin, CreatedMixin, Base):
    """A person who logs in to the console. The password is stored only as a scrypt hash."""

    __tablename__ = "staff"

    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"))
    disabled: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    #: Set when a manager resets the password: the next login must choose a new one.
    must_change_password: Mapped[bool] = mapped_column(default=False)

    role_rows: Mapped[list[StaffRole]] = relationship(
        cascade="all, delete-orphan", order_by="StaffRole.role", lazy="selectin"
    )

    @property
    def roles(self) -> list[str]:
        """The account's role names, sorted."""
        return [row.role for row in self.role_rows]


class StaffRole(Base):
    """One role held by one account."""

    __tablename__ = "staff_roles"

    staff_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
