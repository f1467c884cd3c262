"""The module registry: which modules exist and who sees them."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QLabel

from reception.modules import MODULES, builtin_registry
from reception.registry import EVERYONE, ModuleRegistry
from reception.roles import role_label, roles_text
from shared.models import ROLES


def test_builtin_modules_in_navigation_order() -> None:
    titles = [spec.title for spec in builtin_registry().all()]
    assert titles == [
        "取号台",
        "办事指南查询",
        "叫号",
        "优先服务",
        "参观接待",
        "报表",
        "管理",
        "实时动态",
    ]


@pytest.mark.parametrize(
    ("roles", "keys"),
    [
        (["guide"], ["ticket_desk", "guide_lookup", "live"]),
        (["window"], ["calling", "live"]),
        (["assistant"], ["priority", "live"]),
        (["docent"], ["tours", "live"]),
        (["guide", "docent"], ["ticket_desk", "guide_lookup", "tours", "live"]),
        (
            ["manager"],
            [
                "ticket_desk",
                "guide_lookup",
                "calling",
                "priority",
                "tours",
                "reports",
                "admin",
                "live",
            ],
        ),
    ],
)
def test_modules_follow_roles(roles: list[str], keys: list[str]) -> None:
    assert [spec.key for spec in builtin_registry().for_roles(roles)] == keys


def test_a_key_registers_once() -> None:
    registry = ModuleRegistry()
    registry.register_module("x", "甲", EVERYONE, lambda _context: QLabel())
    with pytest.raises(ValueError, match="already registered"):
        registry.register_module("x", "乙", ["admin"], lambda _context: QLabel())
    assert registry.get("x").title == "甲"


def test_every_role_has_a_chinese_label() -> None:
    labels = [role_label(role) for role in ROLES]
    assert labels == ["系统管理员", "项目经理", "咨询引导", "帮办代办", "综合窗口", "讲解接待"]
    assert roles_text(["guide", "manager"]) == "项目经理、咨询引导"


def test_every_declared_module_file_has_its_page() -> None:
    # The registry imports a module's file by name when its page is built (issue #10): a
    # renamed file or class would otherwise fail only when someone with that role logs in.
    for entry in MODULES:
        module = importlib.import_module(entry.module)
        assert entry.key == module.KEY
        assert isinstance(getattr(module, entry.class_name), type)
        # A module file that still declares its title or roles agrees with the table.
        assert getattr(module, "TITLE", entry.title) == entry.title
        assert frozenset(getattr(module, "ROLES", entry.roles)) == entry.roles


def test_building_the_registry_imports_no_module_file() -> None:
    code = (
        "import json, sys\n"
        "from reception.modules import MODULES, builtin_registry\n"
        "builtin_registry()\n"
        "print(json.dumps([e.module for e in MODULES if e.module in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
