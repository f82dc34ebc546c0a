#!/usr/bin/env python3
"""Prints Prefect's command tree, as `prefect --help` and each group's `--help` list it: one
line per command, `PATH<TAB>group` for a group that only lists its commands, `PATH<TAB>command`
for one that runs something (a group with its own default, such as `deploy`, is a command).
Run with the venv's python; tests/protect_table.rs compares it with data/prefect-commands.tsv.
"""
from prefect.cli._app import _app


def walk(app, path):
    for name in app:
        if name.startswith("-"):
            continue
        sub = app[name]
        kids = [n for n in sub if not n.startswith("-")]
        runs = not kids or getattr(sub, "default_command", None) is not None
        print("\t".join([" ".join(path + [name]), "command" if runs else "group"]))
        walk(sub, path + [name])


walk(_app, [])
