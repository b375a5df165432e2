"""Streamed responses (exports, downloads) that stay streamed under an ASGI server."""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest

# Bytes per message to the server, and per hop to the request's thread: big enough that a 40,000-row
# export is a few hundred hops, small enough that nothing the size of the export is ever held.
CHUNK_BYTES = 64 * 1024


def streamed(request, response):
    """`response` (a StreamingHttpResponse or FileResponse), streamed under ASGI too.

    Under ASGI, Django reads a sync iterator whole into a list before it sends a byte, so an export
    would sit in memory entire. This gives it an async iterator instead that pulls a chunk at a time
    from the same sync code (the ORM's iterator(), a file's read()), run in the request's own thread
    where its database connection lives. Under WSGI the response is left as it is (files keep the
    server's sendfile).
    """
    if isinstance(request, ASGIRequest) and not response.is_async:
        file = getattr(response, "file_to_stream", None)  # FileResponse: read it in chunks of our size
        parts = iter(lambda: file.read(CHUNK_BYTES), b"") if file is not None else iter(response.streaming_content)
        response.streaming_content = _chunks(parts)  # the file stays among the response's closers
    return response


def _next_chunk(parts):
    chunk, size = [], 0
    for part in parts:
        chunk.append(part)
        size += len(part)
        if size >= CHUNK_BYTES:
            break
    return b"".join(chunk)


async def _chunks(parts):
    next_chunk = sync_to_async(_next_chunk)  # thread-sensitive: the request's thread
    while chunk := await next_chunk(parts):
        yield chunk
