"""The client's address: the peer, or what a trusted proxy says it forwarded for.

X-Forwarded-For is read right to left and believed only while the hop that wrote it is a
trusted proxy; anything a client put there itself sits further left and is never reached, so a
brute-forcer cannot pick a fresh address per attempt.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from mauzo_common.http import Scope, header

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(trusted: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted)


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_ip(scope: Scope, proxies: tuple[Network, ...]) -> str:
    client = scope.get("client")
    address = str(client[0]) if client else "unknown"
    hops = [h.strip() for h in header(scope, b"x-forwarded-for").decode("latin-1").split(",")]
    hops = [h for h in hops if h]
    while hops and _trusted(address, proxies):
        candidate = hops.pop()
        try:
            address = str(ipaddress.ip_address(candidate))
        except ValueError:
            break  # a malformed hop: keep the last address a trusted proxy vouched for
    return address
