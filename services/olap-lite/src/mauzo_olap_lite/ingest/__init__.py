"""Batch ingestion: the spec, the SQL plan built from it, row statistics and publishing."""
