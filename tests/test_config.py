"""Configuration: discovery, environment overrides, secrets, validation errors."""

from pathlib import Path

import pytest

from tracker.core.config_sources import load_settings
from tracker.core.errors import ConfigError

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
    with pytest.raises(ConfigError, match=r"файл настроек не найден: .*nope.toml \(из --config\)"):
        load_settings(tmp_path / "nope.toml")
    monkeypatch.setenv("TRACKER_CONFIG", str(tmp_path / "gone.toml"))
    with pytest.raises(ConfigError, match=r"gone.toml \(из TRACKER_CONFIG\)"):
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
        ("[smtp]\nstarttls = true\n", "неизвестная настройка smtp.starttls"),
        ("colour = 1\n", "неизвестная настройка colour"),
        ('timezone = "Mars/Olympus"\n',
         "неверная настройка timezone: неизвестный часовой пояс 'Mars/Olympus'"),
        ('[smtp]\nport = "abc"\n', "неверная настройка smtp.port: ожидается целое число, "
                                   "получено 'abc'"),
        ('[smtp]\nsender = "not-an-address"\n',
         "неверная настройка smtp.sender: ожидается адрес электронной почты, например "
         "tracker@example.ru, "
         "получено 'not-an-address'"),
        ('[smtp]\nreply_to = "a@b@c"\n', "неверная настройка smtp.reply_to: ожидается адрес "
                                         "электронной почты"),
        ('[telegram]\napi_url = "api.telegram.org/bot"\n',
         "неверная настройка telegram.api_url: ожидается адрес http:// или https://, "
         "получено 'api.telegram.org/bot'"),
        ('[digests]\nlead_cron = ""\n',
         'неверная настройка digests.lead_cron: ожидается выражение cron "минута час день месяц '
         'день_недели", например '
         '"0 9 * * mon", получено \'\''),
        ('[digests]\ncoordinator_cron = "0 25 * * mon"\n',
         "неверная настройка digests.coordinator_cron: ожидается выражение cron"),
        ("[outbox]\nbatch_size = 2.5\n",
         "неверная настройка outbox.batch_size: ожидается целое число, получено 2.5"),
        ("[outbox]\nmax_attempts = 0\n",
         "неверная настройка outbox.max_attempts: ожидается число не меньше 1, получено 0"),
        ("[outbox]\nbackoff_seconds = 100\nbackoff_max_seconds = 10\n",
         "backoff_max_seconds (10) меньше backoff_seconds (100)"),
        ("[telegram]\nrate_per_second = 5000\n",
         "неверная настройка telegram.rate_per_second: ожидается число не больше 1000, получено "
         "5000"),
        ("[telegram]\nper_chat_interval = -1\n",
         "неверная настройка telegram.per_chat_interval: ожидается число не меньше 0, получено -1"),
        ('[reminders]\nsend_time = "9"\n',
         'неверная настройка reminders.send_time: ожидается время суток "ЧЧ:ММ", например "09:00", '
         "получено '9'"),
        ("[reminders]\ndays_before = [3, -1]\n",
         "неверная настройка reminders.days_before: ожидается число дней до срока от 0 до 366"),
        ('locale = "de"\n', "неверная настройка locale: значение 'de' не подходит; допустимо "
         "одно из: ru, en"),
        ('[smtp]\nhost = "smtp://mail.example.ru"\n',
         "неверная настройка smtp.host: ожидается имя сервера, например smtp.example.ru (без "
         "схемы и без порта: порт задаёт smtp.port)"
         ", получено 'smtp://mail.example.ru'"),
        ('[smtp]\nhost = "mail.example.ru:25"\n', "неверная настройка smtp.host: ожидается имя "
                                                  "сервера"),
        ('[telegram]\nbot_username = "t.me/roadmap_bot"\n',
         "неверная настройка telegram.bot_username: ожидается имя бота, например roadmap_bot"),
        ('database_url = "nonsense"\n',
         "неверная настройка database_url: ожидается адрес базы данных, например sqlite:///tracker.db"),
        ('[smtp]\ntls = "maybe"\n',
         "неверная настройка smtp.tls: значение 'maybe' не подходит; допустимо одно из: "
             "starttls, tls, none"),
        ('[reminders]\nescalation = [{after = "x", notify = "lead"}]\n',
         'неверная настройка reminders.escalation.0.after: ожидается число дней, например "3d"'),
        ('[reminders]\nescalation = [{after = "3d", notify = "boss"}]\n',
         "неверная настройка reminders.escalation.0.notify"),
        ('[reminders]\nsend_time = "25:00"\n', "неверная настройка reminders.send_time"),
        ('[import]\ndefault_level = "federal"\n', "неверная настройка import.default_level"),
        ('[smtp]\npassword = "in-file"\n',
         "smtp.password нельзя хранить в файле; задайте TRACKER_SMTP__PASSWORD"),
        ('[telegram]\ntoken = "1:x"\n',
         "telegram.token нельзя хранить в файле; задайте TRACKER_TELEGRAM__TOKEN"),
        ("[smtp\n", "неверный TOML"),
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
    assert result.output == f"Ошибка: {config_path}: неизвестная настройка smtp.starttls\n"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TRACKER_REMINDERS__DAYS_BEFORE", "not-a-list",
         "TRACKER_REMINDERS__DAYS_BEFORE: ожидается список JSON, например [14, 7, 3, 1, 0], "
         "получено 'not-a-list'"),
        ("TRACKER_TELEGRAM__ALLOWED_GROUPS", "5",
         "TRACKER_TELEGRAM__ALLOWED_GROUPS: ожидается список JSON, например [1, 2], получено '5'"),
        ("TRACKER_SMTP", "garbage",
         'TRACKER_SMTP: ожидается объект JSON, например {"key": "value"}, или по переменной на '
         'ключ '
         "(TRACKER_SECTION__KEY), получено 'garbage'"),
        ("TRACKER_SMTP__HOSTNAME", "x", "TRACKER_SMTP__HOSTNAME: неизвестная настройка "
                                        "smtp.hostname"),
        ("TRACKER_SMTP__PORT__X", "1",
         "TRACKER_SMTP__PORT__X: smtp.port — одно значение, а не раздел; задайте "
         "TRACKER_SMTP__PORT"),
        ("TRACKER_SMTP__PORT", "0",
         "TRACKER_SMTP__PORT: неверная настройка smtp.port: ожидается число не меньше 1, "
         "получено '0'"),
        ("TRACKER_REMINDERS__DAYS_BEFORE", '[1, "x"]',
         "TRACKER_REMINDERS__DAYS_BEFORE: неверная настройка reminders.days_before.1: "
         "ожидается целое число, получено 'x'"),
        ("TRACKER_DATABASE_URL", "user:s3cret@db.example.ru/tracker",
         "TRACKER_DATABASE_URL: неверная настройка database_url: ожидается адрес базы данных"),
    ],
)
def test_bad_environment_override_names_the_variable(tmp_path, monkeypatch, name, value,
                                                     message):
    path = write(tmp_path, "[smtp]\nport = 25\n")
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value) and "s3cret" not in str(info.value)


def test_other_programs_tracker_variables_are_left_alone(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_SOMETHING_ELSE", "1")
    assert load_settings(write(tmp_path, "")).locale == "ru"


def test_a_bot_username_may_be_written_with_the_at_sign(tmp_path):
    settings = load_settings(write(tmp_path, '[telegram]\nbot_username = "@roadmap_bot"\n'))
    assert settings.telegram.bot_username == "roadmap_bot"


def test_import_section_is_overridden_from_the_environment_too(tmp_path, monkeypatch):
    path = write(tmp_path, '[import]\nregion = "Ростовская область"\n')
    monkeypatch.setenv("TRACKER_IMPORT__DEFAULT_LEVEL", "school")
    settings = load_settings(path)
    assert (settings.import_.default_level, settings.import_.region) == (
        "school", "Ростовская область")
    monkeypatch.setenv("TRACKER_IMPORT__DEFAULT_LEVEL", "federal")
    with pytest.raises(ConfigError, match="^TRACKER_IMPORT__DEFAULT_LEVEL: неверная настройка "
                                          "import.default_level"):
        load_settings(path)


def _sections():
    from pydantic import BaseModel

    from tracker.core.config import Settings

    for name, field in Settings.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            yield field.alias or name, field.annotation


@pytest.mark.parametrize("value", ["2.5", "true"])
def test_every_whole_number_setting_refuses_a_fraction_or_a_boolean(tmp_path, value):
    counts = [(section, key) for section, model in _sections()
              for key, field in model.model_fields.items() if field.annotation is int]
    assert len(counts) >= 18
    for section, key in counts:
        with pytest.raises(ConfigError, match=f"{section}.{key}: ожидается целое число"):
            load_settings(write(tmp_path, f"[{section}]\n{key} = {value}\n"))
