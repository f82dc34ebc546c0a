#!/usr/bin/env bash
# Per-prompt cost of the prefectx hook in interactive bash, zsh and fish, next to no hook and to
# `direnv hook` (in a folder without .envrc): wall time per prompt and processes (execve) per
# prompt. Each shell runs in a private tmux server; N empty lines are typed ahead in one burst;
# execs are counted with strace over N prompts minus 0 prompts. Prints a Markdown table.
# Usage: bench/prompt.sh [N]   (default 300). Called by bench/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$PWD/target/release/prefectx
N=${1:-300}
work=$(mktemp -d)
sock=prefectx-bench-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
export HOME=$work/home XDG_CACHE_HOME=$work/cache XDG_RUNTIME_DIR=$work/run
mkdir -p "$HOME/.prefect" "$XDG_RUNTIME_DIR" "$work/cwd"
printf 'active = "dev"\n\n[profiles.dev]\nPREFECT_API_URL = "http://dev:4200/api"\n' > "$HOME/.prefect/profiles.toml"
touch -d '2020-01-01' "$HOME/.prefect/profiles.toml"

rc() { # rc SHELL VARIANT -> rc text
  local sh=$1 v=$2 hook="" change=""
  case $v in
    prefectx | prefectx-change)
      if [ "$sh" = fish ]; then hook="'$bin' hook fish | source"; else hook="eval \"\$('$bin' hook $sh)\""; fi ;;
    direnv)
      if [ "$sh" = fish ]; then hook="direnv hook fish | source"; else hook="eval \"\$(direnv hook $sh)\""; fi ;;
  esac
  if [ "$v" = prefectx-change ]; then
    # Rewrite the file (same bytes, new mtime) with builtins before every prompt.
    case $sh in
      bash) change='__c=$(<"$HOME/.prefect/profiles.toml"); __chg() { printf "%s\n" "$__c" > "$HOME/.prefect/profiles.toml"; }; PROMPT_COMMAND="__chg;$PROMPT_COMMAND"' ;;
      zsh) change='__c=$(<"$HOME/.prefect/profiles.toml"); __chg() { printf "%s\n" "$__c" > "$HOME/.prefect/profiles.toml" }; precmd_functions=(__chg $precmd_functions)' ;;
      fish) change='set -g __c (string collect < $HOME/.prefect/profiles.toml); function __chg --on-event fish_prompt; printf "%s\n" $__c > $HOME/.prefect/profiles.toml; end' ;;
    esac
  fi
  case $sh in
    bash) printf "PS1='PX> '\nHISTFILE=/dev/null\n%s\n%s\n" "$hook" "$change" ;;
    zsh) printf "PS1='PX> '\nHISTFILE=/dev/null\n%s\n%s\n" "$hook" "$change" ;;
    fish) printf "function fish_prompt; echo -n 'PX> '; end\nset -g fish_greeting ''\n%s\n%s\n" "$hook" "$change" ;;
  esac
}

cmdline() { # cmdline SHELL RCDIR
  case $1 in
    bash) echo "bash --noprofile --rcfile $2/rc -i" ;;
    zsh) echo "env ZDOTDIR=$2 zsh -d -i" ;;
    fish) echo "fish --no-config -i -C 'source $2/rc'" ;;
  esac
}

session() { # session SHELL RCDIR PROMPTS [STRACELOG] -> prints seconds for the burst
  local sh=$1 dir=$2 n=$3 log=${4:-} cmd marker=$work/done.$RANDOM
  cmd=$(cmdline "$sh" "$dir")
  [ -z "$log" ] || cmd="strace -f -qq -e trace=execve -o $log $cmd"
  tmux -L "$sock" -f /dev/null new-session -d -s b -x 150 -y 40 -c "$work/cwd" "$cmd"
  local i=0
  # (no `| grep -q`: under pipefail its early exit fails the pipeline)
  until [[ "$(tmux -L "$sock" capture-pane -p -t b 2>/dev/null)" == *"PX>"* ]]; do
    sleep 0.05; i=$((i + 1)); [ $i -lt 400 ] || { echo "shell did not start" >&2; exit 1; }
  done
  sleep 0.3
  local -a keys=()
  for ((k = 0; k < n; k++)); do keys+=(Enter); done
  local t0 t1
  t0=$(date +%s%N)
  [ "$n" = 0 ] || tmux -L "$sock" send-keys -t b "${keys[@]}"
  tmux -L "$sock" send-keys -t b -l "echo done > $marker" \; send-keys -t b Enter
  until [ -e "$marker" ]; do sleep 0.002; done
  t1=$(date +%s%N)
  tmux -L "$sock" send-keys -t b -l "exit" \; send-keys -t b Enter
  while tmux -L "$sock" has-session -t b 2>/dev/null; do sleep 0.02; done
  echo $(((t1 - t0) / 1000))
}

execs() { grep -c 'execve(' "$1" || true; }

echo
echo "Per prompt, $N prompts a session, interactive shells in tmux (\`./bench/prompt.sh\`):"
echo
echo "| shell | hook | ms per prompt | added vs no hook | processes per prompt |"
echo "|---|---|---:|---:|---:|"
for sh in bash zsh fish; do
  command -v $sh >/dev/null || continue
  base_us=""
  for v in none prefectx prefectx-change direnv; do
    [ "$v" != direnv ] || command -v direnv >/dev/null || continue
    d=$work/$sh-$v; mkdir -p "$d"; rc $sh $v > "$d/rc"; cp "$d/rc" "$d/.zshrc"
    best=""
    for trial in 1 2 3; do
      us=$(session $sh "$d" "$N")
      if [ -z "$best" ] || [ "$us" -lt "$best" ]; then best=$us; fi
    done
    session $sh "$d" "$N" "$work/s.N" >/dev/null
    session $sh "$d" 0 "$work/s.0" >/dev/null
    per=$(python3 -c "print('%.3f' % ($best / 1000 / $N))")
    [ -n "$base_us" ] || base_us=$best
    added=$(python3 -c "print('%+.3f' % (($best - $base_us) / 1000 / $N))")
    procs=$(python3 -c "print('%.2f' % (($(execs "$work/s.N") - $(execs "$work/s.0")) / $N))")
    label=$v; [ "$v" != none ] || label="(none)"; [ "$v" != prefectx ] || label="prefectx, idle"
    [ "$v" != prefectx-change ] || label="prefectx, file changed before every prompt"
    [ "$v" != direnv ] || label="direnv hook (no .envrc)"
    echo "| $sh | $label | $per | $added | $procs |"
  done
done
