"""Reading a request's body within a size limit, in bounded memory, whatever the sender declares."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import HTTPException, Request


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to exceed `limit` bytes: by its
    Content-Length before a byte of it is read, or while it streams in (chunked). No more than
    `limit` bytes of it are ever held.

    Before answering, what is left of the body is read and dropped, up to another `limit` bytes: a
    client that sends its whole body before it reads the answer then gets the 413 (under a body left
    unread, closing the connection resets it, and such a client sees that instead). A body larger
    still is not read on: the 413 closes the connection."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit, read_to_the_end=int(declared) <= 2 * limit
                         and await _ended_within(request.stream(), 2 * limit))
    chunks, size = [], 0
    stream = request.stream()
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            chunks.clear()
            raise _too_large(limit, read_to_the_end=await _ended_within(stream, limit))
        chunks.append(chunk)
    return b"".join(chunks)


async def _ended_within(rest: AsyncIterator[bytes], budget: int) -> bool:
    """Read and drop the rest of a body, up to `budget` bytes; whether it ended within them."""
    async for chunk in rest:
        budget -= len(chunk)
        if budget < 0:
            return False
    return True


def _too_large(limit: int, *, read_to_the_end: bool) -> HTTPException:
    return HTTPException(413, f"body larger than {limit} bytes: split the delivery, or import it as a CSV file",
                         headers=None if read_to_the_end else {"Connection": "close"})
