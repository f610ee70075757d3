"""Configuration: discovery, environment overrides, secrets, validation errors."""

from pathlib import Path

import pytest

from tracker.config import load_settings
from tracker.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_is_the_default_and_loads():
    shipped = (ROOT / "config.toml").read_text(encoding="utf-8")
    assert shipped == (ROOT / "tracker" / "default_config.toml").read_text(encoding="utf-8")
    settings = load_settings(ROOT / "config.toml")
    assert settings.timezone == "Europe/Moscow"
    assert settings.locale == "ru"
    assert settings.reminders.days_before == [14, 7, 3, 1, 0]
    assert [(s.days, s.notify) for s in settings.reminders.escalation] == [
        (3, "coordinator"), (7, "lead")]
    assert settings.db_url == f"sqlite:///{ROOT / 'tracker.db'}"
    assert settings.telegram.api_url == "https://api.telegram.org/bot"


def test_lookup_order(tmp_path, monkeypatch):
    explicit = write(tmp_path, 'locale = "en"\n')
    env_file = tmp_path / "env.toml"
    env_file.write_text('timezone = "Asia/Yekaterinburg"\n', encoding="utf-8")
    (tmp_path / "config.toml").write_text('timezone = "Europe/Kaliningrad"\n', encoding="utf-8")
    assert load_settings().timezone == "Europe/Kaliningrad"
    monkeypatch.setenv("TRACKER_CONFIG", str(env_file))
    assert load_settings().timezone == "Asia/Yekaterinburg"
    assert load_settings(explicit).locale == "en"


def test_missing_explicit_file_is_an_error(tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match=r"config file not found: .*nope.toml \(from --config\)"):
        load_settings(tmp_path / "nope.toml")
    monkeypatch.setenv("TRACKER_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(ConfigError, match=r"gone.toml \(from TRACKER_CONFIG\)"):
        load_settings()


def test_no_file_means_defaults(tmp_path):
    settings = load_settings()
    assert settings.config_path is None
    assert settings.db_url == f"sqlite:///{tmp_path / 'tracker.db'}"


def test_environment_overrides_nested_keys_and_carries_secrets(tmp_path, monkeypatch):
    path = write(tmp_path, '[smtp]\nhost = "mail.example.ru"\nport = 587\n')
    monkeypatch.setenv("TRACKER_SMTP__PORT", "2525")
    monkeypatch.setenv("TRACKER_SMTP__PASSWORD", "s3cret")
    monkeypatch.setenv("TRACKER_TELEGRAM__TOKEN", "123:ABC")
    settings = load_settings(path)
    assert settings.smtp.host == "mail.example.ru"
    assert settings.smtp.port == 2525
    assert settings.smtp.password.get_secret_value() == "s3cret"
    assert settings.telegram.token.get_secret_value() == "123:ABC"
    assert "s3cret" not in repr(settings) and "123:ABC" not in str(settings.model_dump())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[smtp]\nstarttls = true\n", "unknown setting smtp.starttls"),
        ("colour = 1\n", "unknown setting colour"),
        ('timezone = "Mars/Olympus"\n',
         "invalid setting timezone: unknown time zone 'Mars/Olympus'"),
        ('[smtp]\nport = "abc"\n', "invalid setting smtp.port: Input should be a valid integer"),
        ('[smtp]\ntls = "maybe"\n',
         "invalid setting smtp.tls: Input should be 'starttls', 'tls' or 'none'"),
        ('[reminders]\nescalation = [{after = "x", notify = "lead"}]\n',
         'invalid setting reminders.escalation.0.after: expected a number of days such as "3d"'),
        ('[reminders]\nescalation = [{after = "3d", notify = "boss"}]\n',
         "invalid setting reminders.escalation.0.notify"),
        ('[reminders]\nsend_time = "25:00"\n', "invalid setting reminders.send_time"),
        ('[import]\ndefault_level = "federal"\n', "invalid setting import.default_level"),
        ('[smtp]\npassword = "in-file"\n',
         "smtp.password must not be in the file; set TRACKER_SMTP__PASSWORD"),
        ('[telegram]\ntoken = "1:x"\n',
         "telegram.token must not be in the file; set TRACKER_TELEGRAM__TOKEN"),
        ("[smtp\n", "not valid TOML"),
    ],
)
def test_bad_config_is_one_clear_error(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_bad_config_through_the_cli_exits_1(tmp_path, cli, config_path):
    config_path.write_text("[smtp]\nstarttls = 1\n", encoding="utf-8")
    result = cli("tasks", "list")
    assert result.exit_code == 1
    assert result.output == f"Error: {config_path}: unknown setting smtp.starttls\n"
