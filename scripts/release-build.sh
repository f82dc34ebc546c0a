#!/usr/bin/env bash
# The release binaries as the Debian package ships them: `prefectx`, the binary prompts and
# TAB run, linked fully static (static-pie, so still loaded at a random address), and
# `prefectx-cloud` as usual. Without the dynamic loader's work `prefectx prompt` costs 1.09x
# `/bin/true` instead of 1.26x (hyperfine -N, bench/results.md). Cargo has no stable way to
# set crt-static for one binary in Cargo.toml (a target-wide flag would also reach the proc
# macros, which cannot be static), hence `cargo rustc` for that one binary.
# Then: cargo deb --no-build
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin prefectx-cloud
host=$(rustc -vV | sed -n 's/^host: //p')
case $host in
*-linux-gnu)
  cargo rustc --release --locked --bin prefectx -- -C target-feature=+crt-static
  ;;
*) cargo build --release --locked --bin prefectx ;;
esac
