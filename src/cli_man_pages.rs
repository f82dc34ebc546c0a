//! The man pages under `man/` (issue 13): `prefectx.1` and one page per subcommand, made from
//! the clap definitions by clap_mangen. This test fails when they drift from the CLI, as
//! tests/completion.rs does for `completions/`; `PREFECTX_BLESS=1 cargo test --lib man_pages`
//! writes them anew.

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use std::collections::BTreeMap;
    use std::path::Path;

    /// The second binary's page (Debian policy 12.1 wants one per program in /usr/bin).
    const CLOUD_PAGE: &str = r#".TH prefectx-cloud 1 "" "prefectx"
.SH NAME
prefectx\-cloud \- the Prefect Cloud commands of prefectx
.SH SYNOPSIS
\fBprefectx\-cloud\fR \fIlogin\fR|\fIlogout\fR|\fIworkspace\fR|\fIdoctor\fR [\fIARGS\fR]...
.SH DESCRIPTION
\fBprefectx\fR runs this program for the commands that talk to the Prefect Cloud API, so
that the program a prompt runs holds no HTTP or TLS code. Run directly, it takes the same
command line as \fBprefectx\fR.
.SH SEE ALSO
\fBprefectx\fR(1), \fBprefectx\-login\fR(1), \fBprefectx\-workspace\fR(1)
"#;

    fn pages_in(dir: &Path) -> BTreeMap<String, String> {
        std::fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".1"))
                    .map(|e| {
                        (
                            e.file_name().to_string_lossy().into_owned(),
                            std::fs::read_to_string(e.path()).unwrap(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn man_pages_match_the_cli() {
        let tmp = tempfile::tempdir().unwrap();
        let cmd = super::super::Cli::command();
        clap_mangen::generate_to(cmd, tmp.path()).unwrap();
        let mut fresh = pages_in(tmp.path());
        fresh.insert("prefectx-cloud.1".into(), CLOUD_PAGE.into());
        assert!(fresh.contains_key("prefectx.1"), "{:?}", fresh.keys());
        assert!(fresh.contains_key("prefectx-env.1"), "{:?}", fresh.keys());
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
        if std::env::var_os("PREFECTX_BLESS").is_some() {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            for (name, text) in &fresh {
                std::fs::write(dir.join(name), text).unwrap();
            }
        }
        let committed = pages_in(&dir);
        assert_eq!(
            committed.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "man/ lists other pages than the CLI has: run `PREFECTX_BLESS=1 cargo test --lib man_pages`"
        );
        for (name, text) in &fresh {
            assert_eq!(
                committed.get(name),
                Some(text),
                "man/{name} is stale: run `PREFECTX_BLESS=1 cargo test --lib man_pages`"
            );
        }
    }
}
