#!/usr/bin/env bash
# The crate as crates.io would get it: the declared rust-version is at least every
# dependency's, the package holds what the build needs (shell/, data/, completions/, man/)
# and no tests, and `cargo publish --dry-run` builds it from the package alone.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo metadata --format-version 1 --locked | python3 -c '
import json, sys
m = json.load(sys.stdin)
pk = {p["id"]: p for p in m["packages"]}
nodes = {n["id"]: n for n in m["resolve"]["nodes"]}
root = next(p for p in m["packages"] if p["name"] == "prefectx")
ver = lambda s: tuple(int(x) for x in (s or "0").split("."))
seen, stack = set(), [root["id"]]
while stack:
    i = stack.pop()
    if i in seen:
        continue
    seen.add(i)
    for d in nodes[i]["deps"]:
        if any(k["kind"] in (None, "build") for k in d["dep_kinds"]):
            stack.append(d["pkg"])
need, who = max((ver(pk[i].get("rust_version")), pk[i]["name"]) for i in seen if i != root["id"])
ours = ver(root.get("rust_version"))
if ours < need:
    sys.exit("Cargo.toml: rust-version %s is older than %s needs (%s)" % (root["rust_version"], who, ".".join(map(str, need))))
print("rust-version %s: ok (the newest a dependency needs: %s %s)" % (root["rust_version"], who, ".".join(map(str, need))))
'

list=$(cargo package --list --allow-dirty --locked)
for want in shell/prefectx.bash shell/prefectx.nu data/prefect-settings.tsv completions/prefectx.bash man/prefectx.1 LICENSE README.md; do
  grep -qx "$want" <<<"$list" || { echo "the package lacks $want" >&2; exit 1; }
done
if grep -E '^(tests|bench|scripts|docs)/' <<<"$list"; then
  echo "the package holds files the build does not need (above)" >&2
  exit 1
fi
cargo publish --dry-run --allow-dirty --locked
