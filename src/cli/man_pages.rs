//! The man pages under `man/`: `prefectx.1` and one page per subcommand, made from
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

    /// prefectx(1)'s ENVIRONMENT and FILES: every variable prefectx reads or sets, and every
    /// file it keeps (docs/usage.md has the whole story of each).
    const ENVIRONMENT_AND_FILES: &str = r#".SH ENVIRONMENT
.TP
\fBPREFECT_PROFILE\fR, \fBPREFECT_HOME\fR, \fBPREFECT_PROFILES_PATH\fR
Read as Prefect reads them: which profile, and which profiles file. The hook exports
PREFECT_PROFILE and every setting of the profile it applies (\fBPREFECT_*\fR).
.TP
\fBPREFECTX_KEEP\fR
Names (space- or comma-separated) that prefectx never sets or unsets.
.TP
\fBPREFECTX_EXPORT\fR
\fBprofile\fR: the hook exports only PREFECT_PROFILE and lets Prefect resolve the rest.
.TP
\fBPREFECTX_WRAP_PREFECT\fR
\fB0\fR: the \fBprefect\fR function of hooked shells leaves selectors and profile commands to
Prefect (it still asks before a change to a protected profile).
.TP
\fBPREFECTX_PROMPT\fR
Set by the hook: the prompt segment (profile:target, with marks ! @ + *).
.TP
\fBPREFECTX_PROTECTED\fR
Set by the hook to the profile in effect when it is protected (\fBprefectx profile protect\fR).
.TP
\fBPREFECTX_CONFIRM\fR
\fB0\fR: a change to a protected profile runs without asking (for a job with no terminal).
.TP
\fBPREFECTX_CONNECT_TIMEOUT\fR, \fBPREFECTX_TIMEOUT\fR, \fBPREFECTX_TOTAL_TIMEOUT\fR, \fBPREFECTX_LOGIN_TIMEOUT\fR
Seconds the Cloud commands wait: to connect, per request, in all, and for a browser login.
.TP
\fBPREFECTX_LOCK_TIMEOUT_MS\fR
How long a write waits for the profiles file's lock.
.TP
\fB__PREFECTX_*\fR
The hook's own record in a shell (names, paths and keyed digests, never a value): pin,
previous state, applied profile, stamps, values set outside prefectx.
.TP
\fBXDG_RUNTIME_DIR\fR, \fBXDG_CACHE_HOME\fR, \fBXDG_DATA_HOME\fR, \fBHOME\fR
Where the files below live.
.SH FILES
.TP
\fI~/.prefect/profiles.toml\fR
Prefect's profiles file (PREFECT_PROFILES_PATH, PREFECT_HOME), read and written as Prefect does.
.TP
\fI.prefect-profile\fR
A folder's choice of profile, once allowed.
.TP
\fI$XDG_DATA_HOME/prefectx/allowed\fR
The allowed \.prefect-profile and project files: path and SHA-256 of each.
.TP
\fI$XDG_DATA_HOME/prefectx/protected\fR
The protected profiles: one name or glob pattern per line.
.TP
\fI$XDG_DATA_HOME/prefectx/populated\fR
The profiles \fBworkspace populate\fR made, with their workspace ids.
.TP
\fI$XDG_DATA_HOME/prefectx/keyring\fR
Which profiles keep their key in the OS keyring.
.TP
\fI$XDG_CACHE_HOME/prefectx/\fR
The workspace lists (workspaces-*.json), the hook's digest key (hook-key, 0600).
.TP
\fI$XDG_RUNTIME_DIR/prefectx/\fR
Per-shell stamp files the prompt check compares (else under the cache folder).
"#;

    /// Every option and argument in the command tree has help text.
    #[test]
    fn every_argument_has_help() {
        fn walk(c: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for a in c.get_arguments() {
                let builtin = ["help", "version"].contains(&a.get_id().as_str());
                if !builtin
                    && !a.is_hide_set()
                    && a.get_help().is_none()
                    && a.get_long_help().is_none()
                {
                    missing.push(format!("{path} {}", a.get_id()));
                }
            }
            for sc in c.get_subcommands() {
                if !sc.is_hide_set() {
                    walk(sc, &format!("{path} {}", sc.get_name()), missing);
                }
            }
        }
        let mut missing = Vec::new();
        walk(&super::super::Cli::command(), "prefectx", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:?}");
    }

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
        if let Some(main) = fresh.get_mut("prefectx.1") {
            main.push_str(ENVIRONMENT_AND_FILES);
        }
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
