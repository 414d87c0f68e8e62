"""Playwright journeys (pytest -m browser)."""
