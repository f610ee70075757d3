"""`/web` in the bot: a one-time sign-in link in a private chat, never in a group."""

from __future__ import annotations

import re

import pytest
from bot_world import OFFICER

pytestmark = [pytest.mark.asyncio, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


async def test_web_link_only_when_configured_and_private(world):
    world.fake.say(OFFICER, "/web")
    [off] = await world.replies(OFFICER, 0)
    assert "не настроен" in off
    world.settings.web.base_url = "http://testserver"
    world.fake.chat_types[-500] = "group"
    world.fake.say(-500, "/web", user_id=OFFICER)
    [group] = await world.replies(-500, 0)
    assert "только в личном чате" in group
    world.fake.say(OFFICER, "/web")
    [reply] = await world.replies(OFFICER, 1)
    url = re.search(r"http://testserver/signin/[A-Za-z0-9_-]{43}", reply).group(0)

    from starlette.testclient import TestClient
    from web_world import csrf_of

    from tracker.web.app import create_app

    app = create_app(world.settings, world.db, clock=lambda: __import__(
        "bot_world").NOW)
    with TestClient(app, base_url="http://testserver") as client:
        path = url.removeprefix("http://testserver")
        page = client.get(path)
        assert "Иванов И.И." in page.text
        done = client.post(path, data={"csrf": csrf_of(page.text)})
        assert done.status_code == 200 and "Мои поручения" in done.text
