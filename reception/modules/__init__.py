"""The console's modules, one file each, and the registry that lists them.

To add a module: write ``reception/modules/<name>.py`` with ``register(registry)`` calling
``registry.register_module(key, title, roles, factory)``, and add it to :data:`MODULE_FILES`
in navigation order. A module that replaces a placeholder removes its entry from
``pending.PENDING`` (a duplicate key fails at start-up).
"""

from __future__ import annotations

from reception.modules import live, pending, priority_inbox, staff_admin
from reception.registry import ModuleRegistry

#: Registration order is navigation order.
MODULE_FILES = (priority_inbox, pending, staff_admin, live)


def builtin_registry() -> ModuleRegistry:
    """A registry holding every module shipped with this version."""
    registry = ModuleRegistry()
    for module in MODULE_FILES:
        module.register(registry)
    return registry
