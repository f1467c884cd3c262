"""Domain services: the only write path. Each takes a SQLAlchemy session and returns plain data."""
