"""Druid's native query language (POST /druid/v2) translated to DuckDB SQL.

Each query type has its own module; the common parts (datasource, intervals, filters,
virtual columns, granularity, aggregators, post-aggregators, dimension specs) are shared, and every
query runs through the SQL engine's cursor registry, so timeout and cancellation behave as in SQL.
"""
