"""Frozen entry point of the reception console bundle."""

from reception.__main__ import main

if __name__ == "__main__":
    raise SystemExit(main())
