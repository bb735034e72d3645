-- Accounts. The email is stored trimmed and lower-cased, so the unique index is the
-- one place that decides whether an address is taken.
CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    password_hash text NOT NULL,
    display_name  text NOT NULL,
    roles         text[] NOT NULL DEFAULT ARRAY['user']::text[],
    created_at    timestamptz NOT NULL DEFAULT now()
);
