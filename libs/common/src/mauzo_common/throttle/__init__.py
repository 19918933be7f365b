"""How much one caller may ask: per-identity rate limits, the sign-in brute-force guard and the
counters upload quotas are kept in, all on the `limits` library (memory or Redis storage).

- `client_ip`: the address a request comes from, through trusted proxies only.
- `counters`: the storage and the windows (moving for rates, fixed for quotas).
- `middleware`: the pure-ASGI limiter every service installs inside the auth gate.

See docs/security.md#limits-and-headers.
"""
