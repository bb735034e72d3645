//! The command relay with several instances on one database.

use crate::support::{fresh_database, id_of, listing, spawn_app_on, user};
use platform_bus::memory::MemoryBus;
use std::sync::Arc;
use std::time::Duration;
use vocabulary::Command;

#[tokio::test]
async fn one_relay_publishes_each_command_once_and_another_takes_over() {
    let database = fresh_database().await;
    let bus = Arc::new(MemoryBus::new());
    let first = spawn_app_on(database.url(), bus.clone()).await;
    let second = spawn_app_on(database.url(), bus.clone()).await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let app = if i % 2 == 0 { &first } else { &second };
        ids.push(id_of(&app.create(&user(), listing()).await));
    }
    for id in &ids {
        let commands = second.commands_for(id, 1, Duration::from_secs(5)).await;
        assert!(
            matches!(commands.as_slice(), [Command::List { .. }]),
            "{commands:?}"
        );
    }

    // The first instance held the lock (it started first); once it is gone the second
    // takes over within its stand-by retry.
    drop(first);
    let id = id_of(&second.create(&user(), listing()).await);
    let commands = second.commands_for(&id, 1, Duration::from_secs(10)).await;
    assert_eq!(commands.len(), 1, "{commands:?}");
    // The barrier: the relay publishes the outbox in the order it was queued, so a second
    // copy of an earlier listing's command would already be on the topic by now.
    for id in &ids {
        let again = second.commands_for(id, 2, Duration::ZERO).await;
        assert_eq!(again.len(), 1, "published once: {again:?}");
    }
}
