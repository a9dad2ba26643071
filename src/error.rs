//! Typed errors of the core. Every variant maps to a stable [`ErrorCode`]
//! that the desktop shell sends to the UI as `{code, message}` (exported to
//! TypeScript through the generated bindings). Messages describe the problem
//! and never tell the user to type a command: each face (the CLI, the window)
//! words its own hint per code.

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
    #[error("no profile exists yet")]
    NoProfile,
    /// The database file is missing or empty (every command but creating one needs it).
    #[error("{path} {detail}")]
    NoDatabase { path: PathBuf, detail: &'static str },
    #[error("no active program")]
    NoActiveProgram,
    /// An outside service is not (or no longer) connected: connecting again fixes it.
    #[error("{message}")]
    NotConnected { provider: String, message: String },
    /// The change clashes with what is already there (a barcode another food has, …).
    #[error("{0}")]
    Conflict(String),
    /// A `name=value` measure with a name that is not a known body measure.
    #[error("unknown measure {name:?}; known: {known}")]
    UnknownMeasure { name: String, known: String },
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
    #[error("no food with barcode {code}")]
    UnknownBarcode { code: String },
}

/// What kind of error it is, for the UI and scripts: stable across releases,
/// sent as its snake_case name (`"no_profile"`). The UI words its own message
/// per code and never matches on message text. The shell adds the codes of
/// its own failures (`Cancelled`, `TaskFailed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    DbOpen,
    DbMigrate,
    Db,
    NoDatabase,
    NotFound,
    InvalidInput,
    NoProfile,
    NoActiveProgram,
    NotConnected,
    Conflict,
    Io,
    Corrupt,
    AiProvider,
    AiBudget,
    RateLimited,
    Waiting,
    Integration,
    Secrets,
    UnknownBarcode,
    ModelUnavailable,
    Transcription,
    Sync,
    /// The user stopped a long task.
    Cancelled,
    /// A long task ended without an answer (it panicked or was dropped).
    TaskFailed,
}

impl ErrorCode {
    /// The wire name, as the UI and `--json` output see it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::DbOpen => "db_open",
            ErrorCode::DbMigrate => "db_migrate",
            ErrorCode::Db => "db",
            ErrorCode::NoDatabase => "no_database",
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NoProfile => "no_profile",
            ErrorCode::NoActiveProgram => "no_active_program",
            ErrorCode::NotConnected => "not_connected",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Io => "io",
            ErrorCode::Corrupt => "corrupt",
            ErrorCode::AiProvider => "ai_provider",
            ErrorCode::AiBudget => "ai_budget",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Waiting => "waiting",
            ErrorCode::Integration => "integration",
            ErrorCode::Secrets => "secrets",
            ErrorCode::UnknownBarcode => "unknown_barcode",
            ErrorCode::ModelUnavailable => "model_unavailable",
            ErrorCode::Transcription => "transcription",
            ErrorCode::Sync => "sync",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::TaskFailed => "task_failed",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Compares with the wire name: `err.code() == "not_found"` reads as the UI sees it.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Error {
    /// Stable, machine-readable code for the UI and scripts.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Open { .. } => ErrorCode::DbOpen,
            Error::Migrate(_) => ErrorCode::DbMigrate,
            Error::Database(_) => ErrorCode::Db,
            Error::NoDatabase { .. } => ErrorCode::NoDatabase,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Invalid(_) | Error::UnknownMeasure { .. } => ErrorCode::InvalidInput,
            Error::NoProfile => ErrorCode::NoProfile,
            Error::NoActiveProgram => ErrorCode::NoActiveProgram,
            Error::NotConnected { .. } => ErrorCode::NotConnected,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::Io { .. } => ErrorCode::Io,
            Error::Corrupt { .. } => ErrorCode::Corrupt,
            Error::Ai { .. } => ErrorCode::AiProvider,
            Error::Budget(_) => ErrorCode::AiBudget,
            Error::RateLimited(_) => ErrorCode::RateLimited,
            Error::Waiting(_) => ErrorCode::Waiting,
            Error::Integration { .. } => ErrorCode::Integration,
            Error::Secrets(_) => ErrorCode::Secrets,
            Error::UnknownBarcode { .. } => ErrorCode::UnknownBarcode,
            Error::ModelUnavailable(_) => ErrorCode::ModelUnavailable,
            Error::Transcription(_) => ErrorCode::Transcription,
            Error::Sync(_) => ErrorCode::Sync,
        }
    }

    /// True when the user can fix the problem by changing what they typed.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::NotFound { .. }
                | Error::Invalid(_)
                | Error::UnknownMeasure { .. }
                | Error::NoProfile
                | Error::NoDatabase { .. }
                | Error::NoActiveProgram
                | Error::NotConnected { .. }
                | Error::Conflict(_)
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
