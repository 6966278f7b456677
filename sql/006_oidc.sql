-- Logins under way through OpenID Connect (e-ID broker for citizens, the
-- organisation's identity provider for staff): what the callback needs to
-- finish the login it started, kept in the database so that any nara node
-- can take the callback.
--
-- A row is keyed by the SHA-256 of the `state` sent to the provider and is
-- bound to the browser that started the login by the SHA-256 of a random
-- token in a short-lived HttpOnly cookie: a callback with another state,
-- or from another browser, finds nothing. The callback deletes the row it
-- uses (single use) and rows live ten minutes at most. The PKCE verifier
-- and the nonce are kept as sent: they are worthless without the provider's
-- one-time code, and only for those ten minutes.

CREATE TABLE oidc_login (
	state_hash TEXT PRIMARY KEY,
	browser_hash TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('citizen', 'staff')),
	nonce TEXT NOT NULL,
	code_verifier TEXT NOT NULL,
	next_path TEXT NOT NULL DEFAULT '',   -- a local path, checked before storing
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
) {{without_rowid}};
CREATE INDEX oidc_login_expires ON oidc_login (expires_at);
