"""Qt helpers common to the kiosk and the console (the Qt side of the wall)."""
