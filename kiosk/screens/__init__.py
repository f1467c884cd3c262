"""The kiosk's screens. Each visitor flow has its own module exposing ``NAME`` and
``create_screen()``; views lay out and emit signals, the controller wires them.
"""
