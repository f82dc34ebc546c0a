//! Where the profiles file is, and why (`doctor` prints the why).

use std::path::PathBuf;

/// Why the profiles file is the one it is; `doctor` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    ProfilesPathEnv,
    /// PREFECT_PROFILES_PATH from a trusted project file in the current folder.
    Project,
    PrefectHomeEnv,
    Default,
}

impl Source {
    pub fn describe(self) -> &'static str {
        match self {
            Source::ProfilesPathEnv => "from PREFECT_PROFILES_PATH",
            Source::Project => "from PREFECT_PROFILES_PATH in an allowed project file here",
            Source::PrefectHomeEnv => "from PREFECT_HOME",
            Source::Default => "default ~/.prefect/profiles.toml",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Location {
    pub path: PathBuf,
    pub source: Source,
}
