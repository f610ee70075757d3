"""Roadmap Tracker: management decisions, their deadlines, reminders and escalation."""

__version__ = "0.1.0"
