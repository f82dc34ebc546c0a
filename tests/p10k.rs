//! zsh with powerlevel10k's instant prompt (vendored in tests/vendor/powerlevel10k, pinned;
//! its licence is there): the prompt zsh users run most, which redirects stdin to /dev/null and
//! stdout/stderr to a file while ~/.zshrc runs.

mod common;

use std::path::Path;
use std::process::Command;

use common::pty::*;
use common::*;

const FILE: &str = "active = \"dev\"\n\n[profiles.dev]\nPREFECT_API_URL = \"http://dev.example/api\"\n\n[profiles.prod]\nPREFECT_API_URL = \"http://prod.example/api\"\n";

/// p10k's own prompt symbol in its robbyrussell style: the prompt is up.
const P10K_PROMPT: &str = "\u{279c}";

/// A ~/.zshrc as p10k's README writes it: the instant-prompt preamble first, then the theme,
/// its configuration, and the prefectx hook last.
fn p10k_rc(sb: &Sandbox) -> String {
    // A copy: p10k compiles its files in place (*.zwc), which must not land in the source tree.
    let p10k = sb.dir.path().join("powerlevel10k");
    if !p10k.exists() {
        let vendored = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vendor/powerlevel10k");
        let ok = Command::new("cp")
            .arg("-R")
            .arg(&vendored)
            .arg(&p10k)
            .status();
        assert!(
            ok.is_ok_and(|s| s.success()),
            "copying {}",
            vendored.display()
        );
    }
    format!(
        r#"if [[ -r "${{XDG_CACHE_HOME:-$HOME/.cache}}/p10k-instant-prompt-${{(%):-%n}}.zsh" ]]; then
  source "${{XDG_CACHE_HOME:-$HOME/.cache}}/p10k-instant-prompt-${{(%):-%n}}.zsh"
fi
HISTFILE=/dev/null
source '{p}/powerlevel10k.zsh-theme'
source '{p}/config/p10k-robbyrussell.zsh'
# No gitstatusd download in a test.
POWERLEVEL9K_DISABLE_GITSTATUS=true
{hook}
# The test's other terminal says which profile it is on at its first prompt.
if [[ -n "${{P10K_TEST_REPORT-}}" ]]; then
  __report() {{ echo "P=$PREFECT_PROFILE" > "$P10K_TEST_REPORT" }}
  precmd_functions+=(__report)
fi
"#,
        p = p10k.display(),
        hook = hook_line("zsh", BIN)
    )
}

/// A p10k zsh whose instant-prompt cache exists: a first shell makes it. The cache is per
/// folder: the first shell runs in `dir`, where the shells under test start. p10k writes it
/// from a `zle -F` handler, while the line editor waits for keys: the first shell is left
/// alone at its prompt until the file is there (typed-ahead keys could preempt the write).
fn primed(sb: &Sandbox, name: &str, dir: &Path) -> Command {
    let mut cmd = shell_command(sb, "zsh", &p10k_rc(sb), None);
    cmd.current_dir(dir);
    let mut first = shell_command(sb, "zsh", &p10k_rc(sb), None);
    first.current_dir(dir);
    let t = Tmux::start(first, &format!("p10k-prime-{name}"));
    t.wait_for(P10K_PROMPT);
    wait_until(60, "p10k's instant-prompt cache", || {
        std::fs::read_dir(sb.cache_dir()).is_ok_and(|d| {
            d.flatten().any(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.starts_with("p10k-instant-prompt-") && n.ends_with(".zsh")
            })
        })
    });
    t.keys(&["exit", "Enter"]);
    cmd
}

/// A folder line at start-up is shown once the prompt is up, and p10k sees no console output.
#[test]
fn instant_prompt_sees_no_output_and_the_folder_line_still_shows() {
    if !have("zsh") || !have("tmux") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let proj = sb.home().join("proj");
    std::fs::create_dir_all(&proj).unwrap();
    std::fs::write(proj.join(".prefect-profile"), "prod\n").unwrap();
    let t = Tmux::start(primed(&sb, "folder", &proj), "p10k-folder");
    t.wait_for("is not allowed");
    let screen = t.wait_for(P10K_PROMPT);
    assert!(
        !screen.contains("console output during zsh"),
        "p10k warned:\n{screen}"
    );
    assert_eq!(screen.matches("is not allowed").count(), 1, "{screen}");
    // Said once: the next prompt is quiet.
    t.keys(&["-l", "echo next-$((6*7))"]);
    t.keys(&["Enter"]);
    let screen = t.wait_for("next-42");
    assert_eq!(screen.matches("is not allowed").count(), 1, "{screen}");
}

/// A tmux server started from a pinned shell: its shells are other terminals, which follow
/// `active` even while p10k has redirected the shell's stdin and stderr.
#[test]
fn a_pin_does_not_leak_into_another_terminal_under_instant_prompt() {
    if !have("zsh") || !have("tmux") {
        return;
    }
    let sb = Sandbox::new();
    sb.write_profiles(FILE);
    let t = Tmux::start(primed(&sb, "pin", &sb.home()), "p10k-pin");
    t.wait_for(P10K_PROMPT);
    let out_file = sb.dir.path().join("inner.txt");
    let sock = format!("prefectx-p10k-inner-{}", std::process::id());
    // tmux's own TERM (screen) turns the instant prompt off; many users set an xterm one.
    let inner = format!(
        "TERM=xterm P10K_TEST_REPORT={} zsh -d -i",
        out_file.display()
    );
    t.keys(&["-l", "prefectx use prod"]);
    t.keys(&["Enter"]);
    t.keys(&["-l", "echo pinned=$__PREFECTX_PIN"]);
    t.keys(&["Enter"]);
    t.wait_for("pinned=prod");
    t.keys(&[
        "-l",
        &format!("tmux -L {sock} -f /dev/null new-session -d -s i \"{inner}\""),
    ]);
    t.keys(&["Enter"]);
    wait_until(30, "the other terminal's report", || {
        std::fs::read_to_string(&out_file).is_ok_and(|s| s.ends_with('\n'))
    });
    let _ = Command::new("tmux")
        .args(["-L", &sock, "kill-server"])
        .status();
    assert_eq!(
        std::fs::read_to_string(&out_file).unwrap(),
        "P=dev\n",
        "the pin leaked into another terminal"
    );
}
