# prefectx shell integration for zsh. In ~/.zshrc:  eval "$(prefectx hook zsh)"
# A prompt where the profiles file did not change starts no process: the check in
# __prefectx_precmd uses builtins only. Sourcing this twice installs it once.

typeset -g __prefectx_bin=@PREFECTX@
# The path as messages show it: control characters escaped by the binary (docs/security.md).
typeset -g __prefectx_bin_shown=@PREFECTX_SHOWN@

# A function, so that `prefectx use` and `prefectx follow` can change this shell.
prefectx() {
  case "${1-}" in
    use | follow)
      \builtin local __prefectx_code
      __prefectx_code="$(\command "$__prefectx_bin" hook-env zsh "$@")" || \builtin return
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

# What the folder holds (see the bash hook), with builtins only.
__prefectx_where() {
  \builtin local d="$PWD"
  [[ "$d" == / ]] && d=
  typeset -g __prefectx_pp_now= __prefectx_here_now=
  while :; do
    if [[ -e "$d/.prefect-profile" ]]; then
      __prefectx_pp_now="$d/.prefect-profile"
      break
    fi
    [[ -n "$d" ]] || break
    d="${d%/*}"
  done
  if [[ -e .env || -e prefect.toml || -e pyproject.toml ]]; then
    __prefectx_here_now="$PWD"
  fi
}

# Taken after the apply (see the bash hook).
__prefectx_seen() {
  __prefectx_where
  typeset -g __prefectx_pp="$__prefectx_pp_now" __prefectx_here="$__prefectx_here_now" __prefectx_pwd="$PWD"
  __prefectx_values
  typeset -g __prefectx_vals="$__prefectx_now"
}

# The PREFECT_ names set and the values the hook watches, as one string (see the bash hook).
__prefectx_values() {
  \builtin local n
  typeset -g __prefectx_now="${(oj: :)parameters[(I)PREFECT_*]}|"
  for n in ${=__prefectx_watch-}; do
    if [[ "$n" == '?'* ]]; then
      n="${n#?}"
      __prefectx_now+="${(P)n+1}|"
    else
      __prefectx_now+="${(P)n+.}${(P)n-}|"
    fi
  done
}

# True when the folder's deciding files changed since the last apply (see the bash hook).
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
    typeset -g __prefectx_missing=
    \builtin local __prefectx_code
    # hook-env always prints valid code (maybe none) and reports errors on stderr once.
    __prefectx_code="$(\command "$__prefectx_bin" hook-env zsh "$@")"
    \builtin eval "$__prefectx_code"
    __prefectx_seen
  elif [[ -z "${__prefectx_missing-}" ]]; then
    typeset -g __prefectx_missing=1
    \builtin printf 'prefectx: %s is gone; this shell keeps its Prefect settings\n' "$__prefectx_bin_shown" >&2
  fi
}

# Prefect's own selectors (see the bash hook): `prefect --profile NAME`, `-p NAME`
# and `PREFECT_PROFILE=NAME prefect` run the real prefect with exactly NAME's environment.
prefect() {
  if [[ "${PREFECTX_WRAP_PREFECT-}" != 0 && "${PREFECTX_EXPORT-}" != profile ]]; then
    \builtin local __prefectx_name= __prefectx_a __prefectx_next= __prefectx_sub= __prefectx_i=0
    if [[ -n "${PREFECT_PROFILE+set}" && "${PREFECT_PROFILE-}" != "${__PREFECTX_APPLIED-}" ]]; then
      __prefectx_name="$PREFECT_PROFILE"
    fi
    for __prefectx_a in "$@"; do
      __prefectx_i=$((__prefectx_i + 1))
      if [[ -n "$__prefectx_next" ]]; then
        __prefectx_name="$__prefectx_a" __prefectx_next=
        continue
      fi
      case "$__prefectx_a" in
        (--profile | -p) __prefectx_next=1 ;;
        (--profile=*) __prefectx_name="${__prefectx_a#--profile=}" ;;
        (-*) ;;
        (*) __prefectx_sub="$__prefectx_a"; break ;;
      esac
    done
    if [[ -n "$__prefectx_name" ]]; then
      \command "$__prefectx_bin" exec "$__prefectx_name" -- prefect "$@"
      \builtin return
    fi
    # Prefect's own profile commands run as plain Prefect does (see the bash hook).
    case "$__prefectx_sub:${argv[__prefectx_i + 1]-}" in
      (transfer:* | profile:* | profiles:* | config:* | cloud:login | cloud:logout | cloud:workspace)
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

# `PREFECT_PROFILE=NAME cmd` for any other command: said before it runs (preexec; builtins).
__prefectx_preexec() {
  [[ "$1" == *PREFECT_* ]] || \builtin return 0
  # A PREFECT_* value changed by hand: `*` in the prompt until the next apply.
  \builtin local __prefectx_hand=
  if [[ "$1" =~ '^[[:space:]]*(export|unset|declare|typeset|readonly)[[:space:]]+(-[A-Za-z]+[[:space:]]+)*(PREFECT_[A-Z0-9_]+)' ]]; then
    __prefectx_hand="${match[3]}"
  elif [[ "$1" =~ '^[[:space:]]*(PREFECT_[A-Z0-9_]+)=[^[:space:]]*[[:space:]]*(;|$)' ]]; then
    __prefectx_hand="${match[1]}"
  fi
  if [[ -n "$__prefectx_hand" ]]; then
    case "$__prefectx_hand" in
      (PREFECT_PROFILE | PREFECT_HOME | PREFECT_PROFILES_PATH) ;;
      (*) [[ "${PREFECTX_PROMPT-}" == *'*' ]] || PREFECTX_PROMPT="${PREFECTX_PROMPT-}*" ;;
    esac
  fi
  [[ "${PREFECTX_WRAP_PREFECT-}" != 0 && "${PREFECTX_EXPORT-}" != profile ]] || \builtin return 0
  [[ "$1" == *PREFECT_PROFILE=* ]] || \builtin return 0
  \builtin local -a __prefectx_w
  __prefectx_w=(${(z)1})
  \builtin local __prefectx_v= __prefectx_c= __prefectx_x
  \builtin local -i __prefectx_i=0
  # `env NAME=VALUE cmd` is the same one-shot (`env -i` is not: the value alone reaches cmd).
  [[ "${__prefectx_w[1]-}" == env && "${__prefectx_w[2]-}" != -* ]] && __prefectx_i=1
  while (( ++__prefectx_i <= ${#__prefectx_w} )); do
    __prefectx_x="${__prefectx_w[__prefectx_i]}"
    case "$__prefectx_x" in
      (PREFECT_PROFILE=*) __prefectx_v="${(Q)__prefectx_x#PREFECT_PROFILE=}" ;;
      ([A-Za-z_]*=*) ;;
      (*) __prefectx_c="$__prefectx_x"; break ;;
    esac
  done
  [[ -n "$__prefectx_c" && -n "$__prefectx_v" && "$__prefectx_v" != "${__PREFECTX_APPLIED-}" ]] || \builtin return 0
  # An interactive shell started so (no script, only options) runs its hook, which applies it.
  if [[ "${__prefectx_c##*/}" == (bash|zsh|fish|nu) ]]; then
    \builtin local -a __prefectx_rest
    __prefectx_rest=("${(@)__prefectx_w[__prefectx_i+1,-1]}")
    [[ -z "${(M)__prefectx_rest:#[^-]*}" ]] && \builtin return 0
  fi
  case "${__prefectx_c##*/}" in
    (prefect | prefectx | command | exec) ;;
    (*)
      # Nothing raw reaches the terminal (see the bash hook).
      __prefectx_v="${__prefectx_v//[[:cntrl:]]/?}" __prefectx_c="${__prefectx_c//[[:cntrl:]]/?}"
      \builtin printf 'prefectx: warning: PREFECT_PROFILE=%s does not reach %s here: this shell exports profile %s'"'"'s settings, which win; use: prefectx exec %s -- %s ...\n' \
        "$__prefectx_v" "$__prefectx_c" "${__prefectx_applied_shown-}" "$__prefectx_v" "$__prefectx_c" >&2
      ;;
  esac
  \builtin return 0
}

# Re-apply when the profiles file changed (see the bash hook), or when PREFECT_PROFILE is no
# longer what the hook applied, or the folder's deciding files changed. zsh's -nt/-ot are false when either file is missing, so
# existence is tested on its own.
__prefectx_precmd() {
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
  # compinit may be loaded after this hook (oh-my-zsh and others do): register then.
  if [[ -n "${__prefectx_comp_pending-}" ]] && (( $+functions[compdef] )); then
    __prefectx_comp_pending=
    __prefectx_register_completion
  fi
  \builtin return "$__prefectx_status"
}

\builtin autoload -Uz add-zsh-hook
add-zsh-hook precmd __prefectx_precmd
add-zsh-hook preexec __prefectx_preexec

# Under powerlevel10k's instant prompt, output before the first prompt draws a warning
# (github.com/romkatv/powerlevel10k#instant-prompt), and its precmd runs last: what the start-up
# has to say is shown when the line editor first starts, once.
__prefectx_apply init "$$" ${__p9k_instant_prompt_active+defer}
if [[ -n "${__prefectx_later-}" ]]; then
  __prefectx_later_show() {
    \builtin zle -I
    \builtin print -rn -- "$__prefectx_later" >&2
    __prefectx_later=
    add-zle-hook-widget -d line-init __prefectx_later_show
  }
  \builtin autoload -Uz add-zle-hook-widget
  add-zle-hook-widget line-init __prefectx_later_show
fi
