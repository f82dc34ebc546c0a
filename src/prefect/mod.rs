//! Prefect's own formats: setting names, the profiles file (read, edited, written), the
//! project files (.env, prefect.toml, pyproject.toml), what a profile points at, the workspace
//! cache, which of Prefect's commands change something.

pub mod cache;
pub mod commands;
pub mod edit;
pub mod profiles;
pub mod project;
pub mod settings;
pub mod store;
pub mod target;
