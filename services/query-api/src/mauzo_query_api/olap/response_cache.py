"""Whole GraphQL responses, cached in process and keyed by the normalised question.

The key is the query as graphql-core prints it (whitespace and comments gone, string values
intact) plus the variables and operation name, canonical JSON, behind the caller's role and
branch scope: one scope's answer is never given to another. Only queries are cached, only
when every resolver allowed it (ingestion fields do not) and the answer has no errors. Each
entry remembers the datasources it read, so `IngestionCompleted` drops exactly those; an entry
computed while an invalidation happened is not stored. "*" marks answers that depend on the
list of datasources, dropped by any invalidation.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse, print_ast

from mauzo_common.auth.principal import Principal
from mauzo_common.observability import metrics
from mauzo_query_api.olap.freshness import Freshness
from mauzo_query_api.scope import BranchScope

ANY_DATASOURCE = "*"


@dataclass
class ResponseTags:
    """Filled in by resolvers while a request runs: what it read, and whether it may be kept."""

    datasources: set[str] = field(default_factory=set)
    cacheable: bool = True


@lru_cache(maxsize=1024)
def normalised_query(text: str) -> str | None:
    """The printed query when it is a read-only document, else None (never cached)."""
    try:
        document = parse(text)
    except GraphQLError:
        return None
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if definition.operation is not OperationType.QUERY:
            return None
    return print_ast(document)


def audience_key(principal: Principal) -> str:
    """Who an answer is for, as far as it can differ: the role (field checks) and the branch
    scope (rows). A service passes every role check, so it is its own audience."""
    role = "service" if principal.is_service else principal.role.label
    return f"{role}|{BranchScope.of(principal).key}"


def request_key(body: bytes, audience: str) -> str | None:
    try:
        payload: Any = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return None
    query = normalised_query(payload["query"])
    if query is None:
        return None
    material = json.dumps(
        [audience, query, payload.get("variables") or {}, payload.get("operationName")],
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode()).hexdigest()


# Bound once: a labelled child per lookup would cost a dictionary walk on the cached path.
RESPONSE_HITS = metrics.cache_requests.labels("response", "hit")
RESPONSE_MISSES = metrics.cache_requests.labels("response", "miss")


class ResponseCache:
    def __init__(
        self, *, ttl_seconds: float, max_entries: int, freshness: Freshness | None = None
    ) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self.freshness = freshness
        self.generation = 0
        self.hits = 0
        self._entries: OrderedDict[str, tuple[float, frozenset[str], bytes]] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is not None and time.monotonic() >= entry[0]:
            del self._entries[key]
            entry = None
        if entry is None:
            RESPONSE_MISSES.inc()
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        RESPONSE_HITS.inc()
        return entry[2]

    def put(self, key: str, body: bytes, tags: ResponseTags, generation: int) -> None:
        if not tags.cacheable or not tags.datasources or generation != self.generation:
            return
        ttl = self.freshness.ttl_for(tags.datasources) if self.freshness else self.ttl
        self._entries[key] = (time.monotonic() + ttl, frozenset(tags.datasources), body)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def invalidate(self, datasource: str) -> int:
        self.generation += 1
        doomed = [
            key
            for key, (_, read, _) in self._entries.items()
            if datasource in read or ANY_DATASOURCE in read
        ]
        for key in doomed:
            del self._entries[key]
        return len(doomed)
