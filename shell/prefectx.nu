# prefectx shell integration for nushell. Nushell sources files, not code made at startup, so
# save it once and source it from config.nu (as zoxide and starship do):
#   prefectx hook nu | save -f ($nu.default-config-dir | path join prefectx.nu)
#   source ($nu.default-config-dir | path join prefectx.nu)        # in config.nu
# A prompt where nothing changed starts no process: the check in __prefectx_prompt uses
# nushell builtins only (`path exists`, `ls`). prefectx never hands nushell code to evaluate:
# hook-env prints one JSON operation per line, applied with load-env and hide-env.

# Applies hook-env's output: `["unset", NAME]` and `["set", NAME, VALUE]` lines.
def --env __prefectx_eval [out: string] {
  let ops = ($out | lines | where {|l| $l != "" } | each {|l| $l | from json })
  let unset = ($ops | where {|o| ($o | get 0) == "unset" } | each {|o| $o | get 1 })
  let set = ($ops | where {|o| ($o | get 0) == "set" } | reduce -f {} {|o, acc| $acc | upsert ($o | get 1) ($o | get 2) })
  if ($unset | is-not-empty) {
    hide-env -i ...$unset
  }
  load-env $set
}

# What the folder holds (see the bash hook): the nearest .prefect-profile from $PWD
# up to /, and $PWD when it has one of Prefect's project files.
def --env __prefectx_where [] {
  mut d = $env.PWD
  if $d == "/" { $d = "" }
  mut pp = ""
  loop {
    let c = $"($d)/.prefect-profile"
    if ($c | path exists) {
      $pp = $c
      break
    }
    if $d == "" { break }
    $d = ($d | str replace -r '/[^/]*$' '')
  }
  $env.__prefectx_pp_now = $pp
  $env.__prefectx_here_now = (if ((".env" | path exists) or ("prefect.toml" | path exists) or ("pyproject.toml" | path exists)) { $env.PWD } else { "" })
}

def --env __prefectx_seen [] {
  __prefectx_where
  $env.__prefectx_pp = $env.__prefectx_pp_now
  $env.__prefectx_here = $env.__prefectx_here_now
  $env.__prefectx_pwd = $env.PWD
  $env.__prefectx_vals = (__prefectx_values)
}

# The values the hook watches, as one string (see the bash hook): a value set outside prefectx
# changes it, and the prompt applies again, leaving that value in effect (docs/shells.md). A
# secret one (`?NAME`) is watched for being set, not by value.
def __prefectx_values [] {
  $env.__prefectx_watch? | default "" | split row " " | where {|n| $n != "" } | each {|n|
    if ($n | str starts-with "?") {
      if (($env | get -o ($n | str substring 1..)) == null) { "0" } else { "1" }
    } else {
      let v = ($env | get -o $n)
      if $v == null { "-" } else { $".($v | into string)" }
    }
  } | str join "|"
}

def --env __prefectx_apply [...args: string] {
  if (@PREFECTX@ | path exists) {
    $env.__prefectx_missing = ""
    # hook-env always prints valid operations (maybe none) and reports errors on stderr once.
    let out = (try { ^@PREFECTX@ hook-env nu ...$args } catch { "" })
    __prefectx_eval $out
    __prefectx_seen
  } else if ($env.__prefectx_missing? | default "") == "" {
    $env.__prefectx_missing = "1"
    print -e $"prefectx: (@PREFECTX_SHOWN@) is gone; this shell keeps its Prefect settings"
  }
}

# TAB: clap's dynamic completion (words so far, then the word being typed); candidates come
# back as `value<TAB>description` lines, each value already written as one nushell word, quoted
# where it must be (nushell inserts a completer's value as it is).
def __prefectx_complete [context: string] {
  let words = ($context | split row -r '\s+')
  with-env { COMPLETE: "nu" } { ^@PREFECTX@ -- ...$words } | lines | each {|l|
    let p = ($l | split row "\t")
    { value: ($p | get 0), description: ($p | get -o 1 | default "") }
  }
}

# A command, so that `prefectx use` and `prefectx follow` can change this shell.
def --env --wrapped prefectx [...args: string@__prefectx_complete] {
  let sub = ($args | get -o 0 | default "")
  if $sub == "use" or $sub == "follow" {
    # A failed `use` (an unknown name) has said why on stderr and changes nothing.
    let out = (try { ^@PREFECTX@ hook-env nu ...$args } catch { null })
    if $out != null {
      __prefectx_eval $out
      __prefectx_seen
    }
  } else if $sub == "profile" {
    ^@PREFECTX@ ...$args
    # A rename from this shell takes its pin along; the next prompt applies it.
    if ($args | length) == 4 and ($args | get 1) == "rename" and ($env.__PREFECTX_PIN? | default "") == ($args | get 2) {
      $env.__PREFECTX_PIN = ($args | get 3)
    }
  } else {
    ^@PREFECTX@ ...$args
  }
}

# Prefect's own selectors, as in the bash hook: `prefect --profile NAME ...`, `prefect -p NAME ...`
# and a one-shot PREFECT_PROFILE run prefect with exactly NAME's environment (`prefectx exec`);
# Prefect's commands that choose profiles themselves run as plain Prefect does with this shell's
# profile (`exec --plain`, docs/prefect-compat.md); anything else runs prefect as it is.
# `^prefect` bypasses this; PREFECTX_WRAP_PREFECT=0 turns it off.
def --wrapped prefect [...args] {
  let wrap = ($env.PREFECTX_WRAP_PREFECT? | default "") != "0" and ($env.PREFECTX_EXPORT? | default "") != "profile"
  let applied = ($env.__PREFECTX_APPLIED? | default "")
  mut name = ""
  mut sub = ""
  mut next = ""
  if $wrap {
    let wanted = ($env.PREFECT_PROFILE? | default "")
    if $wanted != "" and $wanted != $applied { $name = $wanted }
    mut i = 0
    mut take = false
    for a in $args {
      if $take { $name = $a; $take = false; $i = $i + 1; continue }
      if $a == "--profile" or $a == "-p" {
        $take = true
      } else if ($a | str starts-with "--profile=") {
        $name = ($a | str substring 10..)
      } else if not ($a | str starts-with "-") {
        $sub = $a
        $next = ($args | get -o ($i + 1) | default "")
        break
      }
      $i = $i + 1
    }
  }
  let own = $wrap and (($sub in [transfer profile profiles config]) or ($sub == "cloud" and $next in [login logout workspace]))
  if $name != "" {
    ^@PREFECTX@ exec $name -- prefect ...$args
  } else if $own and $applied != "" {
    ^@PREFECTX@ exec --plain $applied -- prefect ...$args
  } else if $own or ($env.PREFECTX_PROTECTED? | default "") != "" {
    # A protected profile, or Prefect's implicit default where nothing is applied: the binary
    # asks before a command that changes a protected profile (docs/protect.md).
    ^@PREFECTX@ exec --keep-env -- prefect ...$args
  } else {
    ^prefect ...$args
  }
}

def __prefectx_mtime [p: string] {
  ls -D $p | get 0.modified
}

# True when file f and its stamp s (same mtime, made at the last apply) disagree.
def __prefectx_changed [f: string, s: string] {
  let fe = ($f != "" and ($f | path exists))
  let se = ($s != "" and ($s | path exists))
  if $fe {
    (not $se) or ((__prefectx_mtime $f) != (__prefectx_mtime $s))
  } else {
    $se
  }
}

# The folder's deciding files (see the bash hook): parents are walked only after a `cd`.
def --env __prefectx_folder_changed [s: string] {
  let p = ($env.__prefectx_pp? | default "")
  let here = ($env.__prefectx_here? | default "")
  if $env.PWD != ($env.__prefectx_pwd? | default "") {
    __prefectx_where
    if $env.__prefectx_pp_now != $p or $env.__prefectx_here_now != $here { return true }
  } else if (".prefect-profile" | path exists) and ($"($env.PWD | str replace -r '/$' '')/.prefect-profile" != $p) {
    return true
  } else if $here == "" and ((".env" | path exists) or ("prefect.toml" | path exists) or ("pyproject.toml" | path exists)) {
    return true
  }
  if $p != "" and ((not ($p | path exists)) or (__prefectx_changed $p $"($s).p")) { return true }
  # The allowed list decides for a .prefect-profile too: `prefectx allow` in another terminal.
  if $here == "" and $p == "" { return false }
  if (__prefectx_changed ($env.__prefectx_trust? | default "") $"($s).a") { return true }
  if $here == "" { return false }
  (
    (__prefectx_changed ".env" $"($s).e") or (__prefectx_changed "prefect.toml" $"($s).t")
    or (__prefectx_changed "pyproject.toml" $"($s).y")
  )
}

# Re-apply when the profiles file changed (its mtime against the stamp's), the shell points at
# another file, PREFECT_PROFILE is no longer what the hook applied, or the folder's
# deciding files changed.
def --env __prefectx_prompt [] {
  let f = ($env.__PREFECTX_FILE? | default "")
  let s = ($env.__PREFECTX_STAMP? | default "")
  let rel = (if ($env.__prefectx_rel? | default "") != "" { $env.PWD } else { "" })
  let key = $"($env.PREFECT_PROFILES_PATH? | default '')|($env.PREFECT_HOME? | default '')|($env.HOME? | default '')|($rel)"
  let want = ($env.PREFECT_PROFILE? | default "")
  let refused = ($env.__PREFECTX_REFUSED? | default null)
  if (
    $key != ($env.__prefectx_key? | default "")
    or ($want != ($env.__PREFECTX_APPLIED? | default "") and ($refused == null or $want != $refused))
    or (__prefectx_changed $f $s)
    or ($s != "" and (__prefectx_changed ($env.__prefectx_protf? | default "") $"($s).x"))
    or ((__prefectx_values) != ($env.__prefectx_vals? | default ""))
    or (($env.PWD != ($env.__prefectx_pwd? | default "")) or (($env.__prefectx_pp? | default "") != "") or (($env.__prefectx_here? | default "") != "") or (".prefect-profile" | path exists) or (".env" | path exists) or ("prefect.toml" | path exists) or ("pyproject.toml" | path exists)) and (__prefectx_folder_changed $s)
  ) {
    __prefectx_apply refresh
  }
}

# Installed once per nushell process (sourcing twice adds nothing; a child nu has its own pid).
if ($env.__prefectx_hooked? | default "") != ($nu.pid | into string) {
  $env.__prefectx_hooked = ($nu.pid | into string)
  $env.config = ($env.config | upsert hooks.pre_prompt (($env.config | get -o hooks.pre_prompt | default []) | append {|| __prefectx_prompt }))
}

__prefectx_apply init ($nu.pid | into string)
