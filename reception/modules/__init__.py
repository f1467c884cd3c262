"""The console's modules, one file each, and the registry that lists them.

To add a module: write ``reception/modules/<name>.py`` (or a package, like ``admin/``) with
``register(registry)`` calling ``registry.register_module(key, title, roles, factory)``, and
add it to :data:`MODULE_FILES` in navigation order. A module that replaces a placeholder
removes its entry from ``pending.PENDING`` (a duplicate key fails at start-up).
"""

from __future__ import annotations

from reception.modules import (
    admin,
    calling,
    guide_lookup,
    live,
    pending,
    priority_inbox,
    ticket_desk,
    tours,
)
from reception.registry import ModuleRegistry

#: Registration order is navigation order (the 取号台 is registered first, with the
#: console's terminal code).
MODULE_FILES = (calling, priority_inbox, tours, pending, admin, live)


def builtin_registry(terminal: str = ticket_desk.DEFAULT_TERMINAL) -> ModuleRegistry:
    """A registry holding every module shipped with this version.

    Args:
        terminal: this console's terminal code (``--terminal``): the 取号台 prints on its
            printer.
    """
    registry = ModuleRegistry()
    ticket_desk.register(registry, terminal=terminal)
    guide_lookup.register(registry, terminal=terminal)
    for module in MODULE_FILES:
        module.register(registry)
    return registry
