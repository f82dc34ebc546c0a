#!/usr/bin/env bash
# What the hook costs on the commands a user types, not at the prompt: a loop typed at an
# interactive prompt, `for ((i=0;i<N;i++)); do :; done` (zsh and bash) or its fish form, timed
# inside the shell, in a plain and a hooked shell side by side (tmux gives each a terminal).
# Rounds alternate plain and hooked; the median of each is printed with their ratio.
# Run by hand: ./bench/typed_loop.sh [N] [ROUNDS]   Needs tmux, bash, zsh, fish.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
rounds=${2:-3}
./scripts/release-build.sh >/dev/null 2>&1
bin=$PWD/target/release/prefectx
work=$(mktemp -d)
trap 'tmux -L prefectx-bench kill-server 2>/dev/null || true; rm -rf "$work"' EXIT
export HOME=$work/home
mkdir -p "$HOME/.prefect"
printf 'active = "dev"\n\n[profiles.dev]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n' >"$HOME/.prefect/profiles.toml"

rc() { # rc SHELL hooked|plain -> a file that starts SHELL that way
  local f="$work/$1-$2"
  case $1 in
  bash) printf 'PS1="P> "\nHISTFILE=/dev/null\n' >"$f" ;;
  zsh) printf 'PS1="P> "\nHISTFILE=/dev/null\nzmodload zsh/datetime\n' >"$f" ;;
  fish) printf 'function fish_prompt; echo -n "P> "; end\n' >"$f" ;;
  esac
  if [ "$2" = hooked ]; then
    case $1 in
    fish) echo "'$bin' hook fish | source" >>"$f" ;;
    *) echo "eval \"\$('$bin' hook $1)\"" >>"$f" ;;
    esac
  fi
  echo "$f"
}

start() { # start SHELL RCFILE NAME
  local cmd
  case $1 in
  bash) cmd="bash --noprofile --rcfile $2 -i" ;;
  zsh) cmd="env ZDOTDIR=$work/z-$3 zsh -i" && mkdir -p "$work/z-$3" && cp "$2" "$work/z-$3/.zshrc" ;;
  fish) cmd="fish --no-config -i -C 'source $2'" ;;
  esac
  tmux -L prefectx-bench new-session -d -s "$3" -x 200 -y 50 "$cmd"
}

# Types the loop and waits for its time, in seconds.
run() { # run SHELL NAME
  local line out
  case $1 in
  fish) line="set -l t0 (date +%s%N); for i in (seq $n); end; echo T=(math \"((\$(date +%s%N)) - \$t0) / 1000000000\")" ;;
  # zsh does floating-point arithmetic; bash's EPOCHREALTIME has microseconds.
  zsh) line="t0=\$EPOCHREALTIME; for ((i=0;i<$n;i++)); do :; done; echo T=\$(( EPOCHREALTIME - t0 ))" ;;
  bash) line="t0=\$EPOCHREALTIME; for ((i=0;i<$n;i++)); do :; done; echo T=\$(( \${EPOCHREALTIME/./} - \${t0/./} ))" ;;
  esac
  tmux -L prefectx-bench send-keys -t "$2" "clear" Enter
  sleep 0.2
  tmux -L prefectx-bench send-keys -t "$2" "$line" Enter
  for _ in $(seq 600); do
    out=$(tmux -L prefectx-bench capture-pane -p -t "$2" | sed -n 's/^T=//p' | tail -1)
    [ -n "$out" ] && break
    sleep 0.1
  done
  case $1 in
  bash) awk -v us="$out" 'BEGIN { printf "%.4f\n", us / 1e6 }' ;;
  *) echo "$out" ;;
  esac
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

printf '| shell | plain | hooked | ratio |\n|---|---:|---:|---:|\n'
for sh in bash zsh fish; do
  command -v "$sh" >/dev/null || continue
  start "$sh" "$(rc "$sh" plain)" "$sh-plain"
  start "$sh" "$(rc "$sh" hooked)" "$sh-hooked"
  sleep 1
  : >"$work/p" && : >"$work/h"
  for _ in $(seq "$rounds"); do
    run "$sh" "$sh-plain" >>"$work/p"
    run "$sh" "$sh-hooked" >>"$work/h"
  done
  p=$(median <"$work/p")
  h=$(median <"$work/h")
  awk -v s="$sh" -v p="$p" -v h="$h" 'BEGIN { printf "| %s | %.3f s | %.3f s | %.2f |\n", s, p, h, h / p }'
done
