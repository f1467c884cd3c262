"""The names of the home screen's four choices (spec §3), in a module of their own.

The home screen and the controller need them at start; importing each flow's module for its
``NAME`` would import the flow, and with it, sooner or later, the data layer, before the home
screen shows (spec §12). Each flow module's ``NAME`` is the same string (a test checks it).
"""

TICKET = "ticket"
GUIDE = "guide"
PRIORITY = "priority"
RATING = "rating"
