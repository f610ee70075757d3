"""What a recipient's mail client sees around the text: a Reply-To by default and a
«не отвечайте» line; the Message-ID / calendar UID domain from a setting (default: the
sender's); the calendar alarm at the send time the day before, not at midnight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar
from pydantic import ValidationError

from notifications.channels.email import build_email, message_id
from tests.test_email_render import make_message, parse
from tracker.core.config import EmailSettings

NO_REPLY_RU = "Это письмо отправлено автоматически, не отвечайте на него."


def test_reply_to_defaults_to_the_sender_and_the_text_asks_not_to_reply():
    parsed = parse(build_email(make_message(), EmailSettings(sender="robot@edu.example.ru")))
    assert str(parsed["Reply-To"]) == "robot@edu.example.ru"
    assert NO_REPLY_RU in parsed.get_body(("plain",)).get_content()
    assert NO_REPLY_RU in parsed.get_body(("html",)).get_content()
    english = parse(build_email(make_message(locale="en"), EmailSettings()))
    assert "please do not reply to it" in english.get_body(("plain",)).get_content()


def test_message_id_and_calendar_uid_domain_is_a_setting():
    settings = EmailSettings(sender="robot@mail.provider.example", message_domain="Edu.Rostov.RU")
    parsed = parse(build_email(make_message(), settings))
    assert parsed["Message-ID"] == message_id("reminder:1", "edu.rostov.ru")
    (ics,) = [p for p in parsed.iter_attachments() if p.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert str(event["UID"]) == "assignment-42@edu.rostov.ru"
    default = parse(build_email(make_message(), EmailSettings(sender="robot@mail.example")))
    assert default["Message-ID"].endswith("@mail.example>")


@pytest.mark.parametrize("bad", ["not a domain", "example", "-x.ru", "a..ru"])
def test_a_bad_message_domain_is_refused(bad):
    with pytest.raises(ValidationError, match="ожидается доменное имя"):
        EmailSettings(message_domain=bad)


@pytest.mark.parametrize(("planned", "zone", "trigger"), [
    # Sent at 09:00 Moscow (06:00 UTC): the alarm at 09:00 the day before the due date.
    (datetime(2021, 8, 17, 6, 0, tzinfo=UTC), "Europe/Moscow", timedelta(hours=-15)),
    # An officer in Yekaterinburg, sent at 09:30 their time.
    (datetime(2021, 8, 17, 4, 30, tzinfo=UTC), "Asia/Yekaterinburg",
     timedelta(hours=-14, minutes=-30)),
])
def test_the_alarm_fires_at_the_send_time_the_day_before(planned, zone, trigger):
    from dataclasses import replace

    message = make_message(context={"planned_at": planned})
    message = replace(message, recipient=replace(message.recipient, timezone=zone))
    parsed = parse(build_email(message, EmailSettings(sender="robot@edu.example.ru")))
    (ics,) = [p for p in parsed.iter_attachments() if p.get_content_type() == "text/calendar"]
    (event,) = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == trigger  # before the due date's midnight
