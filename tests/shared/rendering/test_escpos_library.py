"""python-escpos's capabilities cache (issue #10, item 5): a kept folder, no temporary litter.

python-escpos parses its YAML capabilities on every import (150–250 ms) and made a new
temporary folder each time. Imported through ``shared.rendering.escpos_library``, it keeps its
pickle in the data folder's cache and leaves nothing in the temporary folder. Checked in fresh
interpreters with a private ``TMPDIR`` and data folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

RENDER = textwrap.dedent(
    """
    import json, os, sys
    import shared.rendering.escpos_render as render
    from shared.rendering.layout import Text

    before = "escpos" in sys.modules
    data = render.render_receipt_escpos([Text("取号成功")])
    print(json.dumps({
        "escpos_at_import": before,
        "bytes": len(data),
        "pickle_dir": os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR"),
    }))
    """
)


def _render_in_fresh_process(
    tmp: Path, data: Path, pickle_dir: Path | None = None
) -> dict[str, object]:
    env = dict(os.environ, TMPDIR=str(tmp), HALL_DATA_DIR=str(data))
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    if pickle_dir is not None:
        env["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(pickle_dir)
    result = subprocess.run(
        [sys.executable, "-c", RENDER], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


def test_rendering_twice_leaves_no_temporary_folder_and_uses_the_cache(tmp_path: Path) -> None:
    tmp, data = tmp_path / "tmp", tmp_path / "data"
    tmp.mkdir()
    first = _render_in_fresh_process(tmp, data)
    pickles = sorted((data / "cache").glob("escpos-*/*.capabilities.pickle"))
    assert len(pickles) == 1
    written = pickles[0].stat().st_mtime_ns
    second = _render_in_fresh_process(tmp, data)

    assert list(tmp.iterdir()) == []
    # Importing the renderer does not import python-escpos; rendering does, from the cache.
    assert first["escpos_at_import"] is False and second["escpos_at_import"] is False
    assert first["bytes"] == second["bytes"] != 0
    assert first["pickle_dir"] == second["pickle_dir"] == str(pickles[0].parent)
    # The second start loaded the pickle instead of parsing and writing it again; no private
    # folder of the first start is left either.
    assert pickles[0].stat().st_mtime_ns == written
    assert [p.name for p in pickles[0].parent.iterdir()] == [pickles[0].name]


def test_a_folder_chosen_by_the_machine_is_used_and_nothing_is_left_behind(
    tmp_path: Path,
) -> None:
    tmp, data, chosen = tmp_path / "tmp", tmp_path / "data", tmp_path / "chosen"
    tmp.mkdir()
    chosen.mkdir()
    answer = _render_in_fresh_process(tmp, data, pickle_dir=chosen)
    assert answer["pickle_dir"] == str(chosen)
    assert len(list(chosen.glob("*.capabilities.pickle"))) == 1
    assert list(tmp.iterdir()) == []


def test_only_the_library_module_imports_escpos() -> None:
    # One place sets the cache folder before python-escpos is first imported.
    pattern = re.compile(r"^\s*(from escpos\b|import escpos\b)", re.MULTILINE)
    importers = sorted(
        str(path.relative_to(ROOT))
        for package in ("shared", "kiosk", "reception")
        for path in (ROOT / package).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    )
    assert importers == ["shared/rendering/escpos_library.py"]
