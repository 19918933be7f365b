"""The last mapping accepted for a datasource, remembered per header and reused when none is given.

Stored in the object store at `mappings/{datasource}/{header-hash}.json`, the hash being the sha256
of the normalised header (case, spaces and punctuation ignored), so a file exported again with the
same columns is read the way the user last accepted.
"""

from __future__ import annotations

import hashlib
import json

from mauzo_common.object_store import ObjectNotFound, ObjectStore
from mauzo_validator.mapping import normalise


def header_hash(columns: list[str]) -> str:
    return hashlib.sha256("\x1f".join(normalise(c) for c in columns).encode()).hexdigest()


def mapping_key(datasource: str, columns: list[str]) -> str:
    return f"mappings/{datasource}/{header_hash(columns)}.json"


def recall(store: ObjectStore, datasource: str, columns: list[str]) -> dict[str, str] | None:
    try:
        body = json.loads(store.get_bytes(mapping_key(datasource, columns)))
    except (ObjectNotFound, ValueError):
        return None
    mapping = body.get("mapping") if isinstance(body, dict) else None
    if not isinstance(mapping, dict):
        return None
    return {str(k): str(v) for k, v in mapping.items()}


def remember(
    store: ObjectStore, datasource: str, columns: list[str], mapping: dict[str, str], task_id: str
) -> str:
    key = mapping_key(datasource, columns)
    body = {"header": columns, "mapping": mapping, "task_id": task_id}
    store.put_bytes(key, json.dumps(body, indent=2, sort_keys=True).encode())
    return key
