"""Domain vocabularies. Stored as their string values (portable across databases)."""

from enum import StrEnum

from tracker.core.errors import InvalidInput
from tracker.core.i18n import NP_, _, pgettext


def translated(value) -> str:
    """The name of an enum value in the current locale (`AssignmentStatus.DONE` is
    «исполнено»); a value without a name in `NAMES` is shown as stored."""
    names = NAMES.get(type(value)) if isinstance(value, StrEnum) else None
    marked = names.get(str(value)) if names else None
    return pgettext(*marked) if marked else str(value)


def name_of(enum: type[StrEnum], stored) -> str:
    """`translated` for a stored string of `enum` (a value not of `enum` as it is)."""
    try:
        return translated(enum(str(stored)))
    except ValueError:
        return str(stored)


def choices(enum: type[StrEnum]) -> str:
    """The values of `enum` to type, each glossed with its name in the current locale
    where that differs: "open (в работе), done (исполнено), cancelled (отменено)"."""
    shown = []
    for member in enum:
        name = translated(member)
        shown.append(member.value if name == member.value else f"{member.value} ({name})")
    return ", ".join(shown)


def parse_choice(enum: type[StrEnum], value, what: str):
    """The member of `enum` a person typed (case and spaces ignored).

    `what` is an `N_()`-marked English word ("role"), translated in the message.
    :raises InvalidInput: naming `what` and the allowed values (glossed, `choices`).
    """
    try:
        return enum(str(value).strip().lower())
    except ValueError:
        raise InvalidInput(_("invalid {what} {value!r}: expected one of {allowed}").format(
            what=_(what), value=str(value), allowed=choices(enum))) from None


class OrgKind(StrEnum):
    REGION = "region"
    MUNICIPALITY = "municipality"
    SCHOOL = "school"
    OTHER = "other"  # a ministry department, a college, a methodical centre


class Role(StrEnum):
    OFFICER = "officer"
    COORDINATOR = "coordinator"
    LEAD = "lead"
    ADMIN = "admin"


class ChannelPref(StrEnum):
    """Where a person wants their notifications."""

    EMAIL = "email"
    TELEGRAM = "telegram"
    BOTH = "both"


class DocumentKind(StrEnum):
    PROTOCOL = "protocol"  # протокол
    ORDER = "order"  # приказ
    DIRECTIVE = "directive"  # распоряжение
    RESOLUTION = "resolution"  # постановление
    BOARD_DECISION = "board_decision"  # решение коллегии
    ROADMAP = "roadmap"  # дорожная карта
    PLAN = "plan"  # план
    INSTRUCTIONS = "instructions"  # перечень поручений
    SCHEDULE = "schedule"  # график (представления отчётности, проведения ...)
    REGULATION = "regulation"  # положение (о конкурсе, олимпиаде ...) with its stage schedule
    LETTER = "letter"  # письмо, запрос
    MANUAL = "manual"  # typed in with `tracker tasks add`


class Level(StrEnum):
    REGIONAL = "regional"
    MUNICIPAL = "municipal"
    SCHOOL = "school"


class Recurrence(StrEnum):
    DAILY = "daily"  # ежедневно
    WEEKLY = "weekly"  # еженедельно
    MONTHLY = "monthly"  # ежемесячно
    QUARTERLY = "quarterly"  # ежеквартально
    HALF_YEARLY = "half_yearly"  # раз в полгода, ежеполугодно
    YEARLY = "yearly"  # ежегодно
    CONTINUOUS = "continuous"  # постоянно, в течение периода


class AssignmentStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Via(StrEnum):
    """Through what a change was made."""

    CLI = "cli"
    BOT = "bot"
    IMPORT = "import"
    SCHEDULER = "scheduler"
    WEB = "web"


class TokenAction(StrEnum):
    """What a one-time web link does; a token is good for exactly one."""

    COMPLETE = "complete"  # «Отметить выполненным»
    EXTEND = "extend"  # «Запросить перенос срока»
    APPROVE = "approve"  # «Согласовать» an extension request
    REJECT = "reject"  # «Отклонить» it
    SIGN_IN = "sign_in"  # a one-time sign-in link


class EventKind(StrEnum):
    CREATED = "created"
    ASSIGNED = "assigned"
    COMPLETED = "completed"
    REOPENED = "reopened"
    CANCELLED = "cancelled"
    EXTENDED = "extended"
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_REJECTED = "extension_rejected"
    EVIDENCE = "evidence"
    COMMENTED = "commented"
    REMINDED = "reminded"
    ESCALATED = "escalated"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


# The names people read for stored values, by enum (a context each: "pending" is
# «ожидает отправки» for a message and «ожидает решения» for an extension request).
NAMES: dict[type[StrEnum], dict[str, tuple[str, str]]] = {
    AssignmentStatus: {"open": NP_("assignment status", "open"),
                       "done": NP_("assignment status", "done"),
                       "cancelled": NP_("assignment status", "cancelled")},
    OutboxStatus: {"pending": NP_("outbox status", "pending"),
                   "sending": NP_("outbox status", "sending"),
                   "sent": NP_("outbox status", "sent"),
                   "failed": NP_("outbox status", "failed"),
                   "skipped": NP_("outbox status", "skipped"),
                   "cancelled": NP_("outbox status", "cancelled")},
    ExtensionStatus: {"pending": NP_("extension status", "pending"),
                      "approved": NP_("extension status", "approved"),
                      "rejected": NP_("extension status", "rejected")},
    Role: {"officer": NP_("role", "officer"), "coordinator": NP_("role", "coordinator"),
           "lead": NP_("role", "lead"), "admin": NP_("role", "admin")},
    ChannelPref: {"email": NP_("channels", "email"), "both": NP_("channels", "both")},
    Level: {"regional": NP_("level", "regional"), "municipal": NP_("level", "municipal"),
            "school": NP_("level", "school")},
    OrgKind: {"region": NP_("org kind", "region"),
              "municipality": NP_("org kind", "municipality"),
              "school": NP_("org kind", "school"), "other": NP_("org kind", "other")},
}
