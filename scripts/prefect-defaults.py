"""Writes data/prefect-defaults.tsv: for each Prefect setting, the value to export so that
Prefect's runtime resolves its default, whatever a project file in the folder says.

prefectx exports these in a folder whose project files (.env, prefect.toml, pyproject.toml)
are not allowed, for each setting such a file names and the profile does not set: the
environment beats every file (docs/prefect-compat.md, "Project files"), in every spelling.

Run with the prefect==3.9.1 venv's python (tests/compat.rs does, and fails when the committed
file differs). One row per canonical setting name:
  NAME<TAB>VALUE
with VALUE as Prefect's `Settings.to_environment_variables` writes the default. A setting is
left out when no exported value can stand for its default:
- its default is None (an exported empty string reads as "", not None);
- its default is computed from another setting or from the home folder (PREFECT_UI_URL from
  PREFECT_API_URL, paths under PREFECT_HOME): checked by computing the defaults again with
  each of those changed;
- exporting the value does not give back the very default (checked, field by field).
"""
import os
import sys
import tempfile

from prefect.settings import Settings


def clean(extra, base=None):
    base = base or tempfile.mkdtemp()
    os.chdir(base)
    os.environ.clear()
    os.environ.update(
        {"HOME": base, "PATH": "/usr/bin:/bin", "PREFECT_HOME": os.path.join(base, "ph")}
    )
    os.environ.update(extra)


def defaults(extra):
    clean(extra)
    return Settings().to_environment_variables(exclude_unset=False)


VARIED = {
    "PREFECT_API_URL": "http://other.example/api",
    "PREFECT_CLOUD_API_URL": "http://cloud.example/api",
    "PREFECT_UI_URL": "http://ui.example",
    "PREFECT_SERVER_API_HOST": "10.1.2.3",
    "PREFECT_SERVER_API_PORT": "9999",
    "PREFECT_API_KEY": "pnu_x",
}

base = defaults({})
rows = dict(base)
# A second home: anything under it moves.
for k, v in defaults({}).items():
    if base.get(k) != v:
        rows.pop(k, None)
for name, value in VARIED.items():
    other = defaults({name: value})
    for k in list(rows):
        if k != name and other.get(k) != base.get(k):
            rows.pop(k, None)
for k in ("PREFECT_HOME", "PREFECT_PROFILES_PATH"):
    rows.pop(k, None)

# Exporting the value gives back the default, field by field (one home for all of these).
home = tempfile.mkdtemp()
clean({}, home)
want = Settings().model_dump(mode="json")
for k in sorted(rows):
    clean({k: rows[k]}, home)
    got = Settings().model_dump(mode="json")
    diff = [f for f in want if want[f] != got[f]]
    if diff:
        print(f"left out {k}: {diff}", file=sys.stderr)
        rows.pop(k)

print("name\tvalue")
for k in sorted(rows):
    v = rows[k]
    assert "\t" not in v and "\n" not in v, k
    print(f"{k}\t{v}")
