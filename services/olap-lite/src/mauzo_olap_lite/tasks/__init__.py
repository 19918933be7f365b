"""Overlord tasks: the task table, Druid's status/report shapes, and the background runner."""
