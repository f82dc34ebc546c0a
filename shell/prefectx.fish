# prefectx shell integration for fish. In ~/.config/fish/config.fish:  prefectx hook fish | source
# A prompt where the profiles file did not change starts no process: the check in
# __prefectx_prompt uses builtins only. Sourcing this twice installs it once.

set -g __prefectx_bin @PREFECTX@
# The path as messages show it: control characters escaped by the binary (docs/security.md).
set -g __prefectx_bin_shown @PREFECTX_SHOWN@

# A function, so that `prefectx use` and `prefectx follow` can change this shell.
function prefectx
    switch "$argv[1]"
        case use follow
            command $__prefectx_bin hook-env fish $argv | source
            set -l st $pipestatus[1]
            __prefectx_seen
            return $st
        case profile
            command $__prefectx_bin $argv; or return $status
            # A rename from this shell takes its pin along.
            if test "$argv[2]" = rename; and test (count $argv) -eq 4; and test "$__PREFECTX_PIN" = "$argv[3]"
                set -gx __PREFECTX_PIN $argv[4]
            end
        case '*'
            command $__prefectx_bin $argv
    end
end

# What the folder holds (see the bash hook), with builtins only (`string` is one).
function __prefectx_where
    set -l d $PWD
    test "$d" = /; and set d ''
    set -g __prefectx_pp_now ''
    while true
        if test -e "$d/.prefect-profile"
            set __prefectx_pp_now "$d/.prefect-profile"
            break
        end
        test -n "$d"; or break
        set d (string replace -r '/[^/]*$' '' -- $d)
    end
    set -g __prefectx_here_now ''
    if test -e .env; or test -e prefect.toml; or test -e pyproject.toml
        set __prefectx_here_now $PWD
    end
end

# Taken after the apply (see the bash hook).
function __prefectx_seen
    __prefectx_where
    set -g __prefectx_pp $__prefectx_pp_now
    set -g __prefectx_here $__prefectx_here_now
    set -g __prefectx_pwd $PWD
    # The watched names as lists: all of them, and those whose value may be kept here.
    set -l w (string split -n ' ' -- "$__prefectx_watch")
    set -g __prefectx_wa (string replace -r -- '^[?]' '' $w)
    set -g __prefectx_wv (string match -rv -- '^[?]' $w)
    __prefectx_values
    set -g __prefectx_vals $__prefectx_now
end

# The values the hook watches, as one string (see the bash hook): how many of the watched
# names are unset, then the values of those that are not secret. fish lists every variable
# slowly (`set -n`: 0.2 ms), so a PREFECT_ name the hook does not manage is seen at the next
# apply instead.
function __prefectx_values
    set -l unset 0
    if set -q __prefectx_wa[1]
        set -q $__prefectx_wa
        set unset $status
    end
    set -l v $$__prefectx_wv
    set -g __prefectx_now "$unset|$v"
end

# True when the folder's deciding files changed since the last apply (see the bash hook).
function __prefectx_folder_changed
    set -l s $argv[1]
    set -l p "$__prefectx_pp"
    if test "$PWD" != "$__prefectx_pwd"
        __prefectx_where
        if test "$__prefectx_pp_now" != "$p"; or test "$__prefectx_here_now" != "$__prefectx_here"
            return 0
        end
    else if test -e .prefect-profile; and test (string replace -r '/$' '' -- $PWD)/.prefect-profile != "$p"
        return 0
    else if test -z "$__prefectx_here"; and begin
            test -e .env; or test -e prefect.toml; or test -e pyproject.toml
        end
        return 0
    end
    # Without a stamp folder (no usable HOME) edits in place are not followed (said once).
    test -n "$s"; or return 1
    if test -n "$p"; and begin
            not test -e "$p"; or not test -e "$s.p"; or test "$p" -nt "$s.p"; or test "$p" -ot "$s.p"
        end
        return 0
    end
    # The allowed list decides for a .prefect-profile too: `prefectx allow` in another terminal.
    test -n "$__prefectx_here$p"; or return 1
    __prefectx_changed "$__prefectx_trust" "$s.a"; and return 0
    test -n "$__prefectx_here"; or return 1
    __prefectx_changed .env "$s.e"; or __prefectx_changed prefect.toml "$s.t"
    or __prefectx_changed pyproject.toml "$s.y"
end

# True when file $argv[1] and its stamp $argv[2] (same mtime) disagree.
function __prefectx_changed
    if test -e "$argv[1]"
        not test -e "$argv[2]"; or test "$argv[1]" -nt "$argv[2]"; or test "$argv[1]" -ot "$argv[2]"
    else
        test -e "$argv[2]"
    end
end

function __prefectx_apply
    if test -x "$__prefectx_bin"
        set -e __prefectx_missing
        # hook-env always prints valid code (maybe none) and reports errors on stderr once.
        command $__prefectx_bin hook-env fish $argv | source
        __prefectx_seen
    else if not set -q __prefectx_missing
        set -g __prefectx_missing 1
        printf 'prefectx: %s is gone; this shell keeps its Prefect settings\n' $__prefectx_bin_shown >&2
    end
end

# Prefect's own selectors (see the bash hook): `prefect --profile NAME`, `-p NAME`
# and `PREFECT_PROFILE=NAME prefect` run the real prefect with exactly NAME's environment.
# `count`, `math` and `string` are fish builtins: no process.
function prefect --wraps prefect
    if test "$PREFECTX_WRAP_PREFECT" != 0; and test "$PREFECTX_EXPORT" != profile
        set -l name
        if set -q PREFECT_PROFILE; and test "$PREFECT_PROFILE" != "$__PREFECTX_APPLIED"
            set name $PREFECT_PROFILE
        end
        set -l i 1
        set -l n (count $argv)
        set -l sub
        while test $i -le $n
            switch $argv[$i]
                case --profile -p
                    set i (math $i + 1)
                    set name $argv[$i]
                case '--profile=*'
                    set name (string replace -- --profile= '' $argv[$i])
                case '-*'
                case '*'
                    set sub $argv[$i]
                    break
            end
            set i (math $i + 1)
        end
        if test -n "$name"
            command $__prefectx_bin exec $name -- prefect $argv
            return $status
        end
        # Prefect's own profile commands run as plain Prefect does (see the bash hook).
        set -l next
        test $i -lt $n; and set next $argv[(math $i + 1)]
        switch "$sub:$next"
            case 'transfer:*' 'profile:*' 'profiles:*' 'config:*' cloud:login cloud:logout cloud:workspace
                if test -n "$__PREFECTX_APPLIED"
                    command $__prefectx_bin exec --plain $__PREFECTX_APPLIED -- prefect $argv
                    return $status
                end
                # On Prefect's implicit default nothing is applied (see the bash hook).
                command $__prefectx_bin exec --keep-env -- prefect $argv
                return $status
        end
    end
    # A protected profile: the binary asks before a command that changes it (see the bash hook).
    if test -n "$PREFECTX_PROTECTED"
        command $__prefectx_bin exec --keep-env -- prefect $argv
        return $status
    end
    command prefect $argv
end

# `PREFECT_PROFILE=NAME cmd` for any other command: said before it runs (fish_preexec).
function __prefectx_preexec --on-event fish_preexec
    string match -q -- '*PREFECT_*' $argv[1]; or return 0
    # A PREFECT_* value changed by hand: `*` in the prompt until the next apply.
    set -l hand (string match -r -- '^\s*(?:set\s+(?:-[a-zA-Z]+\s+)*|export\s+)(PREFECT_[A-Z0-9_]+)' $argv[1])
    if set -q hand[2]; and not contains -- $hand[2] PREFECT_PROFILE PREFECT_HOME PREFECT_PROFILES_PATH
        string match -q -- '*\*' "$PREFECTX_PROMPT"; or set -gx PREFECTX_PROMPT "$PREFECTX_PROMPT*"
    end
    test "$PREFECTX_WRAP_PREFECT" != 0; and test "$PREFECTX_EXPORT" != profile; or return 0
    string match -q -- '*PREFECT_PROFILE=*' $argv[1]; or return 0
    # `env NAME=VALUE cmd` is the same one-shot (`env -i` is not: the value alone reaches cmd).
    set -l line (string replace -r -- '^\s*env\s+(?=[^-\s])' '' $argv[1])
    set -l m (string match -r -- '^(?:\s*[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*?\s*PREFECT_PROFILE=(\S*)\s+(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*([^\s=]+)(.*)$' $line)
    or return 0
    set -l v (string replace -ra -- '[\'"]' '' $m[2])
    set -l c (string replace -r -- '.*/' '' $m[3])
    if contains -- $c prefect prefectx command exec; or test "$v" = "$__PREFECTX_APPLIED"
        return 0
    end
    # An interactive shell started so (no script, only options) runs its hook, which applies it.
    if contains -- $c bash zsh fish nu; and string match -qr -- '^(\s+-[-A-Za-z]+)*\s*$' "$m[4]"
        return 0
    end
    # Nothing raw reaches the terminal (see the bash hook).
    set v (string replace -ra '\\p{Cc}' '?' -- $v)
    set c (string replace -ra '\\p{Cc}' '?' -- $c)
    printf 'prefectx: warning: PREFECT_PROFILE=%s does not reach %s here: this shell exports profile %s\'s settings, which win; use: prefectx exec %s -- %s ...\n' $v $c "$__prefectx_applied_shown" $v $c >&2
end

# Re-apply when the profiles file changed (see the bash hook), or when PREFECT_PROFILE is no
# longer what the hook applied; fish's test compares nanoseconds (fish 3.6).
function __prefectx_check
    set -l f "$__PREFECTX_FILE"
    set -l s "$__PREFECTX_STAMP"
    set -l cwd
    test -n "$__prefectx_rel"; and set cwd $PWD
    if test "$PREFECT_PROFILES_PATH|$PREFECT_HOME|$HOME|$cwd" != "$__prefectx_key"
        or begin
            test "$PREFECT_PROFILE" != "$__PREFECTX_APPLIED"
            and begin
                not set -q __PREFECTX_REFUSED; or test "$PREFECT_PROFILE" != "$__PREFECTX_REFUSED"
            end
        end
        or begin
            test -e "$f"; and begin
                not test -e "$s"; or test "$f" -nt "$s"; or test "$f" -ot "$s"
            end
        end
        or begin
            not test -e "$f"; and test -e "$s"
        end
        or begin
            test -n "$s"; and __prefectx_changed "$__prefectx_protf" "$s.x"
        end
        or begin
            begin
                test "$PWD" != "$__prefectx_pwd"; or test -n "$__prefectx_pp$__prefectx_here"
                or test -e .prefect-profile; or test -e .env; or test -e prefect.toml; or test -e pyproject.toml
            end
            and __prefectx_folder_changed "$s"
        end
        or begin
            __prefectx_values; test "$__prefectx_now" != "$__prefectx_vals"
        end
        __prefectx_apply refresh
    end
end

function __prefectx_prompt --on-event fish_prompt
    __prefectx_check
end

# fish 3.6 runs fish_prompt handlers in the order they were defined, and direnv's and mise's
# export from theirs: at the first prompt ours is defined again, after them, so the prompt it
# sets sees their values (docs/shells.md).
function __prefectx_last --on-event fish_prompt
    functions -e __prefectx_last
    functions -e __prefectx_prompt
    function __prefectx_prompt --on-event fish_prompt
        __prefectx_check
    end
end

__prefectx_apply init $fish_pid
