"""The self-service kiosk (自助服务终端): a full-screen touch application for visitors.

``python -m kiosk`` or ``hall-kiosk`` starts it. :mod:`kiosk.window` is the shell (a stack of
screens with a small registry), :mod:`kiosk.controller` wires it to the database through
background tasks, and each visitor flow lives in its own module under :mod:`kiosk.screens`.
"""
