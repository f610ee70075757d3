"""A fake Telegram Bot API server on 127.0.0.1 for tests and benchmarks.

python-telegram-bot talks to it over real HTTP (point `telegram.api_url` at
`fake.api_url`). It answers `getMe`, long-polls `getUpdates` from a queue the test
fills (`fake.say`, `fake.press`, `fake.send_file`), and records every other call
(`sendMessage`, `editMessageText`, `answerCallbackQuery`, `setMyCommands`,
`sendDocument`, ...) with its parameters decoded. Failures are injected per method
and chat (`fake.fail_next`), and with `enforce_limits` the server itself refuses with
429 what goes beyond Telegram's limits (30 messages a second overall, one a second
per chat), so a benchmark measures the real back-off behaviour.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_ID = 7000001
BOT_USERNAME = "roadmap_test_bot"
SEND_METHODS = {"sendMessage", "sendDocument", "sendPhoto"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # name -> (filename, data)


@dataclass
class _Failure:
    method: str
    chat_id: int | None
    status: int
    description: str
    parameters: dict | None
    times: int
    delay: float


class FakeBotAPI:
    """Start with `with FakeBotAPI() as fake:`; `fake.api_url` goes into the config."""

    def __init__(self, *, token: str = "123456:TEST-TOKEN", enforce_limits: bool = False,
                 overall_per_second: int = 30, per_chat_interval: float = 1.0,
                 max_hold: float = 0.3, port: int = 0) -> None:
        self.token = token
        self.requested_port = port  # 0: any free port
        self.max_hold = max_hold  # longest a getUpdates is held open: short keeps tests quick
        self.enforce_limits = enforce_limits
        self.overall_per_second = overall_per_second
        self.per_chat_interval = per_chat_interval
        self.calls: list[Call] = []
        self._updates: deque[dict] = deque()
        self._update_ids = itertools.count(1)
        self.last_update_id = 0  # the newest update queued
        self.queued = 0  # updates queued so far
        self._offset = 0  # the highest getUpdates offset asked for: updates below it are taken
        self._message_ids = itertools.count(1000)
        self._file_ids = itertools.count(1)
        self._failures: list[_Failure] = []
        self._sends: deque[float] = deque()  # times of accepted sends, last second
        self._last_by_chat: dict[int, float] = {}
        self.rejected_429 = 0
        self.unauthorized = 0  # requests refused for a wrong token (not in `calls`)
        self.chat_types: dict[int, str] = defaultdict(lambda: "private")
        self._cond = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------

    def __enter__(self) -> FakeBotAPI:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                fake._handle(self)

            do_GET = do_POST

            def log_message(self, *args) -> None:  # keep test output clean
                return

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.requested_port), Handler)
        self._server.daemon_threads = True
        # A short poll interval: `stop()` waits up to one interval for the loop to end.
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- what the test feeds in --------------------------------------------------------

    def _user(self, user_id: int, first_name: str = "Тест") -> dict:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "ru"}

    def _chat(self, chat_id: int) -> dict:
        kind = self.chat_types[chat_id]
        chat = {"id": chat_id, "type": kind}
        if kind == "private":
            chat["first_name"] = "Тест"
        else:
            chat["title"] = f"Группа {chat_id}"
        return chat

    def _queue(self, update: dict) -> int:
        with self._cond:
            update_id = next(self._update_ids)
            update["update_id"] = update_id
            self.last_update_id = update_id
            self.queued += 1
            self._updates.append(update)
            self._cond.notify_all()
        return update_id

    def say(self, chat_id: int, text: str, *, user_id: int | None = None,
            reply_to: int | None = None) -> int:
        """Queue a text message from `user_id` (default: the chat's own user)."""
        message = self._incoming(chat_id, user_id)
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            message["reply_to_message"] = {"message_id": reply_to, "date": int(time.time()),
                                           "chat": self._chat(chat_id), "text": "…"}
        return self._queue({"message": message})

    def send_file(self, chat_id: int, *, file_name: str = "отчёт.pdf", photo: bool = False,
                  caption: str | None = None, user_id: int | None = None,
                  reply_to: int | None = None, reply_markup: dict | None = None) -> str:
        """Queue a document (or a photo) from the user; returns its file id. With
        `reply_to`, it answers that bot message (carrying `reply_markup`, as Telegram
        does for a bot message with buttons)."""
        message = self._incoming(chat_id, user_id)
        if reply_to is not None:
            replied = {"message_id": reply_to, "date": int(time.time()),
                       "chat": self._chat(chat_id), "text": "…", "from": self._bot_user()}
            if reply_markup is not None:
                replied["reply_markup"] = reply_markup
            message["reply_to_message"] = replied
        file_id = f"FILE{next(self._file_ids)}"
        if photo:
            message["photo"] = [{"file_id": file_id, "file_unique_id": f"u{file_id}",
                                 "width": 800, "height": 600}]
        else:
            message["document"] = {"file_id": file_id, "file_unique_id": f"u{file_id}",
                                   "file_name": file_name, "mime_type": "application/pdf"}
        if caption:
            message["caption"] = caption
        self._queue({"message": message})
        return file_id

    def press(self, chat_id: int, data: str, *, message_id: int | None = None,
              user_id: int | None = None, text: str = "…") -> str:
        """Queue a press of an inline button with `data` on message `message_id`."""
        query_id = f"q{next(self._update_ids)}"
        message = {"message_id": message_id or next(self._message_ids), "date": int(time.time()),
                   "chat": self._chat(chat_id), "text": text,
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot",
                            "username": BOT_USERNAME}}
        self._queue({"callback_query": {"id": query_id, "from": self._user(user_id or chat_id),
                                        "chat_instance": f"ci{chat_id}", "data": data,
                                        "message": message}})
        return query_id

    def raw(self, update: dict) -> int:
        """Queue an update exactly as given (edited messages, channel posts, inline
        queries, messages without `from`, ...); returns its update id."""
        return self._queue(update)

    def message(self, chat_id: int, user_id: int | None = None, **fields) -> dict:
        """A message dict from `user_id` in `chat_id` with `fields` added (for `raw`)."""
        return {**self._incoming(chat_id, user_id), **fields}

    def _incoming(self, chat_id: int, user_id: int | None) -> dict:
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": self._chat(chat_id), "from": self._user(user_id or chat_id)}

    def fail_next(self, method: str, *, chat_id: int | None = None, status: int = 400,
                  description: str = "Bad Request", parameters: dict | None = None,
                  times: int = 1, delay: float = 0.0) -> None:
        """Answer the next `times` calls of `method` (to `chat_id`, if given) with an error;
        with `delay`, answer only after that many seconds (to provoke a client timeout)."""
        with self._cond:
            self._failures.append(_Failure(method, chat_id, status, description, parameters,
                                           times, delay))

    # -- what the test reads back --------------------------------------------------------

    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        """Successful calls, optionally of one method and to one chat."""
        with self._cond:
            calls = list(self.calls)
        return [c for c in calls if c.status == 200
                and (method is None or c.method == method)
                and (chat_id is None or _int(c.params.get("chat_id")) == chat_id)]

    def wait_for(self, method: str, *, chat_id: int | None = None, count: int = 1,
                 timeout: float = 10.0, where=None) -> list[Call]:
        """Block until `count` successful `method` calls (matching `where`) were recorded."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.status == 200 and c.method == method
                         and (chat_id is None or _int(c.params.get("chat_id")) == chat_id)
                         and (where is None or where(c))]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.params.get("chat_id")) for c in self.calls[-10:]]
                    raise AssertionError(f"timed out waiting for {count} {method} "
                                         f"to {chat_id}; last calls: {seen}")
                self._cond.wait(min(left, 0.1))

    def pending_updates(self) -> int:
        with self._cond:
            return len(self._updates)

    def wait_taken(self, update_id: int, timeout: float = 10.0) -> None:
        """Block until the bot asked for updates past `update_id`: python-telegram-bot
        polls with that offset only after putting every earlier update in its queue."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._offset <= update_id:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"the bot did not take update {update_id} in time "
                                         f"(offset {self._offset})")
                self._cond.wait(min(left, 0.1))

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until every queued update was fetched and the bot has polled again."""
        deadline = time.monotonic() + timeout
        with self._cond:
            target = None
            while time.monotonic() < deadline:
                if not self._updates:
                    polls = [c for c in self.calls if c.method == "getUpdates"]
                    if target is None:
                        target = len(polls) + 1
                    elif len(polls) >= target:
                        return
                self._cond.wait(0.05)
        raise AssertionError("the bot did not fetch its updates in time")

    # -- the server -------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.split("?", 1)[0]
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            with self._cond:
                self.unauthorized += 1
            self._reply(request, 401, {"ok": False, "error_code": 401,
                                       "description": "Unauthorized"})
            return
        method = path[len(prefix):]
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        params, files = _decode(request.headers.get("Content-Type", ""), body)
        call = Call(method, params, time.monotonic(), files=files)
        status, payload = self._answer(call)
        call.status = status
        with self._cond:
            if method != "getUpdates" or status != 200:
                self.calls.append(call)
            self._cond.notify_all()
        self._reply(request, status, payload)

    def _reply(self, request: BaseHTTPRequestHandler, status: int, payload: dict) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass

    def _answer(self, call: Call) -> tuple[int, dict]:
        failure = self._take_failure(call)
        if failure is not None:
            if failure.delay:
                time.sleep(failure.delay)
            body = {"ok": False, "error_code": failure.status,
                    "description": failure.description}
            if failure.parameters:
                body["parameters"] = failure.parameters
            return failure.status, body
        if call.method in SEND_METHODS and self.enforce_limits:
            wait = self._over_limit(_int(call.params.get("chat_id")), call.at)
            if wait:
                self.rejected_429 += 1
                return 429, {"ok": False, "error_code": 429,
                             "description": f"Too Many Requests: retry after {wait}",
                             "parameters": {"retry_after": wait}}
        handler = getattr(self, f"_api_{call.method}", None)
        result = handler(call) if handler else True
        return 200, {"ok": True, "result": result}

    def _take_failure(self, call: Call) -> _Failure | None:
        with self._cond:
            for failure in self._failures:
                if failure.method != call.method:
                    continue
                if failure.chat_id is not None and _int(call.params.get("chat_id")) != \
                        failure.chat_id:
                    continue
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _over_limit(self, chat_id: int | None, now: float) -> int:
        """Seconds to wait if this send breaks a limit, else 0 (and the send counts)."""
        with self._cond:
            while self._sends and now - self._sends[0] >= 1.0:
                self._sends.popleft()
            if len(self._sends) >= self.overall_per_second:
                return 1
            last = self._last_by_chat.get(chat_id)
            if last is not None and now - last < self.per_chat_interval:
                return 1
            self._sends.append(now)
            self._last_by_chat[chat_id] = now
            return 0

    # -- API methods ------------------------------------------------------------------

    def _bot_user(self) -> dict:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Контроль исполнения",
                "username": BOT_USERNAME, "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    def _api_getMe(self, call: Call) -> dict:
        return self._bot_user()

    def _api_getUpdates(self, call: Call) -> list[dict]:
        offset = _int(call.params.get("offset")) or 0
        timeout = float(call.params.get("timeout") or 0)
        deadline = time.monotonic() + min(timeout, self.max_hold)
        with self._cond:
            self._offset = max(self._offset, offset)
            self._cond.notify_all()
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
            while not self._updates and time.monotonic() < deadline and self._server:
                self._cond.wait(0.05)
            self.calls.append(Call("getUpdates", call.params, time.monotonic()))
            self._cond.notify_all()
            return list(self._updates)

    def _message(self, call: Call, **extra) -> dict:
        chat_id = _int(call.params.get("chat_id"))
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self._chat(chat_id), "from": self._bot_user(), **extra}
        if "reply_markup" in call.params:
            message["reply_markup"] = call.params["reply_markup"]
        return message

    def _api_sendMessage(self, call: Call) -> dict:
        return self._message(call, text=_strip_tags(str(call.params.get("text", ""))))

    def _api_sendDocument(self, call: Call) -> dict:
        name = next(iter(call.files.values()), ("file", b""))[0]
        return self._message(call, document={"file_id": f"SENT{next(self._file_ids)}",
                                             "file_unique_id": "u", "file_name": name})

    def _api_editMessageText(self, call: Call) -> dict:
        message = self._message(call, text=_strip_tags(str(call.params.get("text", ""))))
        message["message_id"] = _int(call.params.get("message_id"))
        return message

    def _api_getFile(self, call: Call) -> dict:
        file_id = call.params.get("file_id")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": 10,
                "file_path": f"documents/{file_id}"}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _strip_tags(text: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _decode(content_type: str, body: bytes) -> tuple[dict[str, Any], dict]:
    """Parameters of a Bot API request: JSON, form-urlencoded or multipart; values that
    are JSON (numbers, objects) decoded, others kept as strings."""
    if not body:
        return {}, {}
    if content_type.startswith("application/json"):
        return json.loads(body), {}
    if content_type.startswith("multipart/form-data"):
        parser = email.parser.BytesParser(policy=email.policy.HTTP)
        message = parser.parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n"
                                    + body)
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            filename = part.get_filename()
            data = part.get_payload(decode=True) or b""
            if filename:
                files[name] = (filename, data)
            else:
                params[name] = _value(data.decode("utf-8"))
        return params, files
    return {k: _value(v) for k, v in parse_qsl(body.decode("utf-8"), keep_blank_values=True)}, {}


def _value(raw: str) -> Any:
    if raw[:1] in "{[" or raw.lstrip("-").isdigit() or raw in ("true", "false"):
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    return raw
