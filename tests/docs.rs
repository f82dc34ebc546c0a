//! The documentation stays true to the tree: docs/architecture.md names only paths that exist
//! and describes every folder of src/; and no text a reader gets (code, help, man pages,
//! completions, README, docs) points at this project's tracker, which no reader can open.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where a bare file name in the architecture page may live.
const HOMES: [&str; 13] = [
    "",
    "src",
    "src/bin",
    "src/cmd",
    "src/cli",
    "src/choose",
    "src/cloud",
    "src/prefect",
    "src/prefect/profiles",
    "src/prefect/project",
    "src/sys",
    "src/shell",
    "scripts",
];

#[test]
fn the_architecture_page_names_real_paths_and_every_folder() {
    let text = std::fs::read_to_string(root().join("docs/architecture.md")).unwrap();
    let mut missing = Vec::new();
    for (i, chunk) in text.split('`').enumerate() {
        // Odd chunks are inside backticks; take the first word, before any `: `.
        let word = chunk.split([' ', ':']).next().unwrap_or_default();
        if i % 2 == 0 || word.contains('*') || word.contains('$') || word.starts_with('~') {
            continue;
        }
        let looks_like_path = word.ends_with(".rs")
            || word.ends_with(".sh")
            || word.ends_with(".md")
            || word.ends_with(".tsv")
            || (word.ends_with('/') && word.len() > 1 && !word.contains(' '));
        if !looks_like_path {
            continue;
        }
        let found = HOMES.iter().any(|h| root().join(h).join(word).exists());
        if !found {
            missing.push(word.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "docs/architecture.md names paths that do not exist: {missing:?}"
    );
    for entry in std::fs::read_dir(root().join("src")).unwrap().flatten() {
        if entry.path().is_dir() {
            let name = format!("`{}/`", entry.file_name().to_string_lossy());
            let alt = format!("`src/{}/`", entry.file_name().to_string_lossy());
            assert!(
                text.contains(&name) || text.contains(&alt),
                "docs/architecture.md does not describe src/{}",
                entry.file_name().to_string_lossy()
            );
        }
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn no_tracker_numbers_in_what_readers_get() {
    let mut files = Vec::new();
    for d in [
        "src",
        "shell",
        "completions",
        "docs",
        "man",
        "scripts",
        "bench",
        "conf.d",
    ] {
        files_under(&root().join(d), &mut files);
    }
    files.push(root().join("README.md"));
    files.push(root().join("prefectx.plugin.zsh"));
    files.push(root().join("build.rs"));
    files.push(root().join("Cargo.toml"));
    let mut hits = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_ascii_lowercase();
            let mut rest = lower.as_str();
            while let Some(at) = rest.find("issue") {
                let after = rest[at + 5..].trim_start_matches('s').trim_start();
                let after = after.trim_start_matches('#');
                // "Prefect #15981"-style upstream references name their project, not "issue N".
                if after.starts_with(|c: char| c.is_ascii_digit()) {
                    hits.push(format!("{}:{}: {line}", f.display(), n + 1));
                    break;
                }
                rest = &rest[at + 5..];
            }
        }
    }
    assert!(hits.is_empty(), "tracker numbers:\n{}", hits.join("\n"));
}
