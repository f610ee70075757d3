"""Configuration: `config.toml` overlaid by `TRACKER_SECTION__KEY` environment variables.

Secrets (the SMTP password, the bot token) are read only from the environment. Every
section forbids unknown keys, so a typo is an error naming the key instead of a
silently ignored setting.

This module is the schema: the sections and `Settings`, plain pydantic models. The file
and the variables are read and merged by `tracker.core.config_sources` (`load_settings`)
the way pydantic-settings would: importing pydantic-settings cost every command more than
reading the settings does. Value checks pydantic lacks: `tracker.core.config_values`;
errors in words: `tracker.core.config_errors`. The annotations are real types, not
strings (no `from __future__ import annotations`), so pydantic does not evaluate them.
"""

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
    field_validator,
    model_validator,
)

from tracker.core.config_values import Count, crontab, email_address, http_url
from tracker.core.enums import Level
from tracker.core.i18n import _

_DURATION = re.compile(r"^\s*([0-9]+)\s*d\s*$")
_HH_MM = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$", re.ASCII)


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
        return crontab(value)


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
        return email_address(value)

    @field_validator("reply_to")
    @classmethod
    def _reply_to(cls, value: str) -> str:
        return email_address(value, optional=True)


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
        return http_url(value)


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
    """The whole configuration. Build it with `tracker.core.config_sources.load_settings`."""

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
