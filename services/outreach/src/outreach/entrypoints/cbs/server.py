"""Serving the CBS API beside outreach's own HTTP API, in one process and event loop: uvicorn with
TLS that requires a client certificate from the configured CA (mutual TLS). The main server owns
the signals and the runtime's life; the CBS server starts once the main one has, and stops as soon
as the main one is asked to."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Generator

import uvicorn
from fastapi import FastAPI

from ...config import CbsFiles


class BesideServer(uvicorn.Server):
    """A uvicorn server that leaves SIGTERM and SIGINT to the main server of the process."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def main_server(app: FastAPI, host: str, port: int) -> uvicorn.Server:
    """Outreach's own API as vroeg_runtime.service.serve runs it (SIGTERM drains the runtime)."""
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False,
                                         timeout_graceful_shutdown=30))


def server_config(app: FastAPI, host: str, port: int, files: CbsFiles) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, ssl_certfile=str(files.server_cert),
                          ssl_keyfile=str(files.server_key), ssl_ca_certs=str(files.client_ca),
                          ssl_cert_reqs=ssl.CERT_REQUIRED, lifespan="off", log_config=None, access_log=False,
                          timeout_graceful_shutdown=30)


async def serve_beside(main: uvicorn.Server, cbs: uvicorn.Config) -> None:
    """Run `main` (outreach's API, whose lifespan starts the runtime) and the CBS API next to it."""
    beside = BesideServer(cbs)
    main_task = asyncio.create_task(main.serve())
    while not main.started and not main_task.done():
        await asyncio.sleep(0.05)
    beside_task = asyncio.create_task(beside.serve()) if not main_task.done() else None
    while not main.should_exit and not main_task.done():
        await asyncio.sleep(0.1)
    beside.should_exit = True
    await main_task
    if beside_task is not None:
        await beside_task
