"""INFORMATION_SCHEMA and sys tables with Druid's column names and types, as DuckDB views.

Druid's INFORMATION_SCHEMA: TABLE_SCHEMA 'druid' for datasources, DATA_TYPE VARCHAR / BIGINT /
DOUBLE / FLOAT / TIMESTAMP, ORDINAL_POSITION from 1 with __time first; sys.tasks and
sys.segments carry the task table and the published (used) segments; sys.supervisors the
supervisors (live state refreshed by the SQL engine just before a query reads it).
"""

from __future__ import annotations

import duckdb

from mauzo_olap_lite.database import META
from mauzo_olap_lite.supervisors import store

SYSTEM_TABLES: dict[tuple[str, str], str] = {
    ("INFORMATION_SCHEMA", "SCHEMATA"): "is_schemata",
    ("INFORMATION_SCHEMA", "TABLES"): "is_tables",
    ("INFORMATION_SCHEMA", "COLUMNS"): "is_columns",
    ("sys", "tasks"): "sys_tasks",
    ("sys", "segments"): "sys_segments",
    ("sys", "supervisors"): "sys_supervisors",
}

_SQL_TYPE = (
    "CASE c.duck_type WHEN 'VARCHAR' THEN 'VARCHAR' WHEN 'BIGINT' THEN 'BIGINT' "
    "WHEN 'DOUBLE' THEN 'DOUBLE' WHEN 'FLOAT' THEN 'FLOAT' WHEN 'TIMESTAMP' THEN 'TIMESTAMP' "
    "ELSE 'VARCHAR' END"
)
_JDBC = (
    "CASE c.duck_type WHEN 'BIGINT' THEN -5 WHEN 'DOUBLE' THEN 8 WHEN 'FLOAT' THEN 6 "
    "WHEN 'TIMESTAMP' THEN 93 ELSE 12 END"
)
_USED = f"(SELECT DISTINCT datasource FROM {META}.segments WHERE used)"
_ISO = "strftime({}, '%Y-%m-%dT%H:%M:%S.%gZ')"

VIEWS = {
    "is_schemata": """
        SELECT * FROM (VALUES ('druid', 'druid'), ('druid', 'INFORMATION_SCHEMA'), ('druid', 'sys'))
        AS s("CATALOG_NAME", "SCHEMA_NAME")
    """,
    "is_tables": f"""
        SELECT 'druid' AS "TABLE_CATALOG", 'druid' AS "TABLE_SCHEMA", datasource AS "TABLE_NAME",
               'TABLE' AS "TABLE_TYPE", 'NO' AS "IS_JOINABLE", 'NO' AS "IS_BROADCAST"
        FROM {_USED}
        UNION ALL
        SELECT 'druid', s, t, 'SYSTEM_TABLE', 'NO', 'NO' FROM (VALUES
            ('INFORMATION_SCHEMA', 'SCHEMATA'), ('INFORMATION_SCHEMA', 'TABLES'),
            ('INFORMATION_SCHEMA', 'COLUMNS'), ('sys', 'segments'), ('sys', 'supervisors'),
            ('sys', 'tasks')) AS v(s, t)
    """,
    "is_columns": f"""
        SELECT 'druid' AS "TABLE_CATALOG", 'druid' AS "TABLE_SCHEMA", c.datasource AS "TABLE_NAME",
               c.name AS "COLUMN_NAME", CAST(c.position + 1 AS BIGINT) AS "ORDINAL_POSITION",
               '' AS "COLUMN_DEFAULT",
               CASE WHEN c.name = '__time' THEN 'NO' ELSE 'YES' END
                   AS "IS_NULLABLE",
               {_SQL_TYPE} AS "DATA_TYPE",
               CAST(NULL AS BIGINT) AS "CHARACTER_MAXIMUM_LENGTH",
               CAST(NULL AS BIGINT) AS "CHARACTER_OCTET_LENGTH",
               CAST(NULL AS BIGINT) AS "NUMERIC_PRECISION",
               CAST(NULL AS BIGINT) AS "NUMERIC_PRECISION_RADIX",
               CAST(NULL AS BIGINT) AS "NUMERIC_SCALE",
               CAST(NULL AS BIGINT) AS "DATETIME_PRECISION",
               CASE WHEN c.duck_type = 'VARCHAR' THEN 'UTF-16LE' END AS "CHARACTER_SET_NAME",
               CASE WHEN c.duck_type = 'VARCHAR' THEN 'UTF-16LE$en_US$primary' END
                   AS "COLLATION_NAME",
               CAST({_JDBC} AS BIGINT) AS "JDBC_TYPE"
        FROM {META}.columns c WHERE c.datasource IN {_USED}
    """,
    "sys_tasks": f"""
        SELECT id AS task_id, group_id, type, datasource,
               {_ISO.format("created_time")} AS created_time,
               '1970-01-01T00:00:00.000Z' AS queue_insertion_time, status,
               runner_status, duration, CAST(NULL AS VARCHAR) AS location, '127.0.0.1' AS host,
               CAST(-1 AS BIGINT) AS plaintext_port, CAST(-1 AS BIGINT) AS tls_port, error_msg
        FROM {META}.tasks
    """,
    "sys_segments": f"""
        SELECT id AS segment_id, datasource, {_ISO.format("start_ts")} AS "start",
               {_ISO.format("end_ts")} AS "end", size_bytes AS size, version,
               CAST(partition_num AS BIGINT) AS partition_num, CAST(1 AS BIGINT) AS num_replicas,
               num_rows, CAST(1 AS BIGINT) AS is_active, CAST(1 AS BIGINT) AS is_published,
               CAST(1 AS BIGINT) AS is_available, CAST(0 AS BIGINT) AS is_realtime,
               CAST(0 AS BIGINT) AS is_overshadowed,
               '{{"type":"numbered","partitionNum":' || partition_num || '}}' AS shard_spec,
               dimensions, metrics, CAST(NULL AS VARCHAR) AS last_compaction_state,
               CAST(1 AS BIGINT) AS replication_factor
        FROM {META}.segments WHERE used
    """,
    "sys_supervisors": f"""
        SELECT s.id AS supervisor_id,
               CASE WHEN s.suspended THEN 'SUSPENDED' ELSE coalesce(l.state, 'PENDING') END
                   AS state,
               CASE WHEN s.suspended THEN 'SUSPENDED' ELSE coalesce(l.detailed_state, 'PENDING')
                   END AS detailed_state,
               CAST(CASE WHEN coalesce(l.healthy, TRUE) THEN 1 ELSE 0 END AS BIGINT) AS healthy,
               coalesce(l.type, json_extract_string(s.spec, '$.type')) AS type,
               l.source AS source, CAST(s.suspended AS BIGINT) AS suspended, s.spec AS spec
        FROM {META}.supervisors s LEFT JOIN {META}.supervisor_states l ON l.id = s.id
    """,
}


def create_views(cur: duckdb.DuckDBPyConnection) -> None:
    store.create_schema(cur)  # sys.supervisors reads the supervisor tables
    for name, body in VIEWS.items():
        cur.execute(f'CREATE OR REPLACE VIEW {META}."{name}" AS {body}')
