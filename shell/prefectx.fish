# prefectx shell integration for fish. In ~/.config/fish/config.fish:  prefectx hook fish | source
# A prompt where the profiles file did not change starts no process: the check in
# __prefectx_prompt uses builtins only (issue 3). Sourcing this twice installs it once.

set -g __prefectx_bin @PREFECTX@

# A function, so that `prefectx use` and `prefectx follow` can change this shell.
function prefectx
    switch "$argv[1]"
        case use follow
            command $__prefectx_bin hook-env fish $argv | source
            return $pipestatus[1]
        case '*'
            command $__prefectx_bin $argv
    end
end

function __prefectx_apply
    if test -x "$__prefectx_bin"
        set -e __prefectx_missing
        # hook-env always prints valid code (maybe none) and reports errors on stderr once.
        command $__prefectx_bin hook-env fish $argv | source
    else if not set -q __prefectx_missing
        set -g __prefectx_missing 1
        printf 'prefectx: %s is gone; this shell keeps its Prefect settings\n' $__prefectx_bin >&2
    end
end

# Re-apply when the profiles file changed (see the bash hook); fish's test compares
# nanoseconds (fish 3.6).
function __prefectx_prompt --on-event fish_prompt
    set -l f "$__prefectx_file"
    set -l s "$__PREFECTX_STAMP"
    if test "$PREFECT_PROFILES_PATH|$PREFECT_HOME|$HOME" != "$__prefectx_key"
        or begin
            test -e "$f"; and begin
                not test -e "$s"; or test "$f" -nt "$s"; or test "$f" -ot "$s"
            end
        end
        or begin
            not test -e "$f"; and test -e "$s"
        end
        __prefectx_apply refresh
    end
end

__prefectx_apply init $fish_pid
