"""Talking to the OLAP store: the Druid SQL client, the datasource catalog, the query runner
and its caches (query results and whole GraphQL responses)."""
