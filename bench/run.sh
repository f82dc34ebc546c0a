#!/usr/bin/env bash
# Benchmarks for the README. Run by hand: ./bench/run.sh  (writes bench/results.md)
# Needs: hyperfine, strace, tmux, bash, zsh, fish, direnv, GNU time (apt-get install ...), and
# prefect==3.9.1 in $PREFECTX_PREFECT_VENV (scripts/test.sh installs it). Every number is
# measured side by side in one run; ratios are against /bin/true, the cost of starting a process.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
./scripts/release-build.sh >/dev/null 2>&1
bin=$root/target/release/prefectx
venv="${PREFECTX_PREFECT_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/prefectx-test/venv-prefect-3.9.1}"
out=$root/bench/results.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME=$work/home XDG_CACHE_HOME=$work/cache DO_NOT_TRACK=1
mkdir -p "$HOME/.prefect" "$work/empty"

# Profiles files of 3, 100, 1,000 and 20,000 profiles; the 3-profile one is the default.
mkfile() { # mkfile N PATH
  python3 - "$1" "$2" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
s = 'active = "p0"\n'
for i in range(n):
    s += f'\n[profiles.p{i}]\nPREFECT_API_URL = "http://host-{i}.example:4200/api"\nPREFECT_LOGGING_LEVEL = "INFO"\n'
open(path, "w").write(s)
PY
}
for n in 3 100 1000 20000; do mkfile $n "$work/p$n.toml"; done
cp "$work/p3.toml" "$HOME/.prefect/profiles.toml"

hf() { # hf NAME RUNS CMD... -> median seconds into $work/NAME.json
  local name=$1 runs=$2; shift 2
  hyperfine -N -i --warmup "$((runs < 20 ? 1 : 20))" --runs "$runs" --export-json "$work/$name.json" "$@" >/dev/null 2>&1
}
median_ms() {
  if [ -f "$work/$1.ms" ]; then cat "$work/$1.ms"; return; fi
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f" % (r["median"]*1000))' "$work/$1.json"
}
rss_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

# The budget rows: 5 rounds, each /bin/true then the commands, so a ratio compares runs a few
# seconds apart; the table shows the median of the 5 ratios (this machine drifts: /bin/true
# alone has measured 0.55 and 0.77 ms a minute apart).
for r in 1 2 3 4 5; do
  hf "true_$r" 200 /bin/true
  hf "env_$r" 200 "$bin env p1 --shell bash"
  hf "prompt_$r" 200 "$bin prompt"
  hf "ls_$r" 200 "$bin ls"
  COMPLETE=bash _CLAP_COMPLETE_INDEX=2 _CLAP_COMPLETE_COMP_TYPE=9 _CLAP_COMPLETE_SPACE=true _CLAP_IFS=$'\013' \
    hf "complete_$r" 200 "$bin -- prefectx env p"
done
# rounds NAME ms|ratio [BASE]: the median over the rounds of NAME_r, or of NAME_r / BASE_r
# (BASE: true); rounds are the NAME_r files there are.
rounds() {
  python3 - "$work" "$1" "$2" "${3:-true}" <<'PY'
import json, os, statistics, sys
work, name, what, base = sys.argv[1:]
med = lambda n: json.load(open(f"{work}/{n}.json"))["results"][0]["median"]
rs = [r for r in range(1, 10) if os.path.exists(f"{work}/{name}_{r}.json")]
if what == "ms":
    print("%.3f" % (statistics.median(med(f"{name}_{r}") for r in rs) * 1000))
else:
    print("%.2fx" % statistics.median(med(f"{name}_{r}") / med(f"{base}_{r}") for r in rs))
PY
}
for n in true env prompt ls complete; do
  rounds $n ms > "$work/$n.ms"
done
# What a `cd` that matters costs: one hook refresh, in a plain folder and in an
# allowed project folder (prefect.toml and .env read, hashed and laid over the profile).
mkdir -p "$work/proj"
printf '[api]\nurl = "http://project/api"\n[client]\nmax_retries = 3\n' > "$work/proj/prefect.toml"
printf 'export PREFECT_LOGGING_LEVEL="DEBUG" # team\n' > "$work/proj/.env"
(cd "$work/proj" && "$bin" allow 2>/dev/null)
(cd "$work/empty" && hf refresh_plain 200 "$bin hook-env bash refresh")
(cd "$work/proj" && hf refresh_project 200 "$bin hook-env bash refresh")
direnv_row=""
if command -v direnv >/dev/null; then
  (cd "$work/empty" && hf direnv 200 "direnv export bash")
  direnv_row=yes
fi
prefect_rows=""
if [ -x "$venv/bin/prefect" ]; then
  hf prefect_ls 5 "$venv/bin/prefect profile ls"
  hf prefect_view 5 "$venv/bin/prefect config view"
  hf prefect_use 5 "$venv/bin/prefect profile use p1"
  prefect_rows=yes
fi
# Scale: 3 rounds too, each ratio against the 3-profile file measured in the same round.
for r in 1 2 3; do
  for n in 3 100 1000 20000; do
    PREFECT_PROFILES_PATH=$work/p$n.toml hf "scale${n}_$r" "$((n == 20000 ? 20 : 100))" "$bin env p1 --shell bash"
  done
done
for n in 3 100 1000 20000; do
  rounds "scale$n" ms > "$work/scale$n.ms"
done

t=$(median_ms true)
ratio() { python3 -c "print('%.2fx' % ($1 / $2))"; }
{
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, $(uname -sr), $(hyperfine --version); \`./bench/run.sh\`."
  echo
  echo "| command | median | vs /bin/true | peak RSS |"
  echo "|---|---:|---:|---:|"
  echo "| \`/bin/true\` | ${t} ms | 1.00x | $(rss_kb /bin/true) KiB |"
  echo "| \`prefectx env p1 --shell bash\` | $(median_ms env) ms | $(rounds env ratio) | $(rss_kb "$bin" env p1 --shell bash) KiB |"
  echo "| \`prefectx prompt\` | $(median_ms prompt) ms | $(rounds prompt ratio) | $(rss_kb "$bin" prompt) KiB |"
  echo "| completion request (\`prefectx env p<TAB>\`) | $(median_ms complete) ms | $(rounds complete ratio) | $(COMPLETE=bash _CLAP_COMPLETE_INDEX=2 rss_kb "$bin" -- prefectx env p) KiB |"
  echo "| \`prefectx ls\` | $(median_ms ls) ms | $(rounds ls ratio) | $(rss_kb "$bin" ls) KiB |"
  echo "| \`prefectx hook-env bash refresh\` (a change, or a \`cd\` that matters) | $(median_ms refresh_plain) ms | $(ratio "$(median_ms refresh_plain)" "$t") | |"
  echo "| the same in an allowed project folder (\`prefect.toml\` + \`.env\`) | $(median_ms refresh_project) ms | $(ratio "$(median_ms refresh_project)" "$t") | |"
  [ -z "$direnv_row" ] || echo "| \`direnv export bash\` (no .envrc) | $(median_ms direnv) ms | $(ratio "$(median_ms direnv)" "$t") | |"
  if [ -n "$prefect_rows" ]; then
    echo "| \`prefect profile ls\` | $(median_ms prefect_ls) ms | $(ratio "$(median_ms prefect_ls)" "$t") | |"
    echo "| \`prefect config view\` | $(median_ms prefect_view) ms | $(ratio "$(median_ms prefect_view)" "$t") | |"
    echo "| \`prefect profile use p1\` | $(median_ms prefect_use) ms | $(ratio "$(median_ms prefect_use)" "$t") | |"
    echo
    echo "\`prefect profile ls\` / \`prefectx ls\`: $(ratio "$(median_ms prefect_ls)" "$(median_ms ls)") slower."
  fi
  echo
  echo "Binaries: \`prefectx\` $(stat -c %s "$bin") bytes, \`prefectx-cloud\` $(stat -c %s "$root/target/release/prefectx-cloud") bytes; \`prefectx\` $(needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | paste -sd, -); [ -n "$needed" ] && echo "loads $needed only" || echo "is static-pie (scripts/release-build.sh)")."
  echo
  echo "| profiles in the file | \`prefectx env\` median | vs 3 profiles | peak RSS |"
  echo "|---:|---:|---:|---:|"
  for n in 3 100 1000 20000; do
    echo "| $n | $(median_ms "scale$n") ms | $(rounds "scale$n" ratio scale3) | $(PREFECT_PROFILES_PATH=$work/p$n.toml rss_kb "$bin" env p1 --shell bash) KiB |"
  done
} > "$out"

# Per-prompt cost in interactive shells: bench/prompt.sh (bash, zsh, fish).
"$root/bench/prompt.sh" >> "$out"
cat "$out"
