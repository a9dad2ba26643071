//! The one error type the UI sees: `{code, message}`, with `code` the core's
//! typed [`ErrorCode`] (a string union in the generated bindings). The
//! message describes the problem; the UI words its own hint per code.

use serde::Serialize;
use wagner::ErrorCode;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CommandError {
    pub code: ErrorCode,
    pub message: String,
}

impl From<wagner::Error> for CommandError {
    fn from(err: wagner::Error) -> Self {
        if !err.is_user_error() {
            tracing::error!(code = err.code().as_str(), "{err}");
        }
        CommandError { code: err.code(), message: err.to_string() }
    }
}

impl CommandError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        CommandError { code, message: message.into() }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
