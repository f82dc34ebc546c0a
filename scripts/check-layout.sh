#!/usr/bin/env bash
# The layout rules (docs/architecture.md), checked at every run of the one test command:
# - nothing outside src/cmd/, src/cli/, src/lib.rs and src/main.rs imports crate::cmd or
#   crate::cli;
# - no top-level module imports one that imports it back (test code excluded);
# - no file in src/ over 400 lines.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
if grep -rn 'crate::cmd\|crate::cli' src --include='*.rs' |
  grep -v '^src/cmd/\|^src/cli/\|^src/lib\.rs:\|^src/main\.rs:'; then
  echo "layout: the lines above import crate::cmd or crate::cli from outside cmd/, cli/, lib.rs, main.rs" >&2
  fail=1
fi
python3 - <<'PY' || fail=1
import glob, re, sys
mods = {}
for f in glob.glob("src/**/*.rs", recursive=True):
    parts = f[len("src/"):-len(".rs")].split("/")
    name = parts[0]
    text = re.sub(r"#\[cfg\(test\)\][\s\S]*", "", open(f).read())
    refs = set(re.findall(r"crate::([a-z_]+)", text))
    for group in re.findall(r"use crate::\{([^}]*)\}", text):
        refs |= {x.strip().split("::")[0] for x in group.split(",")}
    mods.setdefault(name, set()).update(r for r in refs if r != name)
cycles = sorted({tuple(sorted((a, b))) for a in mods for b in mods[a] if a in mods.get(b, ())})
if cycles:
    print("layout: modules that import each other:", cycles, file=sys.stderr)
    sys.exit(1)
PY
while IFS= read -r f; do
  n=$(wc -l <"$f")
  if ((n > 400)); then
    echo "layout: $f has $n lines (at most 400)" >&2
    fail=1
  fi
done < <(find src -name '*.rs')
exit "$fail"
