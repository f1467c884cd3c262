"""Screens of the console shell: they lay widgets out and emit signals, nothing more."""
