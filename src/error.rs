//! Typed errors of the core. Every variant maps to a stable `code` that the
//! CLI prints and the desktop shell sends to the UI as `{code, message}`.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not open the database at {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error("could not apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("invalid input: {0}")]
    Invalid(String),
    #[error("no profile exists yet: run `wagner init` first")]
    NoProfile,
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("corrupt data in {what}: {detail}")]
    Corrupt { what: String, detail: String },
    #[error("{provider}: {message}")]
    Ai { provider: String, message: String, retryable: bool },
    #[error("{0}")]
    Budget(String),
    #[error("{0}")]
    RateLimited(String),
    /// The entry is kept pending until something it needs is available
    /// (a transcription, a vision provider, a description).
    #[error("{0}")]
    Waiting(String),
    /// An outside service (Strava) refused or failed; the message never holds a token.
    #[error("{provider}: {message}")]
    Integration { provider: String, message: String },
    /// The keyring or the secrets file could not be used.
    #[error("secret storage: {0}")]
    Secrets(String),
    /// The embedding model or ONNX Runtime is not installed (or cannot load):
    /// semantic search is off, everything else works.
    #[error("{0}")]
    ModelUnavailable(String),
    /// A voice note could not be decoded or transcribed on this computer.
    #[error("voice note: {0}")]
    Transcription(String),
    /// The Postgres sync server refused or failed (the message never holds a password).
    #[error("sync: {0}")]
    Sync(String),
    #[error("no food with barcode {code}: add it with `wagner food add --barcode {code} --name … --kcal …`")]
    UnknownBarcode { code: String },
}

impl Error {
    /// Stable, machine-readable code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Open { .. } => "db_open",
            Error::Migrate(_) => "db_migrate",
            Error::Database(_) => "db",
            Error::NotFound { .. } => "not_found",
            Error::Invalid(_) => "invalid_input",
            Error::NoProfile => "no_profile",
            Error::Io { .. } => "io",
            Error::Corrupt { .. } => "corrupt",
            Error::Ai { .. } => "ai_provider",
            Error::Budget(_) => "ai_budget",
            Error::RateLimited(_) => "rate_limited",
            Error::Waiting(_) => "waiting",
            Error::Integration { .. } => "integration",
            Error::Secrets(_) => "secrets",
            Error::UnknownBarcode { .. } => "unknown_barcode",
            Error::ModelUnavailable(_) => "model_unavailable",
            Error::Transcription(_) => "transcription",
            Error::Sync(_) => "sync",
        }
    }

    /// True when the user can fix the problem by changing what they typed.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::NotFound { .. }
                | Error::Invalid(_)
                | Error::NoProfile
                | Error::UnknownBarcode { .. }
                | Error::ModelUnavailable(_)
        )
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Error::NotFound { what: what.into() }
    }

    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }
}
