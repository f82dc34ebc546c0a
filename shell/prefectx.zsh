# prefectx shell integration for zsh. In ~/.zshrc:  eval "$(prefectx hook zsh)"
# A prompt where the profiles file did not change starts no process: the check in
# __prefectx_precmd uses builtins only (issue 3). Sourcing this twice installs it once.

typeset -g __prefectx_bin=@PREFECTX@

# A function, so that `prefectx use` and `prefectx follow` can change this shell.
prefectx() {
  case "${1-}" in
    use | follow)
      \builtin local __prefectx_code
      __prefectx_code="$(\command "$__prefectx_bin" hook-env zsh "$@")" || \builtin return
      \builtin eval "$__prefectx_code"
      ;;
    *) \command "$__prefectx_bin" "$@" ;;
  esac
}

__prefectx_apply() {
  if [[ -x "$__prefectx_bin" ]]; then
    typeset -g __prefectx_missing=
    \builtin local __prefectx_code
    # hook-env always prints valid code (maybe none) and reports errors on stderr once.
    __prefectx_code="$(\command "$__prefectx_bin" hook-env zsh "$@")"
    \builtin eval "$__prefectx_code"
  elif [[ -z "${__prefectx_missing-}" ]]; then
    typeset -g __prefectx_missing=1
    \builtin printf 'prefectx: %s is gone; this shell keeps its Prefect settings\n' "$__prefectx_bin" >&2
  fi
}

# Re-apply when the profiles file changed (see the bash hook). zsh's -nt/-ot are false when
# either file is missing, so existence is tested on its own.
__prefectx_precmd() {
  \builtin local __prefectx_status=$?
  \builtin local f="${__prefectx_file-}" s="${__PREFECTX_STAMP-}"
  if [[ "${PREFECT_PROFILES_PATH-}|${PREFECT_HOME-}|${HOME-}" != "${__prefectx_key-}" ]] ||
    { [[ -e "$f" ]] && { [[ ! -e "$s" || "$f" -nt "$s" || "$f" -ot "$s" ]]; }; } ||
    { [[ ! -e "$f" && -e "$s" ]]; }; then
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

__prefectx_apply init "$$"
