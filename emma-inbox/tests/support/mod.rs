//! Stores for the inbox's tests: a SQLite file in a temporary folder, and a new database on
//! the throwaway PostgreSQL server the test process shares (emma-test-postgres, which finds
//! PostgreSQL's programs and starts the server, or uses `EMMA_INBOX_POSTGRES_URL`).

#![allow(dead_code)] // Each test file uses its own part.

use emma_inbox::{Inbox, Options};

/// A store to open inbox handles on: several handles are several receivers or workers.
pub struct Store {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl Store {
    pub async fn open(&self, options: Options) -> Inbox {
        Inbox::open(&self.url, options)
            .await
            .unwrap_or_else(|error| panic!("cannot open {}: {error}", self.url))
    }
}

pub fn sqlite() -> Store {
    let dir = tempfile::tempdir().expect("a temporary folder");
    Store {
        url: format!("sqlite:{}", dir.path().join("inbox.db").display()),
        _dir: Some(dir),
    }
}

/// A new, empty database on the shared server.
#[cfg(unix)]
pub async fn postgres() -> Store {
    let url = tokio::task::spawn_blocking(emma_test_postgres::database)
        .await
        .expect("a test database");
    Store { url, _dir: None }
}
