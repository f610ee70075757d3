"""`tracker web`, `tracker web invite` and `tracker run --web` as commands."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path

from web_world import build

TRACKER = Path(sys.executable).with_name("tracker")


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_http(url: str, process, timeout: float = 30.0) -> str:
    """The body of `url` once the server answers (or fail when it died or took too long)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {process.stderr.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                return reply.read().decode("utf-8")
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer in {timeout}s")


def test_invite_prints_or_emails_a_sign_in_link(settings, db, cli):
    build(settings, db)
    printed = cli("web", "invite", "Иванова М.Н.", "--print")
    assert printed.exit_code == 0, printed.output
    assert printed.output.startswith("http://127.0.0.1:8080/signin/")
    sent = cli("web", "invite", "ivanova@example.ru")
    assert sent.exit_code == 0, sent.output
    assert "Ссылка для входа отправлена: Иванова М.Н. <ivanova@example.ru>" in sent.output
    [eml] = (settings.base_dir / "outbox").glob("*.eml")
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Ссылка для входа"
    assert "http://127.0.0.1:8080/signin/" in message.get_body(("plain",)).get_content()
    unknown = cli("web", "invite", "Никто")
    assert unknown.exit_code == 1 and unknown.output.startswith("Ошибка: ")


def test_web_refuses_a_taken_port(settings, db, cli):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("web", "--port", str(port))
    assert result.exit_code == 1
    assert f"Ошибка: не удаётся принимать соединения на 127.0.0.1:{port}: порт занят" in \
        result.output


def test_run_with_web_serves_pages_beside_the_scheduler(tmp_path, config_path):
    port = _port()
    env = {**os.environ, "TRACKER_WEB__PORT": str(port), "TRACKER_DIGESTS__LEAD_ENABLED": "false",
           "TRACKER_DIGESTS__COORDINATOR_ENABLED": "false"}
    process = subprocess.Popen(
        [str(TRACKER), "--config", str(config_path), "run", "--web", "--no-bot",
         "--tick-seconds", "3600"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        body = _wait_http(f"http://127.0.0.1:{port}/signin", process)
        assert "Прислать ссылку" in body
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "служба остановлена" in err
