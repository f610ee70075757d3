"""The web secret, signed values and the rate limit."""

import stat

from tracker.core.config_sources import load_settings
from tracker.web import security


def test_secret_is_generated_once_with_0600_or_taken_from_the_environment(config_path,
                                                                         monkeypatch):
    settings = load_settings(config_path)
    first = security.load_secret(settings)
    path = config_path.parent / "web-secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert security.load_secret(settings) == first and len(first) >= 48
    monkeypatch.setenv("TRACKER_WEB__SECRET", "s3cret-from-env-0123456789")
    assert security.load_secret(load_settings(config_path)) == b"s3cret-from-env-0123456789"


def test_secret_is_refused_in_the_file(tmp_path):
    import pytest

    from tracker.core.errors import ConfigError

    path = tmp_path / "c.toml"
    path.write_text('[web]\nsecret = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="web.secret нельзя хранить в файле"):
        load_settings(path)


def test_signed_values_and_csrf():
    signed = security.sign(b"k", "abc")
    assert security.unsign(b"k", signed) == "abc"
    assert security.unsign(b"other", signed) is None
    assert security.unsign(b"k", "abd" + signed[3:]) is None
    assert security.unsign(b"k", None) is None and security.unsign(b"k", "nodot") is None
    token = security.csrf_token(b"k", "cookie")
    assert security.csrf_ok(b"k", "cookie", token)
    assert not security.csrf_ok(b"k", "other-cookie", token)
    assert not security.csrf_ok(b"k", None, token) and not security.csrf_ok(b"k", "c", None)


def test_rate_limit_slides():
    now = [0.0]
    limit = security.RateLimit(2, window=60, clock=lambda: now[0])
    assert limit.allow("a", "ip") and limit.allow("a", "ip")
    assert not limit.allow("a", "ip")
    assert not limit.allow("b", "ip")  # the client is at its limit too
    assert limit.allow("b", "ip2")
    now[0] = 61
    assert limit.allow("a", "ip")


def test_bad_base_url_is_refused(tmp_path):
    import pytest

    from tracker.core.errors import ConfigError

    path = tmp_path / "c.toml"
    path.write_text('[web]\nbase_url = "tracker.example.ru"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="неверная настройка web.base_url"):
        load_settings(path)
