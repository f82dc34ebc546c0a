#!/usr/bin/env bash
# The one test command (README, .ci/run). On a fresh Debian machine it installs what the tests
# need (real shells, strace, a venv with prefect==3.9.1 as the compatibility oracle, nushell
# from npm, cargo-deb, starship), then runs fmt, clippy, the package checks and the whole test suite.
# Needs cargo (rustup) and, for apt-get, root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
want() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
want zsh zsh
want fish fish
want dash dash
want strace strace
want tmux tmux
want flock util-linux
want setpriv util-linux
want pgrep procps
want cc gcc
want nm binutils
want openssl openssl
want python3 python3
want man man-db
want dpkg-deb dpkg
want npm npm
want lintian lintian
want direnv direnv
# A real Secret Service for the keyring tests.
want gnome-keyring-daemon gnome-keyring
want dbus-daemon dbus
want dbus-send dbus
want secret-tool libsecret-tools
[ -r /usr/share/bash-completion/bash_completion ] || missing+=(bash-completion)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "cargo is required (https://rustup.rs)" >&2; exit 1; }

# starship, the real one, for the README's prompt configuration (tests/protect.rs). Built from
# crates.io in the background while pip and npm download: a debug build without the default
# features (battery, desktop notifications) takes about 1.5 minutes on 2 cores, a release build
# 5. Reused while it is this version.
starship_dir="${XDG_CACHE_HOME:-$HOME/.cache}/prefectx-test/starship"
starship_pid=""
if [ "$("$starship_dir/bin/starship" --version 2>/dev/null | head -1)" != "starship 1.27.0" ]; then
  echo "building starship 1.27.0 into $starship_dir (in the background)"
  mkdir -p "$starship_dir"
  cargo install --locked --quiet --debug --no-default-features --root "$starship_dir" starship@1.27.0 \
    >"$starship_dir/build.log" 2>&1 &
  starship_pid=$!
fi

# The oracle lives outside the work tree and is reused while it is the right version.
venv="${PREFECTX_PREFECT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/prefectx-test/venv-prefect-3.9.1}"
if [ "$("$venv/bin/prefect" --version 2>/dev/null)" != "3.9.1" ]; then
  echo "installing prefect==3.9.1 into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check prefect==3.9.1
fi
export PREFECTX_PREFECT_VENV="$venv"

# nushell, the real one, from the npm registry; reused while it is this version.
nu_dir="${XDG_CACHE_HOME:-$HOME/.cache}/prefectx-test/nu"
if [ "$("$nu_dir/node_modules/.bin/nu" --version 2>/dev/null)" != "0.115.1" ]; then
  echo "installing nushell 0.115.1 into $nu_dir"
  npm install --prefix "$nu_dir" --no-audit --no-fund --loglevel=error nushell@0.115.1 >/dev/null
fi
export PATH="$nu_dir/node_modules/.bin:$PATH"
# mise, the real one, from the npm registry, for tests/coexist.rs.
mise_dir="${XDG_CACHE_HOME:-$HOME/.cache}/prefectx-test/mise"
if [ "$("$mise_dir/node_modules/.bin/mise" --version 2>/dev/null | cut -d' ' -f1)" != "2026.9.15" ]; then
  echo "installing mise 2026.9.15 into $mise_dir"
  npm install --prefix "$mise_dir" --no-audit --no-fund --loglevel=error @jdxcode/mise@2026.9.15 >/dev/null
fi
export PATH="$mise_dir/node_modules/.bin:$PATH"
command -v cargo-deb >/dev/null || cargo install --locked --quiet cargo-deb@3.8.0
if [ -n "$starship_pid" ] && ! wait "$starship_pid"; then
  cat "$starship_dir/build.log" >&2
  exit 1
fi
export PATH="$starship_dir/bin:$PATH"

./scripts/check-layout.sh
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
# The crate as published, and the Debian package the tests install (tests/package.rs). The
# package test checks the layout and the install, not optimisation: it packages the dev build
# the tests use anyway. A release build here cost 3 m 25 s of a 2-core run.
./scripts/check-package.sh
cargo build --locked
rm -rf target/debian
cargo deb --no-build --profile dev --locked --quiet
cargo test --locked
