//! One error type for the whole binary: a one-line message and an exit code (0 ok,
//! 1 failure, 2 usage).

use std::fmt;

#[derive(Debug)]
pub struct Error {
    msg: String,
    code: i32,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A failure: bad input, a broken file, the network, auth. Exit code 1.
    pub fn new(msg: impl Into<String>) -> Self {
        Error {
            msg: msg.into(),
            code: 1,
        }
    }

    /// A usage error: the command cannot be run as typed. Exit code 2.
    pub fn usage(msg: impl Into<String>) -> Self {
        Error {
            msg: msg.into(),
            code: 2,
        }
    }

    /// A failure with a specific exit code (exec: 126/127 like shells).
    pub fn with_code(msg: impl Into<String>, code: i32) -> Self {
        Error {
            msg: msg.into(),
            code,
        }
    }

    /// An exit code whose message was already printed (clap's help and usage errors).
    pub fn silent(code: i32) -> Self {
        Error {
            msg: String::new(),
            code,
        }
    }

    /// The same error with `more` added to its line.
    pub fn and(mut self, more: &str) -> Self {
        self.msg.push_str(more);
        self
    }

    pub fn code(&self) -> i32 {
        self.code
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line, always: a message spread over lines breaks the "one clear line" contract
        // and could smuggle text into a prompt.
        for (i, line) in self.msg.lines().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(line)?;
        }
        Ok(())
    }
}

/// Adds "what we were doing" to any error that can be displayed.
pub trait Context<T> {
    fn context<F: FnOnce() -> String>(self, what: F) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context<F: FnOnce() -> String>(self, what: F) -> Result<T> {
        self.map_err(|e| Error::new(format!("{}: {}", what(), e)))
    }
}

#[macro_export]
macro_rules! bail {
    ($($t:tt)*) => {
        return Err($crate::sys::error::Error::new(format!($($t)*)))
    };
}
