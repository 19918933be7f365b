"""Pure ASGI middlewares in front of /graphql (no per-request task groups), one concern each."""
