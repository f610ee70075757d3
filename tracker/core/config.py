"""Configuration: `config.toml` overlaid by `TRACKER_SECTION__KEY` environment variables.

Secrets (the SMTP password, the bot token) are read only from the environment. Every
section forbids unknown keys, so a typo is an error naming the key instead of a
silently ignored setting.

The file and the variables are read here and merged (`load_settings`: the arguments
over the environment over the file, section by section) the way pydantic-settings
would, then validated by plain pydantic models: importing pydantic-settings cost every
command more than reading the settings does. The annotations are real types, not
strings (no `from __future__ import annotations`), so pydantic does not evaluate them.
"""

import os
import re
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from tracker.core.enums import Level
from tracker.core.errors import ConfigError
from tracker.core.expected import expected
from tracker.core.i18n import _
from tracker.core.reasons import toml_reason

CONFIG_ENV = "TRACKER_CONFIG"
DEFAULT_CONFIG_NAME = "config.toml"
_DURATION = re.compile(r"^\s*([0-9]+)\s*d\s*$")
_EMAIL = re.compile(r"^[^@\s<>\"(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")
_HH_MM = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$", re.ASCII)


def _email(value: str, *, optional: bool = False) -> str:
    value = value.strip()
    if optional and not value:
        return value
    if not _EMAIL.match(value):
        raise ValueError(
            _("expected an email address such as tracker@example.ru, got {value!r}").format(
            value=value))
    return value


def _http_url(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            _("expected an http:// or https:// URL, got {value!r}").format(value=value))
    return value.strip()


def _cron(value: str) -> str:
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        raise ValueError(_('expected a cron expression "minute hour day month weekday" such as '
                           '"0 9 * * mon", got {value!r} ({reason})').format(
                             value=value, reason=exc)) from None
    return value


def _whole_number(value: Any) -> Any:
    """`batch_size = 2.5` or `= true` is a mistake, not 2 or 1: counts are integers."""
    if isinstance(value, (float, bool)):
        raise ValueError(_("expected a whole number, got {value!r}").format(value=value))
    return value


# Every whole-number setting is a `Count` (one validator on these fields, not a wrapper
# around every field of every section, which cost each command building them).
Count = Annotated[int, BeforeValidator(_whole_number)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EscalationStep(_Section):
    """One rung of the ladder: `after` working days past the due date, tell `notify`."""

    after: str = Field(description='working days after the due date, e.g. "3d"')
    notify: Literal["owner", "coordinator", "lead"]

    @field_validator("after")
    @classmethod
    def _days(cls, value: str) -> str:
        if not _DURATION.match(value):
            raise ValueError(
                _('expected a number of days such as "3d", got {value!r}').format(value=value))
        return value

    @property
    def days(self) -> int:
        return int(_DURATION.match(self.after).group(1))


class RemindersSettings(_Section):
    days_before: list[int] = [14, 7, 3, 1, 0]
    send_time: time = time(9, 0)  # "HH:MM"
    working_days_only: bool = True
    overdue_repeat_days: Count = Field(3, ge=1)
    overdue_dense_days: Count = Field(10, ge=1)
    overdue_sparse_days: Count = Field(5, ge=1)
    overdue_stop_days: Count = Field(40, ge=0)
    escalation: list[EscalationStep] = [
        EscalationStep(after="3d", notify="coordinator"),
        EscalationStep(after="7d", notify="lead"),
    ]
    # Months of a continuous/recurring occurrence generated ahead of time.
    horizon_days: Count = Field(45, ge=1)

    @field_validator("days_before")
    @classmethod
    def _non_negative(cls, value: list[int]) -> list[int]:
        if any(d < 0 or d > 366 for d in value):
            raise ValueError(_("expected days before the due date from 0 to 366"))
        return sorted(set(value), reverse=True)

    @field_validator("send_time", mode="before")
    @classmethod
    def _hh_mm(cls, value: Any) -> Any:
        if isinstance(value, str) and not _HH_MM.match(value.strip()):
            raise ValueError(
                _('expected a time of day "HH:MM" such as "09:00", got {value!r}').format(
                value=value))
        return value.strip() if isinstance(value, str) else value


class OutboxSettings(_Section):
    max_attempts: Count = Field(8, ge=1)
    backoff_seconds: float = Field(60, gt=0)
    backoff_max_seconds: float = Field(3600, gt=0)
    batch_size: Count = Field(200, ge=1)
    # The lease on a claim: live workers renew it while they deliver; a claim not renewed
    # for this long is taken over (a dead worker on this host is taken over at once).
    stale_claim_seconds: float = Field(120, gt=0)
    directory: str = Field("outbox", min_length=1)  # the file channel's folder (no channel set)

    @model_validator(mode="after")
    def _backoff_order(self) -> "OutboxSettings":
        if self.backoff_max_seconds < self.backoff_seconds:
            raise ValueError(
                _("backoff_max_seconds ({maximum:g}) is below backoff_seconds ({base:g}): "
                               "expected at least it").format(maximum=self.backoff_max_seconds,
                                                              base=self.backoff_seconds))
        return self


class DigestSettings(_Section):
    lead_cron: str = "0 9 * * mon"
    coordinator_cron: str = "0 9 * * mon"
    lead_enabled: bool = True
    coordinator_enabled: bool = True

    @field_validator("lead_cron", "coordinator_cron")
    @classmethod
    def _crontab(cls, value: str) -> str:
        return _cron(value)


class ImportSettings(_Section):
    default_level: Level = Level.MUNICIPAL
    region: str = ""  # the region organisation's name; empty: the only region in the directory
    regional_owner: str = ""  # who gets regional items without an owner; empty: the region
    max_file_mb: float = Field(20, gt=0, le=1024)

    @property
    def max_bytes(self) -> int:
        """`max_file_mb` in bytes: the `max_bytes` of `roadmaps.reading.read_document`."""
        return int(self.max_file_mb * 1_000_000)


class EmailSettings(_Section):
    host: str = ""  # empty: no SMTP; emails are written as .eml files to outbox.directory
    port: Count = Field(587, ge=1, le=65535)
    tls: Literal["starttls", "tls", "none"] = "starttls"
    sender: str = "tracker@localhost"
    sender_name: str = "Контроль исполнения"
    user: str = ""
    password: SecretStr | None = None  # from TRACKER_SMTP__PASSWORD only
    reply_to: str = ""  # empty: replies go to `sender` (the Reply-To header is always set)
    # The right-hand side of Message-IDs and calendar UIDs; empty: the sender's domain.
    message_domain: str = ""
    validate_certs: bool = True
    ca_file: str = ""  # extra CA bundle (a self-signed relay)
    timeout: float = Field(30, gt=0)  # per socket operation
    batch_timeout: float = Field(300, gt=0)  # for a whole delivery pass
    pool_size: Count = Field(2, ge=1, le=16)
    recycle_after: Count = Field(100, ge=1)  # messages per connection
    local_hostname: str = ""  # the EHLO name; empty: this machine's fully qualified name


    @field_validator("message_domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        value = value.strip().lower()
        if value and not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*"
                                      r"[a-z0-9])?)+", value):
            raise ValueError(
                _("expected a domain name such as edu.example.ru, got {value!r}").format(
                value=value))
        return value

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        value = value.strip()
        if "://" in value or "/" in value or any(c.isspace() for c in value) or \
                re.fullmatch(r"[^:\[\]]+:[0-9]+", value):
            raise ValueError(
                _("expected a host name such as smtp.example.ru (no scheme, no port: that "
                               "is smtp.port), got {value!r}").format(value=value))
        return value

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return _email(value)

    @field_validator("reply_to")
    @classmethod
    def _reply_to(cls, value: str) -> str:
        return _email(value, optional=True)


class TelegramSettings(_Section):
    api_url: str = "https://api.telegram.org/bot"
    file_url: str = "https://api.telegram.org/file/bot"
    token: SecretStr | None = None  # from TRACKER_TELEGRAM__TOKEN only
    bot_username: str = ""  # for invite links; empty: asked from getMe
    invite_ttl_days: Count = Field(7, ge=1)
    allowed_groups: list[int] = []  # group chats the bot answers in; others are ignored
    rate_per_second: float = Field(30, gt=0, le=1000)
    per_chat_interval: float = Field(1.0, ge=0, le=60)
    group_per_minute: Count = Field(20, ge=1, le=60)
    poll_timeout: Count = Field(10, ge=0, le=50)  # Telegram holds a poll at most 50 s

    @field_validator("bot_username")
    @classmethod
    def _username(cls, value: str) -> str:
        name = value.strip().removeprefix("@")
        if name and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", name):
            raise ValueError(_("expected a bot username such as roadmap_bot, got {value!r}").format(
                value=value))
        return name

    @field_validator("api_url", "file_url")
    @classmethod
    def _url(cls, value: str) -> str:
        return _http_url(value)


class WebSettings(_Section):
    """The web workspace (`tracker web`). The session secret is a secret: only from
    TRACKER_WEB__SECRET, else generated once and kept beside the database (0600)."""

    host: str = "127.0.0.1"
    port: Count = Field(8080, ge=1, le=65535)
    # Public address used in links in emails and Telegram messages; empty: no links.
    base_url: str = ""
    secret: SecretStr | None = None  # from TRACKER_WEB__SECRET only
    action_ttl_days: Count = Field(14, ge=1)  # «Отметить выполненным» links in messages
    sign_in_ttl_minutes: Count = Field(30, ge=1)
    session_days: Count = Field(14, ge=1)
    max_upload_mb: float = Field(10, gt=0)
    upload_types: list[str] = ["pdf", "docx", "doc", "xlsx", "xls", "odt", "ods", "jpg",
                               "jpeg", "png", "txt", "zip"]
    evidence_dir: str = "evidence"  # beside the database
    sign_in_per_hour: Count = Field(5, ge=1)  # sign-in links asked per address and per client

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(
                _("expected http(s)://host[:port][/path], got {value!r}").format(value=value))
        return value


class Settings(BaseModel):
    """The whole configuration. Build it with `load_settings`."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    database_url: str = ""  # empty: sqlite:///<config dir>/tracker.db
    timezone: str = "Europe/Moscow"
    locale: Literal["ru", "en"] = "ru"
    reminders: RemindersSettings = RemindersSettings()
    outbox: OutboxSettings = OutboxSettings()
    digests: DigestSettings = DigestSettings()
    import_: ImportSettings = Field(ImportSettings(), alias="import")
    smtp: EmailSettings = EmailSettings()
    telegram: TelegramSettings = TelegramSettings()
    web: WebSettings = WebSettings()

    # Where the file was found; relative paths in it are relative to its folder.
    config_path: Path | None = Field(None, exclude=True)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value.strip():
            from sqlalchemy.engine import make_url
            from sqlalchemy.exc import ArgumentError

            try:
                make_url(value.strip())
            except ArgumentError:
                raise ValueError(_("expected a database URL such as sqlite:///tracker.db or "
                                   "postgresql+psycopg://user@host/tracker")) from None
        return value.strip()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(_("unknown time zone {value!r}").format(value=value)) from None
        return value

    @property
    def base_dir(self) -> Path:
        return self.config_path.parent if self.config_path else Path.cwd()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.base_dir / 'tracker.db'}"

    def resolve(self, relative: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        path = Path(relative)
        return path if path.is_absolute() else self.base_dir / path


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
        raise ConfigError(_describe(exc, path, variables)) from None
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


def _allowed(error: Mapping[str, Any]) -> str:
    """The values a fixed-choice setting takes, from pydantic's `expected` ("'ru' or 'en'"),
    each glossed with its name where it has one (the level's «муниципальный»)."""
    from tracker.core.enums import NAMES, choices

    values = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
    for enum in NAMES:
        if sorted(m.value for m in enum) == sorted(values):
            return choices(enum)
    return ", ".join(values)


_QUIET_KEYS = {"database_url", "smtp.password", "telegram.token", "smtp.user"}


def _describe(exc: ValidationError, path: Path | None,
              variables: Mapping[tuple[str, ...], str] | None = None) -> str:
    error = exc.errors()[0]
    loc = tuple(str(p) for p in error["loc"])
    key = ".".join(loc) or _("(top level)")
    key = key.replace("import_", "import")
    where = f"{path}: " if path else ""
    # Blame the variable when the value came from the environment, else the file.
    for depth in range(len(loc), 0, -1):
        name = (variables or {}).get(tuple(p.lower() for p in loc[:depth]))
        if name is not None:
            where = f"{name}: "
            break
    if error["type"] == "extra_forbidden":
        return where + _("unknown setting {setting}").format(setting=key)
    message = error["msg"].removeprefix("Value error, ")
    if (said := expected(error)) is not None:
        message = said
    elif error["type"] in ("literal_error", "enum"):
        return where + _("invalid setting {setting}: {value!r} is not allowed; expected one "
                         "of {allowed}").format(setting=key, value=error.get("input"),
                                                allowed=_allowed(error))
    elif error["type"] == "missing":
        return where + _("{setting} is required here: add it").format(setting=key)
    elif error["type"] not in ("value_error", "assertion_error"):  # ours say it already
        message = _("the value is not accepted")
    else:
        return where + _("invalid setting {setting}: {message}").format(setting=key,
                                                                          message=message)
    if key in _QUIET_KEYS:
        return where + _("invalid setting {setting}: {message}").format(setting=key,
                                                                          message=message)
    return where + _("invalid setting {setting}: {message}, got {value!r}").format(
        setting=key, message=message, value=error.get("input"))
