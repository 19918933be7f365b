"""Who is calling, and what they may do: the one identity contract every HTTP service shares.

- `principal`: roles and the `Principal` a verified token stands for (with its branch scope).
- `tokens`: signing and verifying the JWTs (ours, or an external OIDC issuer's through JWKS).
- `middleware`: the ASGI gate that refuses every request without a valid token but the public
  routes (health, sign-in), and puts the `Principal` on the request.
- `dependencies`: the per-route role check (`require(Role.ADMIN)`).
- `service`: the credentials a service presents when it calls another one.

See docs/security.md.
"""
