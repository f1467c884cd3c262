"""Demo data: the Huarong hall at real size, generated deterministically from a seed."""
