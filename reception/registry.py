"""The console's module registry: which screens exist and which roles see them.

Each module lives in its own file under ``reception/modules/`` and is declared once, by key,
title, roles and where its page class lives, in ``reception.modules.MODULES``; the registry
holds those declarations and a factory per module. The console asks the registry for the
modules a signed-in member of staff may use and builds each one with a :class:`ModuleContext`.
A module file is imported by its factory (:func:`imported_factory`), when its page is built
after a login, not when the console starts: the files pull in renderers, printers and services
the login screen does not need (issue #10). A registry is an ordinary object built at start-up
(see ``reception.modules.builtin_registry``), not a global.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget
from sqlalchemy.orm import Session, sessionmaker

from shared.qt.tasks import TaskRunner
from shared.services.staff import StaffInfo

#: ``roles`` value of a module every signed-in member of staff sees.
EVERYONE: frozenset[str] = frozenset()


class ChangeHub(QObject):
    """Re-emits the change feed to the modules of one console session.

    The hub belongs to the console view, so when staff log out it is destroyed with the
    modules and every connection to it goes too; the feed watcher itself lives on.

    Signals:
        changes_arrived(list): a batch of :class:`shared.changes.ChangeRecord`.
        connection_changed(bool): the database became unreachable (False) or came back (True).
    """

    changes_arrived = Signal(list)
    connection_changed = Signal(bool)

    @Slot(list)
    def on_feed_changes_arrived(self, batch: list[object]) -> None:
        """Pass a batch on to the modules."""
        self.changes_arrived.emit(batch)

    @Slot(bool)
    def on_feed_connection_changed(self, connected: bool) -> None:
        """Pass a connection change on to the modules."""
        self.connection_changed.emit(connected)


@dataclass(frozen=True)
class ModuleContext:
    """What a module gets when it is built: plain data and the shared background helpers.

    Attributes:
        staff: who is signed in.
        site_code: the terminal's site (``--site``), else the staff member's, else ``None``.
        runner: runs database work off the GUI thread (one session per operation).
        read_factory: a read-only sessionmaker, for modules that follow data themselves.
        hub: the change feed of this console session.
    """

    staff: StaffInfo
    site_code: str | None
    runner: TaskRunner
    read_factory: sessionmaker[Session]
    hub: ChangeHub


ModuleFactory = Callable[[ModuleContext], QWidget]


def imported_factory(module: str, class_name: str, **options: object) -> ModuleFactory:
    """A factory that imports ``module`` when the page is built and calls
    ``class_name(context, **options)``.

    The module is named by a string, out of PyInstaller's sight: the bundles take every
    ``reception`` module as a hidden import (``build_scripts/bundle_common.py``).
    """

    def build(context: ModuleContext) -> QWidget:
        page_class = getattr(importlib.import_module(module), class_name)
        page = page_class(context, **options)
        assert isinstance(page, QWidget)
        return page

    return build


@dataclass(frozen=True)
class ModuleSpec:
    """One registered module.

    Attributes:
        key: a stable code (``ticket_desk``); also the page's object name.
        title: the Chinese source text of its navigation entry (translated when shown).
        roles: the roles that see it; empty means everyone.
        factory: builds the module's page.
    """

    key: str
    title: str
    roles: frozenset[str]
    factory: ModuleFactory

    def visible_to(self, roles: Iterable[str]) -> bool:
        """True when someone holding ``roles`` may use this module."""
        return not self.roles or not self.roles.isdisjoint(roles)


class ModuleRegistry:
    """The modules of the console, in navigation order."""

    def __init__(self) -> None:
        self._specs: dict[str, ModuleSpec] = {}

    def register_module(
        self, key: str, title: str, roles: Iterable[str], factory: ModuleFactory
    ) -> ModuleSpec:
        """Add a module; raises ``ValueError`` if ``key`` is taken (two files claiming one
        module is a merge mistake worth failing loudly on)."""
        if key in self._specs:
            raise ValueError(f"module already registered: {key}")
        spec = ModuleSpec(key=key, title=title, roles=frozenset(roles), factory=factory)
        self._specs[key] = spec
        return spec

    def get(self, key: str) -> ModuleSpec:
        """The module registered as ``key``."""
        return self._specs[key]

    def all(self) -> list[ModuleSpec]:
        """Every module, in registration order."""
        return list(self._specs.values())

    def for_roles(self, roles: Iterable[str]) -> list[ModuleSpec]:
        """The modules someone holding ``roles`` sees, in registration order."""
        held = set(roles)
        return [spec for spec in self._specs.values() if spec.visible_to(held)]
