//! The search service end to end: the port's contract suite against the embedded index,
//! the Elasticsearch adapter against a recording stand-in, and the service in process
//! following the logs.

mod elastic_fake;
mod embedded;
mod service;
