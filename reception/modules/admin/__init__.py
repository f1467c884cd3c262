"""管理: the console's administration module, a host of pages filtered by role (issue #9).

Admins (IT) see every page; managers see the people and the hours: 工作人员 and
营业时间与节假日. Each page lives in its own file in this package and is declared once in
:data:`PAGES`; the host imports a page's module when it builds the page and calls
``Class(context, parent)``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from reception.i18n import QT_TRANSLATE_NOOP, translate
from reception.registry import ModuleContext, ModuleRegistry

KEY = "admin"
TITLE = QT_TRANSLATE_NOOP("Modules", "管理")
ROLES = ("admin", "manager")
CONTEXT = "AdminPages"


@dataclass(frozen=True)
class AdminPageSpec:
    """One page of 管理: its key, Chinese title, the roles that see it, and where it lives."""

    key: str
    title: str
    roles: tuple[str, ...]
    module: str
    class_name: str

    def visible_to(self, roles: Iterable[str]) -> bool:
        """True when someone holding ``roles`` sees this page."""
        return not set(self.roles).isdisjoint(roles)


_ADMIN = ("admin",)
_PEOPLE = ("admin", "manager")
_PKG = "reception.modules.admin"

#: The pages, in tab order.
PAGES: tuple[AdminPageSpec, ...] = (
    AdminPageSpec(
        "staff", QT_TRANSLATE_NOOP(CONTEXT, "工作人员"), _PEOPLE, f"{_PKG}.staff", "StaffPage"
    ),
    AdminPageSpec(
        "hours",
        QT_TRANSLATE_NOOP(CONTEXT, "营业时间与节假日"),
        _PEOPLE,
        f"{_PKG}.hours",
        "HoursPage",
    ),
    AdminPageSpec(
        "organisation",
        QT_TRANSLATE_NOOP(CONTEXT, "组织机构"),
        _ADMIN,
        f"{_PKG}.organisation",
        "OrganisationPage",
    ),
    AdminPageSpec(
        "terminals",
        QT_TRANSLATE_NOOP(CONTEXT, "终端与打印机"),
        _ADMIN,
        f"{_PKG}.terminals",
        "TerminalsPage",
    ),
    AdminPageSpec(
        "settings",
        QT_TRANSLATE_NOOP(CONTEXT, "系统设置"),
        _ADMIN,
        f"{_PKG}.settings_page",
        "SettingsPage",
    ),
    AdminPageSpec(
        "pin", QT_TRANSLATE_NOOP(CONTEXT, "自助机密码"), _ADMIN, f"{_PKG}.pin", "KioskPinPage"
    ),
    AdminPageSpec(
        "catalog",
        QT_TRANSLATE_NOOP(CONTEXT, "事项导入"),
        _ADMIN,
        f"{_PKG}.catalog_import",
        "CatalogImportPage",
    ),
)


def pages_for(roles: Iterable[str]) -> list[AdminPageSpec]:
    """The pages someone holding ``roles`` sees, in tab order."""
    held = set(roles)
    return [spec for spec in PAGES if spec.visible_to(held)]


class AdminPage(QWidget):
    """The 管理 host: one tab per page the signed-in role may use.

    Signals:
        page_selected(str): the key of the page now shown.
    """

    page_selected = Signal(str)

    def __init__(self, context: ModuleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"module_{KEY}")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("admin_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName(self.tr("管理功能"))
        self._keys: list[str] = []
        for spec in pages_for(context.staff.roles):
            # Imported when the host is built, not when the console starts.
            module = importlib.import_module(spec.module)
            page = getattr(module, spec.class_name)(context, self.tabs)
            self.tabs.addTab(page, translate(CONTEXT, spec.title))
            self._keys.append(spec.key)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self.on_tabs_current_changed)

    def page_keys(self) -> list[str]:
        """The keys of the pages shown, in tab order."""
        return list(self._keys)

    def page_titles(self) -> list[str]:
        """The tab titles, in order."""
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def page(self, key: str) -> QWidget:
        """The page ``key``."""
        widget = self.tabs.widget(self._keys.index(key))
        assert isinstance(widget, QWidget)
        return widget

    def select_page(self, key: str) -> None:
        """Show the page ``key``."""
        self.tabs.setCurrentIndex(self._keys.index(key))

    @Slot(int)
    def on_tabs_current_changed(self, index: int) -> None:
        if index >= 0:
            self.page_selected.emit(self._keys[index])


def register(registry: ModuleRegistry) -> None:
    """Register the 管理 module."""
    registry.register_module(KEY, TITLE, ROLES, AdminPage)
