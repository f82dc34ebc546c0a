# prefectx shell integration for bash. In ~/.bashrc:  eval "$(prefectx hook bash)"
# A prompt where the profiles file did not change starts no process: the check in
# __prefectx_prompt uses builtins only. Sourcing this twice installs it once.

__prefectx_bin=@PREFECTX@
# The path as messages show it: control characters escaped by the binary (docs/security.md).
__prefectx_bin_shown=@PREFECTX_SHOWN@

# A function, so that `prefectx use` and `prefectx follow` can change this shell.
prefectx() {
  case "${1-}" in
    use | follow)
      \builtin local __prefectx_code
      __prefectx_code="$(\command "$__prefectx_bin" hook-env bash "$@")" || \builtin return
      \builtin eval "$__prefectx_code"
      __prefectx_seen
      ;;
    profile)
      \command "$__prefectx_bin" "$@" || \builtin return
      # A rename from this shell takes its pin along; the next prompt applies it.
      if [[ "${2-}" == rename && $# -eq 4 && "${__PREFECTX_PIN-}" == "$3" ]]; then
        export __PREFECTX_PIN="$4"
      fi
      ;;
    *) \command "$__prefectx_bin" "$@" ;;
  esac
}

# What the folder holds, with builtins only: the nearest .prefect-profile from $PWD
# up to / (the same textual walk as the binary's), and $PWD when it has one of Prefect's
# project files. Recorded after each apply, so only a change runs the binary.
__prefectx_where() {
  \builtin local d="$PWD"
  [[ "$d" == / ]] && d=
  __prefectx_pp_now=
  while :; do
    if [[ -e "$d/.prefect-profile" ]]; then
      __prefectx_pp_now="$d/.prefect-profile"
      break
    fi
    [[ -n "$d" ]] || break
    d="${d%/*}"
  done
  __prefectx_here_now=
  if [[ -e .env || -e prefect.toml || -e pyproject.toml ]]; then
    __prefectx_here_now="$PWD"
  fi
}

# Taken after the apply: a file that appears meanwhile has no stamp, so the next prompt applies.
__prefectx_seen() {
  __prefectx_where
  __prefectx_pp="$__prefectx_pp_now" __prefectx_here="$__prefectx_here_now" __prefectx_pwd="$PWD"
  __prefectx_values
  __prefectx_vals="$__prefectx_now"
}

# The PREFECT_ names set, and the values the hook watches, as one string (builtins only): a
# value set outside prefectx (by hand, direnv, mise) changes it, and the prompt applies again,
# leaving that value in effect (docs/shells.md). A secret is watched for being set, not by value.
__prefectx_values() {
  \builtin local n
  __prefectx_now="${!PREFECT_@}|"
  for n in ${__prefectx_watch-}; do
    if [[ "$n" == '?'* ]]; then
      n="${n#?}"
      __prefectx_now+="${!n+1}|"
    else
      __prefectx_now+="${!n+.}${!n-}|"
    fi
  done
}

# True when the folder's deciding files changed since the last apply ($1: the shell's stamp).
# The prompt calls it only after a `cd`, or where such a file exists: an idle prompt elsewhere
# costs one `[[ ]]`. In the same folder the parents are not walked again: a .prefect-profile
# or project file made here, and the mtimes of the files that decided, are checked; a file
# made by hand in a parent folder is seen at the next `cd`.
__prefectx_folder_changed() {
  \builtin local s="$1" p="${__prefectx_pp-}"
  if [[ "$PWD" != "${__prefectx_pwd-}" ]]; then
    __prefectx_where
    [[ "$__prefectx_pp_now" != "$p" || "$__prefectx_here_now" != "${__prefectx_here-}" ]] && \builtin return 0
  elif [[ -e .prefect-profile && "${PWD%/}/.prefect-profile" != "$p" ]]; then
    \builtin return 0
  elif [[ -z "${__prefectx_here-}" ]] && [[ -e .env || -e prefect.toml || -e pyproject.toml ]]; then
    \builtin return 0
  fi
  # Without a stamp folder (no usable HOME) edits in place are not followed (said once).
  [[ -n "$s" ]] || \builtin return 1
  if [[ -n "$p" ]] && [[ ! -e "$p" || ! -e "$s.p" || "$p" -nt "$s.p" || "$p" -ot "$s.p" ]]; then
    \builtin return 0
  fi
  # The allowed list decides for a .prefect-profile too: `prefectx allow` in another terminal.
  [[ -n "${__prefectx_here-}$p" ]] || \builtin return 1
  __prefectx_changed "${__prefectx_trust-}" "$s.a" && \builtin return 0
  [[ -n "${__prefectx_here-}" ]] || \builtin return 1
  __prefectx_changed .env "$s.e" || __prefectx_changed prefect.toml "$s.t" ||
    __prefectx_changed pyproject.toml "$s.y"
}

# True when file $1 and its stamp $2 (same mtime, made at the last apply) disagree.
__prefectx_changed() {
  if [[ -e "$1" ]]; then
    [[ ! -e "$2" || "$1" -nt "$2" || "$1" -ot "$2" ]]
  else
    [[ -e "$2" ]]
  fi
}

__prefectx_apply() {
  if [[ -x "$__prefectx_bin" ]]; then
    __prefectx_missing=
    \builtin local __prefectx_code
    # hook-env always prints valid code (maybe none) and reports errors on stderr once.
    __prefectx_code="$(\command "$__prefectx_bin" hook-env bash "$@")"
    \builtin eval "$__prefectx_code"
    __prefectx_seen
  elif [[ -z "${__prefectx_missing-}" ]]; then
    __prefectx_missing=1
    \builtin printf 'prefectx: %s is gone; this shell keeps its Prefect settings\n' "$__prefectx_bin_shown" >&2
  fi
}

# Prefect's own selectors. `prefect --profile NAME ...`, `prefect -p NAME ...` and
# `PREFECT_PROFILE=NAME prefect ...` run the real prefect with exactly NAME's environment, as
# `prefectx exec NAME` does: this shell's exported settings would otherwise win over the
# profile Prefect loads. Anything else runs prefect as it is, with no process of ours.
# `command prefect` bypasses this; PREFECTX_WRAP_PREFECT=0 turns it off (but not the question
# on a protected profile, at the end).
prefect() {
  if [[ "${PREFECTX_WRAP_PREFECT-}" != 0 && "${PREFECTX_EXPORT-}" != profile ]]; then
    \builtin local __prefectx_name= __prefectx_a __prefectx_next= __prefectx_sub= __prefectx_i=0
    if [[ -n "${PREFECT_PROFILE+set}" && "${PREFECT_PROFILE-}" != "${__PREFECTX_APPLIED-}" ]]; then
      __prefectx_name="$PREFECT_PROFILE"
    fi
    # Root options come before the sub-command; after it, -p belongs to the sub-command.
    for __prefectx_a in "$@"; do
      __prefectx_i=$((__prefectx_i + 1))
      if [[ -n "$__prefectx_next" ]]; then
        __prefectx_name="$__prefectx_a" __prefectx_next=
        continue
      fi
      case "$__prefectx_a" in
        --profile | -p) __prefectx_next=1 ;;
        --profile=*) __prefectx_name="${__prefectx_a#--profile=}" ;;
        -*) ;;
        *)
          __prefectx_sub="$__prefectx_a"
          break
          ;;
      esac
    done
    if [[ -n "$__prefectx_name" ]]; then
      \command "$__prefectx_bin" exec "$__prefectx_name" -- prefect "$@"
      \builtin return
    fi
    # Prefect's commands that choose profiles themselves or write the profiles file run as
    # plain Prefect does with this shell's profile (docs/prefect-compat.md): the exported values
    # would win over the profiles they load.
    __prefectx_i=$((__prefectx_i + 1))
    case "$__prefectx_sub:${!__prefectx_i-}" in
      transfer:* | profile:* | profiles:* | config:* | cloud:login | cloud:logout | cloud:workspace)
        if [[ -n "${__PREFECTX_APPLIED-}" ]]; then
          \command "$__prefectx_bin" exec --plain "$__PREFECTX_APPLIED" -- prefect "$@"
          \builtin return
        fi
        # On Prefect's implicit default nothing is applied: `transfer --to NAME` and `profile
        # delete NAME` still ask when NAME is protected (docs/protect.md).
        \command "$__prefectx_bin" exec --keep-env -- prefect "$@"
        \builtin return
        ;;
    esac
  fi
  # A protected profile (docs/protect.md): the binary asks before a command that changes it.
  # Any other shell runs prefect with no process of ours.
  if [[ -n "${PREFECTX_PROTECTED-}" ]]; then
    \command "$__prefectx_bin" exec --keep-env -- prefect "$@"
    \builtin return
  fi
  \command prefect "$@"
}

# `PREFECT_PROFILE=NAME cmd` for any other command cannot be fixed from here: say so before it
# runs (once per command line, see __prefectx_debug; builtins only, no process).
__prefectx_preexec() {
  [[ "$1" == *PREFECT_* ]] || \builtin return 0
  # A PREFECT_* value changed by hand: the prompt marks it with `*` until the next
  # apply, which names it.
  \builtin local __prefectx_hand=
  if [[ "$1" =~ ^[[:space:]]*(export|unset|declare|typeset|readonly)[[:space:]]+(-[A-Za-z]+[[:space:]]+)*(PREFECT_[A-Z0-9_]+) ]]; then
    __prefectx_hand="${BASH_REMATCH[3]}"
  elif [[ "$1" =~ ^[[:space:]]*(PREFECT_[A-Z0-9_]+)=[^[:space:]]*[[:space:]]*(;|$) ]]; then
    __prefectx_hand="${BASH_REMATCH[1]}"
  fi
  if [[ -n "$__prefectx_hand" ]]; then
    case "$__prefectx_hand" in
      PREFECT_PROFILE | PREFECT_HOME | PREFECT_PROFILES_PATH) ;;
      *) [[ "${PREFECTX_PROMPT-}" == *'*' ]] || PREFECTX_PROMPT="${PREFECTX_PROMPT-}*" ;;
    esac
  fi
  [[ "${PREFECTX_WRAP_PREFECT-}" != 0 && "${PREFECTX_EXPORT-}" != profile ]] || \builtin return 0
  [[ "$1" == *PREFECT_PROFILE=* ]] || \builtin return 0
  \builtin local __prefectx_l="$1"
  # `env NAME=VALUE cmd` is the same one-shot (`env -i` is not: the value alone reaches cmd).
  if [[ "$__prefectx_l" =~ ^[[:space:]]*env[[:space:]]+([^-[:space:]].*)$ ]]; then
    __prefectx_l="${BASH_REMATCH[1]}"
  fi
  if [[ "$__prefectx_l" =~ ^([A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*[[:space:]]+)*PREFECT_PROFILE=([^[:space:]]*)[[:space:]]+([A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*[[:space:]]+)*([^[:space:]=]+)(.*)$ ]]; then
    \builtin local __prefectx_v="${BASH_REMATCH[2]}" __prefectx_c="${BASH_REMATCH[4]}" __prefectx_r="${BASH_REMATCH[5]}"
    __prefectx_v="${__prefectx_v//[\'\"]/}"
    # An interactive shell started so (no script, only options) runs its hook, which applies
    # the profile it is given.
    case "${__prefectx_c##*/}" in
      bash | zsh | fish | nu)
        [[ "$__prefectx_r" =~ ^([[:space:]]+-[-A-Za-z]+)*[[:space:]]*$ ]] && __prefectx_c=prefectx
        ;;
    esac
    case "${__prefectx_c##*/}" in
      prefect | prefectx | command | exec) ;;
      *)
        if [[ "$__prefectx_v" != "${__PREFECTX_APPLIED-}" ]]; then
          # Nothing raw reaches the terminal: the profile as the binary escaped it, the typed
          # words with control characters as `?`.
          __prefectx_v="${__prefectx_v//[[:cntrl:]]/?}" __prefectx_c="${__prefectx_c//[[:cntrl:]]/?}"
          \builtin printf 'prefectx: warning: PREFECT_PROFILE=%s does not reach %s here: this shell exports profile %s'"'"'s settings, which win; use: prefectx exec %s -- %s ...\n' \
            "$__prefectx_v" "$__prefectx_c" "${__prefectx_applied_shown-}" "$__prefectx_v" "$__prefectx_c" >&2
        fi
        ;;
    esac
  fi
  \builtin return 0
}

# Re-apply when the profiles file changed: its mtime differs from the stamp's (set to the
# file's mtime at the last apply), it appeared or vanished, or the shell now points at
# another file; or PREFECT_PROFILE is no longer what the hook applied; or the
# folder's files that decide the environment changed: another .prefect-profile applies, one
# of Prefect's project files appeared, vanished or was edited here, or the allowed list
# changed; or the list of protected profiles changed. `-nt`/`-ot` compare nanoseconds in bash 5.
__prefectx_prompt() {
  \builtin local __prefectx_status=$?
  \builtin local f="${__PREFECTX_FILE-}" s="${__PREFECTX_STAMP-}"
  if [[ "${PREFECT_PROFILES_PATH-}|${PREFECT_HOME-}|${HOME-}|${__prefectx_rel:+$PWD}" != "${__prefectx_key-}" ]] ||
    { [[ "${PREFECT_PROFILE-}" != "${__PREFECTX_APPLIED-}" &&
      ( -z "${__PREFECTX_REFUSED+set}" || "${PREFECT_PROFILE-}" != "$__PREFECTX_REFUSED" ) ]]; } ||
    { [[ -e "$f" ]] && { [[ ! -e "$s" || "$f" -nt "$s" || "$f" -ot "$s" ]]; }; } ||
    { [[ ! -e "$f" && -e "$s" ]]; } ||
    { [[ -n "$s" ]] && __prefectx_changed "${__prefectx_protf-}" "$s.x"; } ||
    { [[ "$PWD" != "${__prefectx_pwd-}" || -n "${__prefectx_pp-}${__prefectx_here-}" ||
      -e .prefect-profile || -e .env || -e prefect.toml || -e pyproject.toml ]] &&
      __prefectx_folder_changed "$s"; } ||
    { __prefectx_values; [[ "$__prefectx_now" != "${__prefectx_vals-}" ]]; }; then
    __prefectx_apply refresh
  fi
  # Armed for the next command line (__prefectx_debug); bash-preexec, when loaded (before or
  # after this hook), runs __prefectx_line from its preexec_functions instead.
  if [[ -n "${__prefectx_trap-}" ]]; then
    if \builtin declare -F __bp_preexec_invoke_exec >/dev/null; then
      __prefectx_trap=
      [[ " ${preexec_functions[*]-} " == *" __prefectx_line "* ]] || preexec_functions+=(__prefectx_line)
    else
      \builtin trap -- "$__prefectx_trap" DEBUG
    fi
  fi
  \builtin return "$__prefectx_status"
}

# One typed command line, before it runs: __prefectx_preexec on each of its commands, when it
# names a PREFECT_ variable at all.
__prefectx_line() {
  [[ "$1" == *PREFECT_* ]] || \builtin return 0
  \builtin local __prefectx_cmds="${1//&&/$'\n'}" __prefectx_c
  __prefectx_cmds="${__prefectx_cmds//||/$'\n'}"
  __prefectx_cmds="${__prefectx_cmds//[;|&]/$'\n'}"
  while IFS= \builtin read -r __prefectx_c; do
    __prefectx_preexec "${__prefectx_c#"${__prefectx_c%%[![:space:]]*}"}"
  done <<<"$__prefectx_cmds"
}

# True when the DEBUG trap fired for one of PROMPT_COMMAND's own entries ($1: BASH_COMMAND),
# not for the command line typed at the prompt.
__prefectx_in_prompt() {
  \builtin local IFS=$'\n;' __prefectx_e
  \builtin local -a __prefectx_es
  \builtin read -rd '' -a __prefectx_es <<<"${PROMPT_COMMAND[*]-}"
  for __prefectx_e in "${__prefectx_es[@]}"; do
    __prefectx_e="${__prefectx_e#"${__prefectx_e%%[![:space:]]*}"}"
    __prefectx_e="${__prefectx_e%"${__prefectx_e##*[![:space:]]}"}"
    [[ -n "$__prefectx_e" && "$__prefectx_e" == "$1" ]] && \builtin return 0
  done
  \builtin return 1
}

# The DEBUG trap, armed by the prompt: it runs before every simple command, so anything of ours
# there must run once per command line, not per command (a loop typed at the prompt ran 25x
# slower with a function in the trap). Its first run for the typed line reads the whole line
# from history (one fork, no exec) and disarms the trap: bash 5.2 ignores `trap - DEBUG` inside
# the trap's function, so the trap's own string does it, and puts back a DEBUG trap the user
# had. $1 is BASH_COMMAND, $2 the `$_` the command line must still see (restored last).
__prefectx_debug() {
  __prefectx_last="$2"
  # The rest of __prefectx_prompt after it armed the trap, or one of PROMPT_COMMAND's entries:
  # not yet the typed line.
  [[ " ${FUNCNAME[*]} " == *" __prefectx_prompt "* ]] && \builtin return 1
  __prefectx_in_prompt "$1" && \builtin return 1
  \builtin local __prefectx_l="$1"
  if [[ -o history ]]; then
    __prefectx_l="$(HISTTIMEFORMAT= \builtin history 1)"
    if [[ "$__prefectx_l" =~ ^[[:space:]]*[0-9]+[*]?[[:space:]]+(.*)$ ]]; then
      __prefectx_l="${BASH_REMATCH[1]}"
    fi
    # A line history did not keep (HISTCONTROL=ignorespace) leaves the previous one there.
    [[ "$__prefectx_l" == *"$1"* ]] || __prefectx_l="$1"
  fi
  __prefectx_line "$__prefectx_l"
  \builtin return 0
}

# PROMPT_COMMAND may be a string (maybe ending in `;`) or, since bash 5.1, an array.
# Prepending avoids the `;;` a trailing `;` would give. direnv's hook, when loaded already,
# changes the environment from PROMPT_COMMAND: ours goes right after it, so that the prompt it
# sets sees direnv's values (direnv 2.32 prepends `_direnv_hook`; loaded later, it runs first).
if [[ "$(\builtin declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
  if [[ " ${PROMPT_COMMAND[*]} " != *" __prefectx_prompt "* ]]; then
    if [[ "${PROMPT_COMMAND[0]}" == _direnv_hook* ]]; then
      PROMPT_COMMAND=("${PROMPT_COMMAND[0]}" __prefectx_prompt "${PROMPT_COMMAND[@]:1}")
    else
      PROMPT_COMMAND=(__prefectx_prompt "${PROMPT_COMMAND[@]}")
    fi
  fi
elif [[ ";${PROMPT_COMMAND-};" != *";__prefectx_prompt;"* ]]; then
  if [[ "${PROMPT_COMMAND-}" == _direnv_hook* ]]; then
    PROMPT_COMMAND="_direnv_hook;__prefectx_prompt${PROMPT_COMMAND#_direnv_hook}"
  else
    PROMPT_COMMAND="__prefectx_prompt${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
  fi
fi

# The trap the prompt arms, made once. A DEBUG trap already there (the user's) runs first, so
# that what it reads (`$_`) is still what it expects, and is put back when ours disarms; ours
# follows on its own line, so that a comment ending the old one cannot swallow it. A trap still
# armed after an empty line fires for PROMPT_COMMAND's `__prefectx_prompt`: skipped in the trap
# string itself, with no function call (`[[ ]]` leaves `$_` as it was).
if [[ -z "${__prefectx_trap_set-}" ]]; then
  __prefectx_trap_set=1
  __prefectx_user_trap="$(\builtin trap -p DEBUG)"
  __prefectx_user_trap="${__prefectx_user_trap#trap -- \'}"
  __prefectx_user_trap="${__prefectx_user_trap%\' DEBUG}"
  __prefectx_user_trap="${__prefectx_user_trap//\'\\\'\'/\'}"
  if [[ -n "$__prefectx_user_trap" ]]; then
    __prefectx_trap="$__prefectx_user_trap"$'\n''[[ "$BASH_COMMAND" == __prefectx_prompt ]] || { __prefectx_debug "$BASH_COMMAND" "$_" && { \builtin trap -- "$__prefectx_user_trap" DEBUG; : "$__prefectx_last"; }; }'
  else
    __prefectx_trap='[[ "$BASH_COMMAND" == __prefectx_prompt ]] || { __prefectx_debug "$BASH_COMMAND" "$_" && { \builtin trap - DEBUG; : "$__prefectx_last"; }; }'
  fi
fi

__prefectx_apply init "$$"
