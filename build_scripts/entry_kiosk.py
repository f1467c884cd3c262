"""Frozen entry point of the kiosk bundle (PyInstaller needs a script, not ``-m kiosk``)."""

from kiosk.__main__ import main

if __name__ == "__main__":
    raise SystemExit(main())
