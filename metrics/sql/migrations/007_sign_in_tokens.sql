-- Schema version 7: sign-in tokens, so that a local account's sign-in survives a reload and a new tab.
-- The browser keeps a random token in a cookie; only its SHA-256 is kept here, so a copy of the database
-- cannot be used to sign in. Signing out, a new password or disabling the account deletes the row.
CREATE TABLE core.sign_in_token (
    token_sha256 VARCHAR PRIMARY KEY,
    email VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
