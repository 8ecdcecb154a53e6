"""Textual UI: screens, widgets, styles. Calls core from thread workers."""
