"""Where the settings come from: `config.toml` and the `TRACKER_SECTION__KEY` environment
variables, read and merged (`load_settings`: the arguments over the environment over the
file, section by section) the way pydantic-settings would, then validated by the plain
pydantic models of `tracker.core.config`. Secrets are refused in the file; a variable
naming an unknown key, or holding a list or section that is not JSON, is an error naming
the variable; a validation error is worded by `tracker.core.config_errors`.
"""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from tracker.core.config import Settings
from tracker.core.config_errors import describe
from tracker.core.errors import ConfigError
from tracker.core.i18n import _
from tracker.core.reasons import toml_reason

__all__ = ["CONFIG_ENV", "DEFAULT_CONFIG_NAME", "find_config", "load_settings"]


CONFIG_ENV = "TRACKER_CONFIG"
DEFAULT_CONFIG_NAME = "config.toml"


_SECRET_KEYS = {("smtp", "password"), ("telegram", "token"), ("web", "secret")}


def find_config(explicit: str | Path | None = None) -> Path | None:
    """The config file: `--config`, then `$TRACKER_CONFIG`, then `./config.toml`.

    :raises ConfigError: if a path given explicitly does not exist.
    """
    for origin, candidate in (("--config", explicit), (CONFIG_ENV, os.environ.get(CONFIG_ENV))):
        if candidate:
            path = Path(candidate).expanduser()
            if not path.is_file():
                raise ConfigError(_("config file not found: {path} (from {origin})").format(
                    path=path, origin=origin))
            return path.resolve()
    default = Path.cwd() / DEFAULT_CONFIG_NAME
    return default.resolve() if default.is_file() else None


def load_settings(explicit: str | Path | None = None, **overrides: Any) -> Settings:
    """Load and validate the configuration: `overrides` over the `TRACKER_*` variables
    over the file, merged section by section.

    :raises ConfigError: one line naming the file and the offending key.
    """
    path = find_config(explicit)
    data = _read_file(path) if path is not None else {}
    variables = _check_environment(os.environ)
    overrides = _import_section(os.environ, variables, overrides)
    values = _merge(data, _environment_values(os.environ), overrides)
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        raise ConfigError(describe(exc, path, variables)) from None
    settings.config_path = path
    return settings


def _read_file(path: Path) -> dict[str, Any]:
    """The file's settings; one holding a secret is refused."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(_("{path}: not valid TOML: {reason}").format(
            path=path, reason=toml_reason(exc))) from None
    for section, key in _SECRET_KEYS:
        if isinstance(data.get(section), dict) and key in data[section]:
            env = f"TRACKER_{section.upper()}__{key.upper()}"
            raise ConfigError(_("{path}: {setting} must not be in the file; set {env}").format(
                path=path, setting=f"{section}.{key}", env=env))
    return data


def _merge(base: dict[str, Any], *updates: dict[str, Any]) -> dict[str, Any]:
    """`base` updated by each of `updates` in turn, sections (dicts) merged key by key."""
    merged = dict(base)
    for update in updates:
        for key, value in update.items():
            if isinstance(merged.get(key), dict) and isinstance(value, dict):
                merged[key] = _merge(merged[key], value)
            else:
                merged[key] = value
    return merged


def _environment_values(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings the environment gives, read as pydantic-settings reads them (with
    `env_prefix="TRACKER_"`, `env_nested_delimiter="__"`): names in any case,
    `TRACKER_<KEY>` for a top-level key, a section or list as JSON, and
    `TRACKER_<SECTION>__<KEY>` for one key of a section (over the section's JSON). The
    `import` section, a field with an alias, comes in through `_import_section`.

    :raises ConfigError: a variable meant as JSON that is not (`_check_environment`
        names the variable for the usual names; this catches the rest).
    """
    variables = {name.lower(): value for name, value in environ.items()}
    values: dict[str, Any] = {}
    for name, field in Settings.model_fields.items():
        if field.alias is not None:
            continue
        env = f"tracker_{name}"
        value = variables.get(env)
        if _shape(field.annotation) is None:
            if value is not None:
                values[name] = value
            continue
        if value is not None:
            value = _json(name, value)
        nested = _nested_values(variables, f"{env}__", name, field)
        if isinstance(value, dict):
            values[name] = _merge(value, nested)
        elif value is not None:
            values[name] = value
        elif nested:
            values[name] = nested
    return values


def _nested_values(variables: Mapping[str, str], prefix: str, name: str,
                   field: Any) -> dict[str, Any]:
    """The `<prefix><KEY>[__<KEY>...]` variables as a nested dict under the keys of
    `field` (the setting `name`); a value for a list or a section is JSON."""
    values: dict[str, Any] = {}
    for variable, value in variables.items():
        if not variable.startswith(prefix):
            continue
        *keys, last = variable[len(prefix):].split("__")
        target, into = field, values
        for key in keys:
            target = _subfield(target, key)
            if isinstance(into, dict):
                into = into.setdefault(key, {})
        target = _subfield(target, last)
        if target is not None and value and _shape(target.annotation) is not None:
            value = _json(name, value)
        if isinstance(into, dict):
            into[last] = value
    return values


def _subfield(field: Any, key: str):
    """The field `key` of the section `field` holds; None if it is not a section or has
    no such key."""
    annotation = getattr(field, "annotation", None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _field(annotation, key)
    return None


def _json(name: str, value: str) -> Any:
    import json

    try:
        return json.loads(value)
    except ValueError:
        reason = f'error parsing value for field "{name}" from source "EnvSettingsSource"'
        raise ConfigError(_("environment: {reason}").format(reason=reason)) from None


def _example(field: Any, shape: type) -> str:
    """What a value of a list or section looks like, for the error naming a variable."""
    import json

    from pydantic import TypeAdapter

    if shape is dict:
        return _('a JSON object such as {"key": "value"}, or one variable per key '
                 "(TRACKER_SECTION__KEY)")
    default = TypeAdapter(field.annotation).dump_python(field.default, mode="json")
    shown = json.dumps(default, ensure_ascii=False) if default else "[1, 2]"
    return _("a JSON list such as {example}").format(example=shown)


def _env_name(keys: tuple[str, ...]) -> str:
    return "TRACKER_" + "__".join(k.upper() for k in keys)


def _check_environment(environ: Mapping[str, str]) -> dict[tuple[str, ...], str]:
    """The `TRACKER_*` overrides by setting path; a variable naming an unknown key of a
    known section, or holding a list or section that is not JSON of that shape, is an
    error naming the variable and what it expects (pydantic-settings would raise a
    traceback-shaped `SettingsError` without saying which variable).

    :raises ConfigError: one line naming the variable.
    """
    import json

    found: dict[tuple[str, ...], str] = {}
    for name, value in environ.items():
        if not name.startswith("TRACKER_") or name == CONFIG_ENV:
            continue
        keys = tuple(name[len("TRACKER_"):].lower().split("__"))
        model: Any = Settings
        for depth, key in enumerate(keys):
            field = _field(model, key)
            if field is None:
                if depth == 0:
                    break  # not a setting: some other program's TRACKER_ variable
                dotted = ".".join(keys).replace("import_", "import")
                raise ConfigError(
                    _("{name}: unknown setting {setting}").format(name=name, setting=dotted))
            annotation = field.annotation
            shape = _shape(annotation)
            if depth == len(keys) - 1:
                if shape is not None:
                    try:
                        decoded = json.loads(value)
                    except ValueError:
                        decoded = None
                    if not isinstance(decoded, shape):
                        raise ConfigError(_("{name}: expected {example}, got {value!r}").format(
                            name=name, example=_example(field, shape), value=value))
                found[keys] = name
            elif shape is not dict:
                dotted = ".".join(keys[: depth + 1]).replace("import_", "import")
                raise ConfigError(
                    _("{name}: {setting} is a single value, not a section; set {env}").format(
                    name=name, setting=dotted, env=_env_name(keys[: depth + 1])))
            else:
                model = annotation
    return found


def _import_section(environ: Mapping[str, str], variables: Mapping[tuple[str, ...], str],
                    overrides: dict[str, Any]) -> dict[str, Any]:
    """`TRACKER_IMPORT__*` as init values: pydantic-settings applies no prefix to a field
    with an alias (`import`), so it would silently ignore them."""
    import json

    section: dict[str, Any] = {}
    for keys, name in variables.items():
        if keys == ("import",):
            section.update(json.loads(environ[name]))
        elif keys[0] == "import" and len(keys) == 2:
            section[keys[1]] = environ[name]
    if not section:
        return overrides
    given = overrides.get("import", {})
    return {**overrides, "import": {**section, **(given if isinstance(given, dict) else {})}}


def _field(model: Any, key: str):
    fields = model.model_fields
    if key in fields and key != "config_path":
        return fields[key]
    for field in fields.values():
        if field.alias == key:
            return field
    return None


def _shape(annotation: Any) -> type | None:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return dict
    if typing.get_origin(annotation) is list:
        return list
    return None
