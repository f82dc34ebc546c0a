# TAB completion for prefectx in bash (also part of `prefectx hook bash`).
# prefectx answers with candidates already quoted for bash, so a profile or workspace named
# `zz;touch pwn;#` is inserted as `zz\;touch\ pwn\;\#` and runs nothing. Here nothing
# is re-parsed or globbed: the binary is reached through `prefectx` (the hook's function, else
# PATH), never by interpolating its path into code.
_prefectx_complete() {
  local IFS=$'\013' reply space=true
  local -a words=("${COMP_WORDS[@]}")
  # bash 4+ passes the word being completed as $2 (without its opening quote, if any).
  if ((BASH_VERSINFO[0] >= 4)); then
    words[COMP_CWORD]="$2"
  fi
  if \builtin compopt +o nospace 2>/dev/null; then
    space=false
  fi
  reply="$(
    _CLAP_IFS="$IFS" _CLAP_COMPLETE_INDEX="$COMP_CWORD" _CLAP_COMPLETE_COMP_TYPE="$COMP_TYPE" \
      _CLAP_COMPLETE_SPACE="$space" _PREFECTX_TYPED="${COMP_WORDS[COMP_CWORD]}" COMPLETE=bash \
      prefectx -- "${words[@]}"
  )" || {
    COMPREPLY=()
    \builtin return 0
  }
  COMPREPLY=()
  # read splits on IFS only: no globbing, no other expansion of the candidates.
  [[ -n "$reply" ]] && IFS=$'\013' \builtin read -r -a COMPREPLY <<<"$reply"
  if [[ $space == false && "${COMPREPLY-}" =~ [=/:]$ ]]; then
    \builtin compopt -o nospace
  fi
}
if ((BASH_VERSINFO[0] > 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] >= 4))); then
  \builtin complete -o nospace -o bashdefault -o nosort -F _prefectx_complete prefectx
else
  \builtin complete -o nospace -o bashdefault -F _prefectx_complete prefectx
fi
