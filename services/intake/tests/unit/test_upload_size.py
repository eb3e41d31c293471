"""A body over the limit is refused over a real socket (uvicorn, as intake runs) as soon as it is
known to be too large, in bounded memory: by its Content-Length before a byte of the body is sent,
and while it streams in (chunked). A body of up to twice the limit is read to its end and dropped
first, so a client that sends everything before it reads gets the 413; a larger one is not read on,
the 413 closes the connection."""

import asyncio
import contextlib

import httpx
import pytest
import uvicorn

from intake.bootstrap import build
from intake.config import IntakeSettings

LIMIT = 1024 * 1024
UPLOAD = 50 * 1024 * 1024
CHUNK = 64 * 1024
TOO_LARGE = f"body larger than {LIMIT} bytes".encode()


@pytest.fixture
async def port():
    with pytest.MonkeyPatch.context() as env:
        env.setenv("VROEG_KAFKA_SECURITY", "plaintext")  # nothing here reaches the broker or the database
        _, app = build(IntakeSettings(http_max_body_bytes=LIMIT, kafka_ingress=False))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_config=None,
                                           access_log=False))
    serving = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    yield server.servers[0].sockets[0].getsockname()[1]
    server.should_exit = True
    await serving


def request_head(port: int, framing: str) -> bytes:
    return (f"POST /v1/reports HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer dev-token-eigen-haard\r\n"
            f"Content-Type: text/csv\r\n{framing}\r\n\r\n").encode()


async def answer_of(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """The status and the answer (head and body), read as soon as they come."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=30)
    length = next(int(line.split(b":")[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:"))
    return int(head.split(b" ", 2)[1]), head.lower() + await reader.readexactly(length)


async def test_a_declared_length_over_twice_the_limit_is_refused_before_the_body_is_sent(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request_head(port, f"Content-Length: {UPLOAD}"))  # and not a byte of the body
    await writer.drain()
    status, answer = await answer_of(reader)
    writer.close()
    assert status == 413 and b"connection: close" in answer and TOO_LARGE in answer


async def test_a_streamed_body_is_refused_once_past_the_limit_and_not_read_on(port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request_head(port, "Transfer-Encoding: chunked"))
    sent = 0

    async def upload() -> None:
        nonlocal sent
        chunk = f"{CHUNK:x}\r\n".encode() + b"x" * CHUNK + b"\r\n"
        while sent < UPLOAD:
            writer.write(chunk)
            await writer.drain()  # waits while the server reads nothing
            sent += CHUNK

    uploading = asyncio.create_task(upload())
    status, answer = await answer_of(reader)
    uploading.cancel()
    with contextlib.suppress(asyncio.CancelledError, ConnectionError):
        await uploading  # the server closed the connection under the rest: the upload is reset
    writer.close()
    assert status == 413 and b"connection: close" in answer and TOO_LARGE in answer
    # Sent at all: twice the limit plus what the sockets' buffers took in, far from the 50 MB.
    assert sent < UPLOAD / 2, sent


@pytest.mark.parametrize("streamed", [False, True])
async def test_a_client_that_sends_all_before_reading_gets_the_413_for_a_body_of_up_to_twice_the_limit(port, streamed):
    body = b"x" * (LIMIT + LIMIT // 2)

    async def chunks():
        for start in range(0, len(body), CHUNK):
            yield body[start:start + CHUNK]

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:  # httpx reads after sending
        response = await client.post("/v1/reports", content=chunks() if streamed else body,
                                     headers={"Authorization": "Bearer dev-token-eigen-haard", "Content-Type": "text/csv"})
    assert response.status_code == 413 and TOO_LARGE in response.content
    assert "connection" not in response.headers  # read to its end: the connection can stay
