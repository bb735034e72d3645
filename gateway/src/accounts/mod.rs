//! Accounts: who may sign in, with which password, and which roles they hold.
//! `domain` holds the rules, `store` the `gateway.users` table, `password` the argon2id
//! hashes, `http` the endpoints, `bootstrap` the operator's administrator.

pub mod bootstrap;
pub mod domain;
pub mod http;
pub mod password;
pub mod store;
