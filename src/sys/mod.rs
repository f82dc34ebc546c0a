//! The bottom layer: our own folders and files (paths, the one atomic write, the one reader
//! for files a folder can hold), output to the terminal, and the error type.

pub mod atomic;
pub mod error;
pub mod folder_file;
pub mod output;
pub mod paths;
pub mod random;
pub mod signals;
