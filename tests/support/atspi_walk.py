"""Walk a running kiosk's accessibility tree over AT-SPI, as a screen reader sees it.

Run with the system ``python3`` (Debian's ``python3-pyatspi``; the project's venv has no
GObject bindings) inside the same D-Bus session as the kiosk. It presses buttons through
their AT-SPI ``Press`` action — what a blind visitor's screen reader does — and after each
step prints one JSON line: the step, the focused object (role, name, description), and the
showing controls with those that have no name or are smaller than the touch target.

Usage: python3 atspi_walk.py APP_NAME MIN_TARGET_PX STEP [STEP ...]

A step is ``press:NAME`` (the showing control whose name is NAME, or starts with NAME when it
ends with ``*``), ``wait`` (let the screen settle), or ``tree`` (also print every showing
node). The first line describes the tree as it is before any step.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import gi  # type: ignore[import-not-found]
import pyatspi  # type: ignore[import-not-found]

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, GLib  # type: ignore[import-not-found]  # noqa: E402

CONTROL_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON,
    pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON,
    pyatspi.ROLE_TOGGLE_BUTTON,
    pyatspi.ROLE_TEXT,
    pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT,
    pyatspi.ROLE_COMBO_BOX,
    pyatspi.ROLE_LIST,
    pyatspi.ROLE_LIST_ITEM,
    pyatspi.ROLE_SCROLL_BAR,
    pyatspi.ROLE_SCROLL_PANE,
    pyatspi.ROLE_SLIDER,
    pyatspi.ROLE_SPIN_BUTTON,
    pyatspi.ROLE_PAGE_TAB,
}
#: Controls a finger must hit (scroll panes and lists are areas; a scroll bar is dragged
#: anywhere along the page, and the kiosk pages with 上一页/下一页 buttons as well).
TARGET_ROLES = CONTROL_ROLES - {
    pyatspi.ROLE_SCROLL_PANE,
    pyatspi.ROLE_LIST,
    pyatspi.ROLE_SCROLL_BAR,
}
SETTLE_SECONDS = 30.0  # generous: the first form loads the on-screen keyboard (QML)

#: Announcements heard since the last step (AT-SPI ``object:announcement``: what a screen
#: reader says without focus moving).
HEARD: list[str] = []


def _heard(event: Any) -> None:
    HEARD.append(str(event.any_data))


_LISTENER = Atspi.EventListener.new(_heard)


def pump(seconds: float) -> None:
    """Let events arrive for ``seconds`` (the listener needs the main context turned)."""
    context = GLib.MainContext.default()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        while context.iteration(False):
            pass
        time.sleep(0.02)


def find_app(name: str) -> Any:
    desktop = pyatspi.Registry.getDesktop(0)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for app in desktop:
            if app is not None and app.name == name:
                return app
        time.sleep(0.2)
    raise SystemExit(f"no application {name!r} on the accessibility bus")


def showing(node: Any, depth: int = 0) -> list[Any]:
    """Every showing node under ``node`` (itself included)."""
    found: list[Any] = []
    try:
        states = node.getState()
    except Exception:
        return found
    if depth > 0 and not states.contains(pyatspi.STATE_SHOWING):
        return found
    found.append(node)
    for child in node:
        if child is not None:
            found += showing(child, depth + 1)
    return found


def describe(node: Any) -> dict[str, Any]:
    try:
        extents = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        size = [extents.width, extents.height]
    except Exception:
        size = None
    return {
        "role": node.getRoleName(),
        "name": node.name or "",
        "description": node.description or "",
        "size": size,
    }


def focused(nodes: list[Any]) -> Any | None:
    for node in nodes:
        try:
            if node.getState().contains(pyatspi.STATE_FOCUSED):
                return node
        except Exception:
            continue
    return None


def report(app: Any, step: str, min_target: int, with_tree: bool) -> dict[str, Any]:
    nodes = showing(app)
    controls = [n for n in nodes if n.getRole() in CONTROL_ROLES]
    unnamed = [describe(n) for n in controls if not (n.name or "").strip()]
    small = []
    for node in controls:
        if node.getRole() not in TARGET_ROLES:
            continue
        info = describe(node)
        if info["size"] and min(info["size"]) < min_target:
            small.append(info)
    target = focused(nodes)
    pump(0.1)
    line: dict[str, Any] = {
        "step": step,
        "focused": describe(target) if target is not None else None,
        "controls": len(controls),
        "unnamed": unnamed,
        "small": small,
        "labels": [n.name for n in nodes if n.getRole() == pyatspi.ROLE_LABEL and n.name],
        "names": [n.name or "" for n in controls],
        "announced": list(HEARD),
    }
    if with_tree:
        line["tree"] = [describe(n) for n in nodes]
    return line


def press(app: Any, name: str) -> None:
    prefix = name.endswith("*")
    wanted = name[:-1] if prefix else name
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        for node in showing(app):
            label = node.name or ""
            if node.getRole() not in CONTROL_ROLES:
                continue
            if label == wanted or (prefix and label.startswith(wanted)):
                action = node.queryAction()
                for index in range(action.nActions):
                    if action.getName(index) in ("Press", "press", "click"):
                        action.doAction(index)
                        return
        pump(0.2)
    names = sorted({n.name for n in showing(app) if n.getRole() in CONTROL_ROLES})
    raise SystemExit(f"no control {name!r} showing; showing: {names}")


def settle(app: Any, before: str) -> None:
    """Wait until the focused object changes from ``before`` or something is announced (a
    key press keeps focus where it is), or the settle time passes."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while time.monotonic() < deadline:
        pump(0.3)
        if HEARD:
            pump(0.5)
            return
        target = focused(showing(app))
        now = json.dumps(describe(target), ensure_ascii=False) if target is not None else ""
        if now and now != before:
            pump(0.5)  # let the rest of the screen fill in, and announcements arrive
            return


def main() -> None:
    name, min_target, *steps = sys.argv[1:]
    _LISTENER.register("object:announcement")
    app = find_app(name)
    print(json.dumps(report(app, "start", int(min_target), False), ensure_ascii=False), flush=True)
    for step in steps:
        if step == "tree":
            print(json.dumps(report(app, "tree", int(min_target), True), ensure_ascii=False))
            continue
        target = focused(showing(app))
        before = json.dumps(describe(target), ensure_ascii=False) if target is not None else ""
        HEARD.clear()
        if step.startswith("press:"):
            press(app, step[len("press:") :])
        settle(app, before)
        line = report(app, step, int(min_target), False)
        print(json.dumps(line, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
