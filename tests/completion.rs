//! TAB in real interactive bash, zsh and fish: profile names, setting names and workspace
//! handles, from local files only. And the committed scripts under completions/ must match
//! what the binary generates.

mod common;

use common::pty::*;
use common::*;

const FILE: &str = "active = \"dev\"\n\n[profiles.dev]\n\n[profiles.prod-eu]\nPREFECT_API_KEY = \"pnu_k\"\n\n[profiles.\"my staging\"]\n";

#[test]
fn committed_completion_scripts_match_the_cli() {
    for (shell, file) in [
        ("bash", "prefectx.bash"),
        ("zsh", "_prefectx"),
        ("fish", "prefectx.fish"),
        ("powershell", "prefectx.ps1"),
        ("elvish", "prefectx.elv"),
    ] {
        let sb = Sandbox::new();
        let out = sb.run(&["completions", shell]);
        let committed =
            std::fs::read_to_string(format!("{}/completions/{file}", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        assert_eq!(
            stdout(&out),
            committed,
            "completions/{file} is stale: run `prefectx completions {shell} > completions/{file}`"
        );
    }
}

#[test]
fn complete_requests_answer_from_local_files() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let out = sb
        .cmd()
        .env("COMPLETE", "fish")
        .args(["--", "prefectx", "env", ""])
        .output()
        .unwrap();
    let text = stdout(&out);
    for n in ["dev", "prod-eu", "my staging", "ephemeral", "local"] {
        assert!(
            text.lines().any(|l| l.split('\t').next() == Some(n)),
            "{n} missing: {text}"
        );
    }
    let out = sb
        .cmd()
        .env("COMPLETE", "fish")
        .args(["--", "prefectx", "config", "set", "PREFECT_API_U"])
        .output()
        .unwrap();
    assert!(
        stdout(&out).lines().any(|l| l == "PREFECT_API_URL="),
        "{}",
        stdout(&out)
    );
    let out = sb
        .cmd()
        .env("COMPLETE", "fish")
        .args(["--", "prefectx", "config", "unset", "PREFECT_LOGGING_LEV"])
        .output()
        .unwrap();
    // `config unset` offers what the profile sets, and `dev` sets nothing.
    assert!(
        !stdout(&out).lines().any(|l| l.starts_with("PREFECT_")),
        "{}",
        stdout(&out)
    );
}

fn rc_with_completion(shell: &str, compinit_first: bool) -> String {
    let hook = hook_line(shell, BIN);
    match shell {
        "zsh" if compinit_first => rc_text(
            shell,
            &format!("autoload -Uz compinit && compinit -u\n{hook}"),
        ),
        "zsh" => rc_text(
            shell,
            &format!("{hook}\nautoload -Uz compinit && compinit -u"),
        ),
        _ => rc_text(shell, &hook),
    }
}

#[test]
fn tab_completes_profile_names_in_real_shells() {
    for shell in interactive_shells() {
        for compinit_first in [true, false] {
            if shell != "zsh" && !compinit_first {
                continue;
            }
            let sb = Sandbox::new();
            sb.write_profiles(FILE);
            let mut t = Term::start(&sb, shell, &rc_with_completion(shell, compinit_first));
            t.run("");
            // A unique prefix completes in place; running the line proves what it became.
            // The shell runs the completion when it reads TAB, before it reads the Enter that
            // follows: no wait is needed, whatever the machine's speed.
            t.s.send("prefectx env --shell sh prod\t").unwrap();
            let out = t.run("");
            assert!(
                out.contains("export PREFECT_PROFILE=prod-eu"),
                "{shell} (compinit first: {compinit_first}): {out}"
            );
            t.exit();
        }
    }
}

#[test]
fn tab_completes_setting_names_and_cached_workspace_handles() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        // A workspace cache as `prefectx login` leaves it, for prod-eu's key.
        let server = cloud::standard();
        // A custom Cloud URL must survive the hook's exact-environment rule.
        sb.set_env("PREFECT_CLOUD_API_URL", &server.base);
        sb.set_env("PREFECTX_KEEP", "PREFECT_CLOUD_API_URL");
        let out = sb
            .cmd()
            .args(cloud::login_args(&["-p", "prod-eu"]))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let mut t = Term::start(&sb, shell, &rc_with_completion(shell, true));
        t.run("prefectx use prod-eu");
        let before = server.count();
        // Workspace handles: `workspace set acme/d<TAB>` completes from the cache.
        t.s.send("prefectx workspace set acme/d\t").unwrap();
        let out = t.run("");
        assert!(
            out.contains("Successfully set workspace to 'acme/dev'"),
            "{shell}: {out}"
        );
        // `-p OTHER` completes OTHER's account's workspaces: from a shell on dev, which has
        // no key and so no workspaces of its own.
        t.run("prefectx use dev");
        t.s.send("prefectx workspace set -p prod-eu acme/p\t")
            .unwrap();
        let out = t.run("");
        assert!(
            out.contains("Successfully set workspace to 'acme/prod'"),
            "{shell}: -p: {out}"
        );
        // Setting names: `config set PREFECT_LOGGING_LEV<TAB>` becomes PREFECT_LOGGING_LEVEL=.
        t.s.send("prefectx config set -p dev PREFECT_LOGGING_LEV\t")
            .unwrap();
        t.s.send("DEBUG").unwrap();
        let out = t.run("");
        assert!(
            out.contains("Set 'PREFECT_LOGGING_LEVEL' to 'DEBUG'."),
            "{shell}: {out}"
        );
        // TAB never touched the network; `workspace set` used the fresh cache (0 requests).
        assert_eq!(
            server.count(),
            before,
            "{shell}: completion or a cached set went to the network"
        );
        t.exit();
    }
}
