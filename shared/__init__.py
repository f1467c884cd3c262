"""ServiceHall's domain and data layer, shared by the kiosk, the console and the CLI.

Everything here outside ``shared.qt`` is plain Python: it never imports Qt, so the CLI,
the tests and both apps stand on the same services.
"""

__version__ = "0.1.0"
