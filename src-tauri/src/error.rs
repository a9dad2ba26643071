//! The one error type the UI sees: `{code, message}`.

use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CommandError {
    pub code: String,
    pub message: String,
}

impl From<wagner::Error> for CommandError {
    fn from(err: wagner::Error) -> Self {
        if !err.is_user_error() {
            tracing::error!(code = err.code(), "{err}");
        }
        CommandError { code: err.code().to_string(), message: err.to_string() }
    }
}

impl CommandError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        CommandError { code: code.to_string(), message: message.into() }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
