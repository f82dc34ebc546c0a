//! Defects a new user hit in a second round, each as it was seen: a rename in a pinned hooked
//! shell advised a needless command, `use --local --unset` in a subfolder left the folder's
//! choice in place, and a mistyped workspace handle got no suggestion.

mod common;

use common::cloud::{self, GOOD_KEY};
use common::pty::*;
use common::*;

const FILE: &str = "active = \"p2\"\n\n[profiles.p1]\nPREFECT_API_URL = \"http://p1/api\"\n\n[profiles.p2]\nPREFECT_API_URL = \"http://p2/api\"\n\n[profiles.p3]\nPREFECT_API_URL = \"http://p3/api\"\n";

#[test]
fn a_rename_in_a_pinned_hooked_shell_gives_no_stale_advice() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let mut t = Term::start(&sb, shell, &rc_text(shell, &hook_line(shell, BIN)));
        t.run("prefectx use p1");
        let out = t.run("prefectx profile rename p1 q1");
        assert!(
            out.contains("Renamed profile 'p1' to 'q1'"),
            "{shell}: {out}"
        );
        assert!(!out.contains("still says"), "{shell}: {out}");
        t.run("true");
        assert_eq!(t.var("PREFECT_PROFILE"), "q1", "{shell}: moved by itself");
        t.exit();
    }
}

#[test]
fn unset_in_a_subfolder_stops_the_folder_that_chooses() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let team = sb.home().join("team");
    let sub = team.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    assert!(sb.run_in(&team, &["use", "--local", "p3"]).status.success());
    assert_eq!(stdout(&sb.run_in(&sub, &["current"])), "p3\n");
    let o = sb.run_in(&sub, &["use", "--local", "--unset"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("team/.prefect-profile, which chose for"),
        "{}",
        stderr(&o)
    );
    assert!(!team.join(".prefect-profile").exists());
    assert_eq!(
        stdout(&sb.run_in(&sub, &["current"])),
        "p2\n",
        "back to active"
    );
}

#[test]
fn a_mistyped_workspace_handle_gets_a_suggestion() {
    let server = cloud::standard();
    let sb = cloud::sandbox(&server, FILE);
    let o = sb.run(&["login", "--key", GOOD_KEY, "--workspace", "acme/prd"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("workspace 'acme/prd' not found; did you mean 'acme/prod'?"),
        "{}",
        stderr(&o)
    );
}

fn hooked(sb: &Sandbox, shell: &str) -> Term {
    Term::start(sb, shell, &rc_text(shell, &hook_line(shell, BIN)))
}

/// `follow` where a folder chooses names the profile that applies, not `active`.
#[test]
fn follow_names_the_profile_that_applies() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let proj = sb.home().join("proj");
        std::fs::create_dir_all(&proj).unwrap();
        assert!(sb.run_in(&proj, &["use", "--local", "p3"]).status.success());
        let mut t = hooked(&sb, shell);
        t.run("prefectx use p1");
        t.run("cd proj");
        let out = t.run("prefectx follow");
        assert!(
            out.contains("'p3' applies here (named by")
                && out.contains("the active profile 'p2' elsewhere"),
            "{shell}: {out}"
        );
        assert!(
            !out.contains("follows the active profile 'p2'"),
            "{shell}: {out}"
        );
        assert_eq!(t.var("PREFECT_PROFILE"), "p3", "{shell}");
        t.run("cd ..");
        let out = t.run("prefectx use p1; prefectx follow");
        assert!(
            out.contains("follows the active profile, 'p2'"),
            "{shell}: {out}"
        );
        t.exit();
    }
}

/// `use -` goes back to the previous state, pinned or following, as `cd -` does.
#[test]
fn use_dash_goes_back_like_cd_dash() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let mut t = hooked(&sb, shell);
        t.run("prefectx use p1");
        t.run("prefectx follow");
        t.run("prefectx use -");
        assert_eq!(t.var("PREFECT_PROFILE"), "p1", "{shell}: back to p1");
        assert_eq!(t.var("__PREFECTX_PIN"), "p1", "{shell}");
        let out = t.run("prefectx use -");
        assert!(
            out.contains("follows the active profile, 'p2'"),
            "{shell}: {out}"
        );
        assert_eq!(
            t.var("__PREFECTX_PIN"),
            "<unset>",
            "{shell}: following again"
        );
        assert_eq!(t.var("PREFECT_PROFILE"), "p2", "{shell}");
        t.run("prefectx use -");
        assert_eq!(t.var("__PREFECTX_PIN"), "p1", "{shell}: and back");
        t.exit();
    }
}

/// An exported PREFECT_PROFILE naming no profile: one answer everywhere, the kept profile.
#[test]
fn an_unknown_exported_profile_gives_one_answer() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        let mut t = hooked(&sb, shell);
        let out = t.run(match shell {
            "fish" => "set -gx PREFECT_PROFILE nope",
            _ => "export PREFECT_PROFILE=nope",
        });
        assert!(
            out.contains("no profile 'nope' in") && out.contains("PREFECT_PROFILE is back to 'p2'"),
            "{shell}: {out}"
        );
        assert_eq!(t.var("PREFECT_PROFILE"), "p2", "{shell}");
        assert_eq!(t.var("PREFECT_API_URL"), "http://p2/api", "{shell}");
        assert_eq!(t.var("PREFECTX_PROMPT"), "p2", "{shell}");
        let out = t.run("prefectx current");
        assert!(
            out.contains("p2") && !out.contains("not found"),
            "{shell}: {out}"
        );
        t.exit();
    }
    // A new shell started with it goes on as if it were not set.
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let o = sb.shell(
        "bash",
        &format!("eval \"$('{BIN}' hook bash)\"; echo \"P=$PREFECT_PROFILE\""),
        &[("PREFECT_PROFILE", "nope")],
    );
    assert!(stdout(&o).contains("P=p2"), "{}", stdout(&o));
    assert!(stderr(&o).contains("no profile 'nope'"), "{}", stderr(&o));
}

/// One-shot warnings: an interactive child shell applies the profile it is given (no warning);
/// `env PREFECT_PROFILE=... cmd` does not reach cmd (warned).
#[test]
fn one_shot_warnings_where_the_value_does_not_reach() {
    for shell in interactive_shells() {
        let sb = Sandbox::new();
        sb.write_profiles(FILE);
        // The child shells' own rc files: the hook and the test prompt.
        std::fs::write(
            sb.home().join(".bashrc"),
            rc_text("bash", &hook_line("bash", BIN)),
        )
        .unwrap();
        let fish_conf = sb.home().join(".config/fish");
        std::fs::create_dir_all(&fish_conf).unwrap();
        std::fs::write(
            fish_conf.join("config.fish"),
            rc_text("fish", &hook_line("fish", BIN)),
        )
        .unwrap();
        let mut t = hooked(&sb, shell);
        let out = t.run(&format!("PREFECT_PROFILE=p1 {shell}"));
        assert!(!out.contains("does not reach"), "{shell}: {out}");
        assert_eq!(
            t.var("PREFECT_PROFILE"),
            "p1",
            "{shell}: the child applied it"
        );
        t.run("exit");
        let out = t.run("env PREFECT_PROFILE=p3 true");
        assert!(
            out.contains("PREFECT_PROFILE=p3 does not reach true here"),
            "{shell}: {out}"
        );
        let out = t.run("env -i PREFECT_PROFILE=p3 true");
        assert!(!out.contains("does not reach"), "{shell}: {out}");
        t.exit();
    }
}

/// "active" means the file's `active`, as in Prefect: this shell's profile is named otherwise.
#[test]
fn messages_keep_prefects_meaning_of_active() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let o = sb.shell(
        "bash",
        &format!("eval \"$('{BIN}' hook bash)\"; prefectx use p1 2>/dev/null; prefectx profile delete -y p1"),
        &[],
    );
    assert!(
        stderr(&o).contains("profile 'p1' is the one this shell uses (PREFECT_PROFILE)"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("active profile"), "{}", stderr(&o));
    let proj = sb.home().join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(proj.join(".env"), "PREFECT_API_URL=http://env/api\n").unwrap();
    assert!(sb.run_in(&proj, &["allow", "--yes"]).status.success());
    let o = sb.run_in(&proj, &["deny"]);
    assert!(
        stderr(&o)
            .contains("the folder's .prefect-profile and Prefect's project files no longer apply"),
        "{}",
        stderr(&o)
    );
}

/// `config set -p OTHER` in a hooked shell: the exported value is the hook's own, replaced on
/// every switch, so Prefect's advice to unset it does not apply; a value set outside prefectx
/// does override, and is named.
#[test]
fn config_set_in_a_hooked_shell_warns_only_about_outside_values() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let hook = format!("eval \"$('{BIN}' hook bash)\"");
    let o = sb.shell(
        "bash",
        &format!("{hook}; prefectx config set -p p1 PREFECT_API_URL=http://new/api"),
        &[],
    );
    assert!(
        stdout(&o).contains("Updated profile 'p1'"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("will override"), "{}", stdout(&o));
    // A value set by hand, then an apply: it stands, and config set names it.
    let o = sb.shell(
        "bash",
        &format!("{hook}; export PREFECT_API_URL=http://hand/api; __prefectx_prompt; prefectx config set -p p1 PREFECT_API_URL=http://new2/api"),
        &[],
    );
    assert!(
        stdout(&o).contains("will override your config value"),
        "{}",
        stdout(&o)
    );
}

/// `allow --list` shows what is allowed and whether it still is; `--prune` forgets the gone.
#[test]
fn the_allow_list_can_be_listed_and_pruned() {
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let (a, b) = (sb.home().join("a"), sb.home().join("b"));
    for d in [&a, &b] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::write(d.join(".env"), "PREFECT_LOGGING_LEVEL=DEBUG\n").unwrap();
        assert!(sb.run_in(d, &["allow", "--yes"]).status.success());
    }
    std::fs::write(a.join(".env"), "PREFECT_LOGGING_LEVEL=INFO\n").unwrap();
    std::fs::remove_dir_all(&b).unwrap();
    let o = sb.run(&["allow", "--list"]);
    let list = stdout(&o);
    assert!(
        list.contains("a/.env  changed since it was allowed"),
        "{list}"
    );
    assert!(list.contains("b/.env  gone"), "{list}");
    let o = sb.run(&["allow", "--prune"]);
    assert!(stderr(&o).contains("1 entry pruned"), "{}", stderr(&o));
    let list = stdout(&sb.run(&["allow", "--list"]));
    assert!(
        list.contains("a/.env") && !list.contains("b/.env"),
        "{list}"
    );
    // A FIFO in the list's place is never opened for reading.
    std::fs::remove_file(a.join(".env")).unwrap();
    assert!(std::process::Command::new("mkfifo")
        .arg(a.join(".env"))
        .status()
        .unwrap()
        .success());
    let list = stdout(&sb.run(&["allow", "--list"]));
    assert!(list.contains("a/.env  changed since"), "{list}");
}

/// HOME unset, empty or relative (a normal user): one line, once, profiles still apply, and
/// nothing is written under the current folder.
#[test]
fn no_usable_home_is_one_line_once_and_writes_nothing_here() {
    if !can_be_another_user() {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let work = sb.dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&work, std::fs::Permissions::from_mode(0o777)).unwrap();
    open_path_to_others(&work);
    open_path_to_others(&sb.profiles_path());
    std::fs::set_permissions(sb.profiles_path(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let prefect_home = sb.profiles_path().parent().unwrap().to_path_buf();
    for home in [None, Some(""), Some("rel")] {
        let mut c = as_other_user("bash");
        c.args([
            "-c",
            &format!("eval \"$('{BIN}' hook bash)\"; prefectx use p1; echo \"P=$PREFECT_PROFILE\""),
        ]);
        c.env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("PREFECT_HOME", &prefect_home)
            .current_dir(&work);
        if let Some(h) = home {
            c.env("HOME", h);
        }
        let o = c.output().unwrap();
        let err = stderr(&o);
        assert_eq!(
            err.matches("does not follow later edits").count(),
            1,
            "HOME={home:?}: {err}"
        );
        assert_eq!(
            err.lines().filter(|l| l.starts_with("prefectx:")).count(),
            1,
            "HOME={home:?}: {err}"
        );
        assert!(
            stdout(&o).contains("P=p1"),
            "HOME={home:?}: {}{err}",
            stdout(&o)
        );
        let left: Vec<_> = std::fs::read_dir(&work)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert!(left.is_empty(), "HOME={home:?}: written here: {left:?}");
    }
}
