"""The one Druid HTTP client (Overlord tasks and supervisors, SQL, metadata) and task specs.

It speaks only Druid's documented HTTP API, so the same calls work on olap-lite and a Druid
cluster (docs/druid.md: the behaviours olap-lite reproduces).
"""
