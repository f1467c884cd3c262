"""Test helpers: real database servers and templates."""
