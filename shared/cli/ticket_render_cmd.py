"""``hall ticket render`` and ``hall ticket verify``: the slip in each format, and its QR."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def register_into(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add the rendering commands to the ``ticket`` group (filled in by the rendering work)."""
