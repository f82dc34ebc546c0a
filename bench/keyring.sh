#!/usr/bin/env bash
# What a switch to a profile whose key is in the OS keyring costs, next to one whose
# key is in the file: `prefectx env NAME` does what a hooked shell's switch does (one
# hook-env, plus the keyring helper for the keyring profile). A private D-Bus session with
# gnome-keyring, unlocked headless. Prints a Markdown table. Usage: bench/keyring.sh
# Needs: hyperfine, dbus, gnome-keyring; the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/release-build.sh >/dev/null 2>&1
bin=$PWD/target/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data PATH="$bin:$PATH"
mkdir -p "$HOME/.prefect"
printf 'active = "file"\n\n[profiles.file]\nPREFECT_API_URL = "https://api.prefect.cloud/api/accounts/a/workspaces/w"\nPREFECT_API_KEY = "pnu_benchkey0000"\n\n[profiles.kr]\nPREFECT_API_URL = "https://api.prefect.cloud/api/accounts/a/workspaces/w"\nPREFECT_API_KEY = "pnu_benchkey0000"\n' > "$HOME/.prefect/profiles.toml"
dbus-run-session -- bash -c '
  printf bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  prefectx profile keyring kr >/dev/null
  hyperfine -N --warmup 10 --runs 200 --export-json "$0/k.json" \
    "prefectx env file --shell bash" "prefectx env kr --shell bash" >/dev/null 2>&1
' "$work"
python3 - "$work/k.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
f, k = (x["median"] * 1000 for x in r)
print("| switch to a profile whose key is | median | processes |")
print("|---|---:|---:|")
print("| in profiles.toml (`prefectx env file`) | %.2f ms | 1 |" % f)
print("| in the OS keyring (`prefectx env kr`: + `prefectx-cloud keyring-helper get`) | %.2f ms | 2 |" % k)
print()
print("The keyring adds %.2f ms to a switch; an idle prompt costs nothing either way." % (k - f))
PY
