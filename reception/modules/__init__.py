"""The console's modules, one file each, and the registry that lists them.

Every module is declared once in :data:`MODULES`, in navigation order: its key, the Chinese
title of its navigation entry, the roles that see it, and the module and class of its page.
The registry imports a module's file only when its page is built, after a member of staff
who may use it has signed in: the files pull in renderers, printers and services (over a
second of imports at first) that the start-up and login screens do not need (issue #10).

To add a module: write ``reception/modules/<name>.py`` (or a package, like ``admin/``) whose
page class takes ``(context)`` — plus ``terminal=`` when the entry says ``per_terminal`` — and
declare it in :data:`MODULES`. A module that replaces a placeholder removes its entry from
``pending.PENDING`` (a duplicate key fails at start-up).
"""

from __future__ import annotations

from dataclasses import dataclass

from reception.i18n import QT_TRANSLATE_NOOP
from reception.modules import pending
from reception.registry import EVERYONE, ModuleFactory, ModuleRegistry, imported_factory

#: The console's terminal code when ``--terminal`` is not given (the 取号台 prints on its
#: printer).
DEFAULT_TERMINAL = "desk-01"

_PKG = "reception.modules"
_CONTEXT = "Modules"


@dataclass(frozen=True)
class ModuleFile:
    """A module of the console and where its page lives.

    Attributes:
        key: a stable code (``ticket_desk``); the module file's ``KEY`` and the page's object
            name.
        title: the Chinese source text of its navigation entry.
        roles: the roles that see it; empty means everyone.
        module: the module that defines the page class, imported when the page is built.
        class_name: the page class, called as ``class_name(context)``.
        per_terminal: the page also takes ``terminal=`` (this console's terminal code).
    """

    key: str
    title: str
    roles: frozenset[str]
    module: str
    class_name: str
    per_terminal: bool = False

    def factory(self, terminal: str) -> ModuleFactory:
        """Builds the page, importing its module first."""
        options = {"terminal": terminal} if self.per_terminal else {}
        return imported_factory(self.module, self.class_name, **options)


_DESK_ROLES = frozenset({"guide", "manager", "admin"})

#: Every module that has its own file, in navigation order; the placeholders of
#: ``pending.PENDING`` come after the entry :data:`PENDING_AFTER`.
MODULES: tuple[ModuleFile, ...] = (
    ModuleFile(
        "ticket_desk",
        QT_TRANSLATE_NOOP(_CONTEXT, "取号台"),
        _DESK_ROLES,
        f"{_PKG}.ticket_desk",
        "DeskPage",
        per_terminal=True,
    ),
    ModuleFile(
        "guide_lookup",
        QT_TRANSLATE_NOOP(_CONTEXT, "办事指南查询"),
        _DESK_ROLES,
        f"{_PKG}.guide_lookup",
        "GuideLookupPage",
        per_terminal=True,
    ),
    ModuleFile(
        "calling",
        QT_TRANSLATE_NOOP(_CONTEXT, "叫号"),
        frozenset({"window", "manager", "admin"}),
        f"{_PKG}.calling",
        "WindowPage",
    ),
    ModuleFile(
        "priority",
        QT_TRANSLATE_NOOP(_CONTEXT, "优先服务"),
        frozenset({"assistant", "manager", "admin"}),
        f"{_PKG}.priority_inbox",
        "PriorityInboxPage",
    ),
    ModuleFile(
        "tours",
        QT_TRANSLATE_NOOP(_CONTEXT, "参观接待"),
        frozenset({"docent", "manager", "admin"}),
        f"{_PKG}.tours",
        "ToursPage",
    ),
    ModuleFile(
        "admin",
        QT_TRANSLATE_NOOP(_CONTEXT, "管理"),
        frozenset({"admin", "manager"}),
        f"{_PKG}.admin",
        "AdminPage",
    ),
    ModuleFile(
        "live", QT_TRANSLATE_NOOP(_CONTEXT, "实时动态"), EVERYONE, f"{_PKG}.live", "LivePanel"
    ),
)

#: The placeholders (``pending.PENDING``) are listed after this module.
PENDING_AFTER = "tours"


def builtin_registry(terminal: str = DEFAULT_TERMINAL) -> ModuleRegistry:
    """A registry holding every module shipped with this version; imports none of their files.

    Args:
        terminal: this console's terminal code (``--terminal``): the 取号台 and 办事指南查询
            print on its printer.
    """
    registry = ModuleRegistry()
    for entry in MODULES:
        registry.register_module(entry.key, entry.title, entry.roles, entry.factory(terminal))
        if entry.key == PENDING_AFTER:
            pending.register(registry)
    return registry
