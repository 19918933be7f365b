"""Who may sign in: users and API keys (Argon2 hashes), the sign-in route, the audit log and
the admin routes that manage them. See docs/security.md."""
