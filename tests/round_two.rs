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
