"""python-escpos, imported through here only, with its capabilities cache in a kept folder.

On its first import python-escpos parses its YAML capabilities file (150–250 ms) and pickles
the result into ``ESCPOS_CAPABILITIES_PICKLE_DIR``; when that variable is not set it makes a
new temporary folder for the pickle on every start, never removes it and parses again next
time. Here the variable is set, before python-escpos is imported, to a folder of
:func:`shared.paths.cache_dir` named by python-escpos's version, so later starts load the
pickle (~40 ms). A variable already set by the machine is kept.

Two details of python-escpos 3.1 are handled here. It calls ``tempfile.mkdtemp()`` even when
the variable is set (the call is the default argument of ``environ.get``) and leaves that
empty folder behind: during the import, that call on the importing thread answers the cache
folder instead of making one. And it writes the pickle in place while it parses, so a second
app starting at that moment would read half a file and fail: the first start writes it in a
private folder and moves it into place whole.

Every module that needs python-escpos imports it from here (a test checks), and only when it
renders or prints ESC/POS, so starting an app costs nothing.
"""

from __future__ import annotations

import logging
import os
import platform
import shutil
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PICKLE_DIR_VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def capabilities_cache_dir() -> Path:
    """The kept folder for python-escpos's pickled capabilities (created on first use)."""
    import escpos  # the package alone: its version, not its capabilities

    from shared.paths import cache_dir

    folder = cache_dir() / f"escpos-{escpos.__version__}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _pickle_name() -> str:
    # python-escpos's own file name: one pickle per Python version.
    return f"{platform.python_version()}.capabilities.pickle"


def _is_current(pickle: Path) -> bool:
    import escpos

    capabilities = Path(escpos.__file__).parent / "capabilities.json"
    try:
        return pickle.stat().st_mtime >= capabilities.stat().st_mtime
    except OSError:
        return False


@contextmanager
def _mkdtemp_answers(folder: Path) -> Iterator[None]:
    # While python-escpos imports, its bare mkdtemp() call on this thread gets ``folder``
    # (which exists) instead of a new temporary folder; any other call is left alone.
    real = tempfile.mkdtemp
    importing = threading.get_ident()

    def mkdtemp(*args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs and threading.get_ident() == importing:
            return str(folder)
        return real(*args, **kwargs)

    tempfile.mkdtemp = mkdtemp
    try:
        yield
    finally:
        tempfile.mkdtemp = real


def _import_capabilities(folder: Path) -> None:
    os.environ[PICKLE_DIR_VARIABLE] = str(folder)
    with _mkdtemp_answers(folder):
        import escpos.capabilities  # noqa: F401 - parses the YAML or loads the pickle


def _import_with_kept_cache() -> None:
    if "escpos.capabilities" in sys.modules:
        return
    chosen = os.environ.get(PICKLE_DIR_VARIABLE)
    if chosen:  # the machine's (or a parent process's) folder: used as it is
        _import_capabilities(Path(chosen))
        return
    try:
        folder = capabilities_cache_dir()
    except OSError as exc:  # a read-only data folder: python-escpos falls back to a temp folder
        log.warning("no cache folder for python-escpos: %s", exc)
        return
    kept = folder / _pickle_name()
    if _is_current(kept):
        try:
            _import_capabilities(folder)
            return
        except Exception as exc:  # a damaged pickle (a full disk): parse the YAML again
            log.warning("python-escpos's cached capabilities were unreadable: %s", exc)
            kept.unlink(missing_ok=True)
    private = Path(tempfile.mkdtemp(prefix=".new-", dir=folder))
    try:
        _import_capabilities(private)
        os.replace(private / _pickle_name(), kept)
    except OSError as exc:  # the next start parses again; nothing else is lost
        log.warning("python-escpos's capabilities were not cached: %s", exc)
    finally:
        os.environ[PICKLE_DIR_VARIABLE] = str(folder)
        shutil.rmtree(private, ignore_errors=True)


_import_with_kept_cache()

# The names the renderers and printers use; python-escpos is imported above, once.
from escpos.capabilities import get_profile  # noqa: E402 - after the cache folder is set
from escpos.constants import QR_ECLEVEL_M  # noqa: E402 - same
from escpos.printer import Dummy, Usb  # noqa: E402 - same

__all__ = [
    "PICKLE_DIR_VARIABLE",
    "QR_ECLEVEL_M",
    "Dummy",
    "Usb",
    "capabilities_cache_dir",
    "get_profile",
]
