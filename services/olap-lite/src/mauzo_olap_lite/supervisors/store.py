"""Supervisor bookkeeping in olap-lite's DuckDB file (schema `olap_meta`).

supervisors         one row per live supervisor: spec, suspended, row totals
supervisor_history  every submitted spec version (and a tombstone on terminate)
supervisor_states   the live state of each supervisor, refreshed before sys.supervisors is read
supervisor_offsets  next offset to read per (datasource, topic, partition): written in the same
                    transaction as the rows, like Druid's datasource metadata. It outlives
                    terminate (a resubmitted supervisor continues) and is cleared by reset.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb

from mauzo_olap_lite.database import META, transaction

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {META}.supervisors (
    id VARCHAR NOT NULL, datasource VARCHAR, spec VARCHAR, suspended BOOLEAN,
    processed BIGINT, processed_with_error BIGINT, thrown_away BIGINT, unparseable BIGINT
);
CREATE TABLE IF NOT EXISTS {META}.supervisor_history (
    id VARCHAR NOT NULL, spec VARCHAR, version VARCHAR
);
CREATE TABLE IF NOT EXISTS {META}.supervisor_states (
    id VARCHAR NOT NULL, state VARCHAR, detailed_state VARCHAR, healthy BOOLEAN, type VARCHAR,
    source VARCHAR
);
CREATE TABLE IF NOT EXISTS {META}.supervisor_offsets (
    datasource VARCHAR NOT NULL, topic VARCHAR NOT NULL, partition_id INTEGER NOT NULL,
    next_offset BIGINT NOT NULL
);
"""
TOTALS = ("processed", "processed_with_error", "thrown_away", "unparseable")


def create_schema(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(SCHEMA)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def load_all(cur: duckdb.DuckDBPyConnection) -> list[tuple[dict[str, Any], dict[str, int]]]:
    rows = cur.execute(
        f"SELECT spec, {', '.join(TOTALS)} FROM {META}.supervisors ORDER BY id"
    ).fetchall()
    return [(json.loads(r[0]), dict(zip(TOTALS, map(int, r[1:]), strict=True))) for r in rows]


def save(
    cur: duckdb.DuckDBPyConnection, sup_id: str, datasource: str, spec: dict[str, Any]
) -> None:
    """Create or update the supervisor row (totals are kept) and record the version."""
    text = json.dumps(spec)
    with transaction(cur):
        found = cur.execute(f"SELECT count(*) FROM {META}.supervisors WHERE id = ?", [sup_id])
        row = found.fetchone()
        if row and row[0]:
            cur.execute(
                f"UPDATE {META}.supervisors SET spec = ?, suspended = ?, datasource = ? "
                "WHERE id = ?",
                [text, bool(spec.get("suspended")), datasource, sup_id],
            )
        else:
            cur.execute(
                f"INSERT INTO {META}.supervisors VALUES (?, ?, ?, ?, 0, 0, 0, 0)",
                [sup_id, datasource, text, bool(spec.get("suspended"))],
            )
        cur.execute(
            f"INSERT INTO {META}.supervisor_history VALUES (?, ?, ?)", [sup_id, text, now_iso()]
        )


def remove(cur: duckdb.DuckDBPyConnection, sup_id: str) -> None:
    """Terminate: the supervisor is gone; a tombstone joins its history; offsets stay."""
    tombstone = json.dumps({"type": "NoopSupervisorSpec", "id": sup_id, "suspended": None})
    with transaction(cur):
        cur.execute(f"DELETE FROM {META}.supervisors WHERE id = ?", [sup_id])
        cur.execute(
            f"INSERT INTO {META}.supervisor_history VALUES (?, ?, ?)",
            [sup_id, tombstone, now_iso()],
        )


def history(cur: duckdb.DuckDBPyConnection, sup_id: str | None) -> dict[str, list[Any]]:
    sql = f"SELECT id, spec, version FROM {META}.supervisor_history"
    rows = cur.execute(
        sql + (" WHERE id = ?" if sup_id else "") + " ORDER BY version DESC",
        [sup_id] if sup_id else [],
    ).fetchall()
    found: dict[str, list[Any]] = {}
    for r in rows:
        found.setdefault(str(r[0]), []).append({"spec": json.loads(r[1]), "version": r[2]})
    return found


def offsets(cur: duckdb.DuckDBPyConnection, datasource: str, topic: str) -> dict[int, int]:
    rows = cur.execute(
        f"SELECT partition_id, next_offset FROM {META}.supervisor_offsets "
        "WHERE datasource = ? AND topic = ?",
        [datasource, topic],
    ).fetchall()
    return {int(r[0]): int(r[1]) for r in rows}


def write_offsets(
    cur: duckdb.DuckDBPyConnection, datasource: str, topic: str, positions: dict[int, int]
) -> None:
    """Inside the caller's transaction."""
    if not positions:
        return
    parts = list(positions)
    cur.execute(
        f"DELETE FROM {META}.supervisor_offsets WHERE datasource = ? AND topic = ? "
        "AND list_contains(?::INTEGER[], partition_id)",
        [datasource, topic, parts],
    )
    cur.execute(
        f"INSERT INTO {META}.supervisor_offsets SELECT ?, ?, unnest(?::INTEGER[]), "
        "unnest(?::BIGINT[])",
        [datasource, topic, parts, [positions[p] for p in parts]],
    )


def add_totals(cur: duckdb.DuckDBPyConnection, sup_id: str, totals: dict[str, int]) -> None:
    """Inside the caller's transaction."""
    sets = ", ".join(f"{k} = {k} + ?" for k in TOTALS)
    cur.execute(
        f"UPDATE {META}.supervisors SET {sets} WHERE id = ?",
        [*(totals.get(k, 0) for k in TOTALS), sup_id],
    )


def clear_offsets(cur: duckdb.DuckDBPyConnection, datasource: str) -> None:
    cur.execute(f"DELETE FROM {META}.supervisor_offsets WHERE datasource = ?", [datasource])


def write_states(cur: duckdb.DuckDBPyConnection, rows: list[tuple[Any, ...]]) -> None:
    """Replace the live states (id, state, detailed_state, healthy, type, source)."""
    cur.execute(f"DELETE FROM {META}.supervisor_states")
    if rows:
        cur.executemany(f"INSERT INTO {META}.supervisor_states VALUES (?, ?, ?, ?, ?, ?)", rows)
