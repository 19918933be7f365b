"""Druid SQL on DuckDB: translation, system tables, execution and result formats."""
