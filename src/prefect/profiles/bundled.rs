//! Prefect's bundled profiles, embedded: they count as present whenever the file lacks them
//! (docs/prefect-compat.md, "Bundled profiles").

/// Prefect 3.9.1's `settings/profiles.toml`, byte for byte in meaning (docs/prefect-compat.md, "Bundled profiles").
pub const BUNDLED: &[(&str, &[(&str, &str)])] = &[
    ("ephemeral", &[("PREFECT_SERVER_EPHEMERAL_ENABLED", "true")]),
    ("local", &[("PREFECT_API_URL", "http://127.0.0.1:4200/api")]),
    (
        "test",
        &[
            ("PREFECT_SERVER_EPHEMERAL_ENABLED", "true"),
            (
                "PREFECT_SERVER_DATABASE_CONNECTION_URL",
                "sqlite+aiosqlite:///:memory:",
            ),
        ],
    ),
    ("cloud", &[]),
];
pub const DEFAULT_PROFILE: &str = "ephemeral";

pub fn bundled(name: &str) -> Option<&'static [(&'static str, &'static str)]> {
    BUNDLED.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}
