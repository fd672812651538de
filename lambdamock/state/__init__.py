"""The in-memory domain: functions, versions and their tables."""
