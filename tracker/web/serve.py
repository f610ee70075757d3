"""Running the web app under uvicorn: alone (`tracker web`) or beside the scheduler and
the bot in one process (`tracker run --web`, where the service owns the signals)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from tracker.core.i18n import _

logger = logging.getLogger("tracker.web")


def _server(settings, db, *, host: str | None = None, port: int | None = None,
            quiet_signals: bool = False, kick=None):
    import uvicorn

    from tracker.web.app import create_app

    config = uvicorn.Config(create_app(settings, db, kick=kick), host=host or settings.web.host,
                            port=port or settings.web.port, lifespan="off",
                            log_level="info", access_log=False, server_header=False,
                            proxy_headers=False)

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):
            if quiet_signals:  # the service's own handlers stop it and then us
                yield
            else:
                with super().capture_signals():
                    yield

    return Server(config)


async def serve(settings, db, *, host: str | None = None, port: int | None = None) -> None:
    """Serve until Ctrl-C or SIGTERM. :raises OSError: the address is taken."""
    server = _server(settings, db, host=host, port=port)
    await _run(server)


async def serve_until(settings, db, stop: asyncio.Event, *, kick=None) -> None:
    """Serve until `stop` is set (the service's stop flag); `kick` wakes its tick."""
    server = _server(settings, db, quiet_signals=True, kick=kick)
    task = asyncio.create_task(_run(server))
    waiter = asyncio.create_task(stop.wait())
    done, _pending = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    waiter.cancel()
    await task


async def _run(server) -> None:
    try:
        await server.serve()
    except SystemExit:  # uvicorn exits when it cannot bind
        raise OSError(_("cannot listen on {host}:{port}: the port is taken or not allowed")
                      .format(host=server.config.host, port=server.config.port)) from None
    if not server.started:
        raise OSError(_("cannot listen on {host}:{port}: the port is taken or not allowed")
                      .format(host=server.config.host, port=server.config.port))
