"""Read a rendered PDF back as text, with poppler's ``pdftotext`` (a CI dependency: a missing
tool fails the test, it never skips it)."""

from __future__ import annotations

import subprocess
from pathlib import Path


def pdf_text(data: bytes, tmp_path: Path, layout: bool = False) -> str:
    """The text of the PDF ``data`` (written under ``tmp_path``)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout
