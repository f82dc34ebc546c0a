"""Writes data/prefect-checks.tsv: what Prefect checks in a setting's value beyond its type.

Run with the prefect==3.9.1 venv's python (tests/compat.rs does, and fails when the committed
file differs). One row per canonical setting name that has a check:
  NAME<TAB>CHECKS
where CHECKS is space-separated: `ge=N`, `gt=N`, `le=N`, `lt=N` (annotated_types bounds on an
int or float), `upper` (a Literal that Prefect upper-cases before checking, such as the log
levels: it accepts `debug`) and `json` (a union with a collection, whose value pydantic-settings
tries as JSON from the environment, while the profile and TOML files hand over a string as it
is: such a string is exported JSON-quoted, docs/prefect-compat.md, "Values read as JSON from the environment"). Source: the
Settings models (prefect/settings/models/*.py) and pydantic-settings' EnvSettingsSource.
"""
from pydantic_settings import EnvSettingsSource

from prefect.settings import Settings
from prefect.settings.legacy import _get_settings_fields
from prefect.settings.profiles import Profile

fields = _get_settings_fields(Settings)


def field_info(accessor):
    model = Settings
    parts = accessor.split(".")
    for p in parts[:-1]:
        model = model.model_fields[p].annotation
    return model.model_fields[parts[-1]]


def accepts(setting, value):
    try:
        Profile(name="t", settings={setting: value}).validate_settings()
        return True
    except Exception:
        return False


rows = {}
for s in fields.values():
    if s.name in rows:
        continue
    fi = field_info(s.accessor)
    checks = []
    for m in fi.metadata:
        for k in ("ge", "gt", "le", "lt"):
            v = getattr(m, k, None)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                checks.append(f"{k}={v}")
    choices = getattr(fi.annotation, "__args__", None)
    text = str(fi.annotation)
    if "Literal[" in text and choices and all(isinstance(c, str) for c in choices):
        first = choices[0]
        if first != first.lower() and accepts(s, first.lower()):
            checks.append("upper")
    model = Settings
    for p in s.accessor.split(".")[:-1]:
        model = model.model_fields[p].annotation
    # A union with a collection (`str | set[int]`): the environment's value is tried as JSON
    # first. (A plain dict field is parsed from the string the same way from every source.)
    if EnvSettingsSource(model)._field_is_complex(fi) == (True, True):
        checks.append("json")
    if checks:
        rows[s.name] = " ".join(checks)

print("name\tchecks")
for name in sorted(rows):
    print(f"{name}\t{rows[name]}")
