# prefectx as a zsh plugin: oh-my-zsh (clone into $ZSH_CUSTOM/plugins/prefectx and add prefectx
# to plugins=(...)), zinit (`zinit load OWNER/prefectx`), antidote and sheldon source this file.
# It is the one rc line `eval "$(prefectx hook zsh)"`, run only when prefectx is installed.
if (( $+commands[prefectx] )); then
  eval "$(prefectx hook zsh)"
else
  print -u2 "prefectx plugin: prefectx is not on PATH (cargo install prefectx); not loaded"
fi
