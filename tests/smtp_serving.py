"""An aiosmtpd server on a free loopback port for a test's own handler."""

from __future__ import annotations

import asyncio
import contextlib

from aiosmtpd.smtp import SMTP as SMTPServer


@contextlib.asynccontextmanager
async def serving(handler):
    """Serve SMTP with `handler` on 127.0.0.1 as "mx.example.ru"; yields the port."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTPServer(handler, hostname="mx.example.ru", loop=loop), "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()
