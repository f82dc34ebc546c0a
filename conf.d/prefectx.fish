# prefectx for fish plugin managers (fisher: `fisher install OWNER/prefectx`) and for
# ~/.config/fish/conf.d/: the one config line `prefectx hook fish | source`, in interactive
# shells where prefectx is installed.
if status is-interactive; and command -q prefectx
    prefectx hook fish | source
end
