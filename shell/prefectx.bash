# prefectx shell integration for bash. In ~/.bashrc:  eval "$(prefectx hook bash)"
# A prompt where the profiles file did not change starts no process: the check in
# __prefectx_prompt uses builtins only (issue 3). Sourcing this twice installs it once.

__prefectx_bin=@PREFECTX@

# A function, so that `prefectx use` and `prefectx follow` can change this shell.
prefectx() {
  case "${1-}" in
    use | follow)
      \builtin local __prefectx_code
      __prefectx_code="$(\command "$__prefectx_bin" hook-env bash "$@")" || \builtin return
      \builtin eval "$__prefectx_code"
      ;;
    *) \command "$__prefectx_bin" "$@" ;;
  esac
}

__prefectx_apply() {
  if [[ -x "$__prefectx_bin" ]]; then
    __prefectx_missing=
    \builtin local __prefectx_code
    # hook-env always prints valid code (maybe none) and reports errors on stderr once.
    __prefectx_code="$(\command "$__prefectx_bin" hook-env bash "$@")"
    \builtin eval "$__prefectx_code"
  elif [[ -z "${__prefectx_missing-}" ]]; then
    __prefectx_missing=1
    \builtin printf 'prefectx: %s is gone; this shell keeps its Prefect settings\n' "$__prefectx_bin" >&2
  fi
}

# Re-apply when the profiles file changed: its mtime differs from the stamp's (set to the
# file's mtime at the last apply), it appeared or vanished, or the shell now points at
# another file. `-nt`/`-ot` compare nanoseconds in bash 5.
__prefectx_prompt() {
  \builtin local __prefectx_status=$?
  \builtin local f="${__prefectx_file-}" s="${__PREFECTX_STAMP-}"
  if [[ "${PREFECT_PROFILES_PATH-}|${PREFECT_HOME-}|${HOME-}" != "${__prefectx_key-}" ]] ||
    { [[ -e "$f" ]] && { [[ ! -e "$s" || "$f" -nt "$s" || "$f" -ot "$s" ]]; }; } ||
    { [[ ! -e "$f" && -e "$s" ]]; }; then
    __prefectx_apply refresh
  fi
  \builtin return "$__prefectx_status"
}

# PROMPT_COMMAND may be a string (maybe ending in `;`) or, since bash 5.1, an array.
# Prepending avoids the `;;` a trailing `;` would give.
if [[ "$(\builtin declare -p PROMPT_COMMAND 2>/dev/null)" == "declare -a"* ]]; then
  if [[ " ${PROMPT_COMMAND[*]} " != *" __prefectx_prompt "* ]]; then
    PROMPT_COMMAND=(__prefectx_prompt "${PROMPT_COMMAND[@]}")
  fi
elif [[ ";${PROMPT_COMMAND-};" != *";__prefectx_prompt;"* ]]; then
  PROMPT_COMMAND="__prefectx_prompt${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
fi

__prefectx_apply init "$$"
