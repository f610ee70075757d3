"""Configuration: `config.toml` overlaid by `TRACKER_SECTION__KEY` environment variables.

Secrets (the SMTP password, the bot token) are read only from the environment. Every
section forbids unknown keys, so a typo is an error naming the key instead of a
silently ignored setting.
"""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from tracker.enums import Level
from tracker.errors import ConfigError

CONFIG_ENV = "TRACKER_CONFIG"
DEFAULT_CONFIG_NAME = "config.toml"
_DURATION = re.compile(r"^\s*(\d+)\s*d\s*$")


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
            raise ValueError(f'expected a number of days such as "3d", got {value!r}')
        return value

    @property
    def days(self) -> int:
        return int(_DURATION.match(self.after).group(1))


class RemindersSettings(_Section):
    days_before: list[int] = [14, 7, 3, 1, 0]
    send_time: time = time(9, 0)
    working_days_only: bool = True
    overdue_repeat_days: int = Field(3, ge=1)
    overdue_dense_days: int = Field(10, ge=1)
    overdue_sparse_days: int = Field(5, ge=1)
    overdue_stop_days: int = Field(40, ge=0)
    escalation: list[EscalationStep] = [
        EscalationStep(after="3d", notify="coordinator"),
        EscalationStep(after="7d", notify="lead"),
    ]
    # Months of a continuous/recurring occurrence generated ahead of time.
    horizon_days: int = Field(45, ge=1)

    @field_validator("days_before")
    @classmethod
    def _non_negative(cls, value: list[int]) -> list[int]:
        if any(d < 0 for d in value):
            raise ValueError("days before the due date cannot be negative")
        return sorted(set(value), reverse=True)


class OutboxSettings(_Section):
    max_attempts: int = Field(8, ge=1)
    backoff_seconds: float = Field(60, gt=0)
    backoff_max_seconds: float = Field(3600, gt=0)
    batch_size: int = Field(200, ge=1)
    # The lease on a claim: live workers renew it while they deliver; a claim not renewed
    # for this long is taken over (a dead worker on this host is taken over at once).
    stale_claim_seconds: float = Field(120, gt=0)
    directory: str = "outbox"  # the file channel writes here when no channel is configured


class DigestSettings(_Section):
    lead_cron: str = "0 9 * * mon"
    coordinator_cron: str = "0 9 * * mon"
    lead_enabled: bool = True
    coordinator_enabled: bool = True


class ImportSettings(_Section):
    default_level: Level = Level.MUNICIPAL
    region: str = ""  # the region organisation's name; empty: the only region in the directory
    regional_owner: str = ""  # who gets regional items without an owner; empty: the region
    max_file_mb: float = Field(20, gt=0)


class EmailSettings(_Section):
    host: str = ""  # empty: no SMTP; emails are written as .eml files to outbox.directory
    port: int = Field(587, ge=1, le=65535)
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
    pool_size: int = Field(2, ge=1, le=16)
    recycle_after: int = Field(100, ge=1)  # messages per connection
    local_hostname: str = ""  # the EHLO name; empty: this machine's fully qualified name


    @field_validator("message_domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        value = value.strip().lower()
        if value and not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*"
                                      r"[a-z0-9])?)+", value):
            raise ValueError(f"expected a domain name such as edu.example.ru, got {value!r}")
        return value


class TelegramSettings(_Section):
    api_url: str = "https://api.telegram.org/bot"
    file_url: str = "https://api.telegram.org/file/bot"
    token: SecretStr | None = None  # from TRACKER_TELEGRAM__TOKEN only
    bot_username: str = ""  # for invite links; empty: asked from getMe
    invite_ttl_days: int = Field(7, ge=1)
    allowed_groups: list[int] = []  # group chats the bot answers in; others are ignored
    rate_per_second: float = Field(30, gt=0)
    per_chat_interval: float = Field(1.0, ge=0)
    group_per_minute: int = Field(20, ge=1)
    poll_timeout: int = Field(10, ge=0)


class WebSettings(_Section):
    """The web workspace (`tracker web`). The session secret is a secret: only from
    TRACKER_WEB__SECRET, else generated once and kept beside the database (0600)."""

    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    # Public address used in links in emails and Telegram messages; empty: no links.
    base_url: str = ""
    secret: SecretStr | None = None  # from TRACKER_WEB__SECRET only
    action_ttl_days: int = Field(14, ge=1)  # «Отметить выполненным» links in messages
    sign_in_ttl_minutes: int = Field(30, ge=1)
    session_days: int = Field(14, ge=1)
    max_upload_mb: float = Field(10, gt=0)
    upload_types: list[str] = ["pdf", "docx", "doc", "xlsx", "xls", "odt", "ods", "jpg",
                               "jpeg", "png", "txt", "zip"]
    evidence_dir: str = "evidence"  # beside the database
    sign_in_per_hour: int = Field(5, ge=1)  # sign-in links asked per address and per client

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if value and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError(f"expected http(s)://host[:port][/path], got {value!r}")
        return value


class Settings(BaseSettings):
    """The whole configuration. Build it with `load_settings`."""

    model_config = SettingsConfigDict(
        env_prefix="TRACKER_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

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

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = _current_toml.get("path")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if path is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=path))
        return tuple(sources)

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


# pydantic-settings has no per-instance toml path; pass it through this slot.
_current_toml: dict[str, Any] = {}

_SECRET_KEYS = {("smtp", "password"), ("telegram", "token"), ("web", "secret")}


def find_config(explicit: str | Path | None = None) -> Path | None:
    """The config file: `--config`, then `$TRACKER_CONFIG`, then `./config.toml`.

    :raises ConfigError: if a path given explicitly does not exist.
    """
    for origin, candidate in (("--config", explicit), (CONFIG_ENV, os.environ.get(CONFIG_ENV))):
        if candidate:
            path = Path(candidate).expanduser()
            if not path.is_file():
                raise ConfigError(f"config file not found: {path} (from {origin})")
            return path.resolve()
    default = Path.cwd() / DEFAULT_CONFIG_NAME
    return default.resolve() if default.is_file() else None


def load_settings(explicit: str | Path | None = None, **overrides: Any) -> Settings:
    """Load and validate the configuration.

    :raises ConfigError: one line naming the file and the offending key.
    """
    path = find_config(explicit)
    if path is not None:
        _check_no_secrets(path)
    _current_toml["path"] = path
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from None
    finally:
        _current_toml.pop("path", None)
    settings.config_path = path
    return settings


def _check_no_secrets(path: Path) -> None:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    for section, key in _SECRET_KEYS:
        if isinstance(data.get(section), dict) and key in data[section]:
            env = f"TRACKER_{section.upper()}__{key.upper()}"
            raise ConfigError(f"{path}: {section}.{key} must not be in the file; set {env}")


def _describe(exc: ValidationError, path: Path | None) -> str:
    error = exc.errors()[0]
    key = ".".join(str(p) for p in error["loc"]) or "(top level)"
    key = key.replace("import_", "import")
    where = f"{path}: " if path else ""
    if error["type"] == "extra_forbidden":
        return f"{where}unknown setting {key}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}invalid setting {key}: {message}"
