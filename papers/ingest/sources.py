"""Open an import SOURCE (a file, a .gz file or an http(s) URL) as a buffered binary stream.

Decompression is left to the parsers, which look at the gzip magic bytes rather than the file
name; this module only gets the bytes flowing and turns every way of failing to do so into
one clear ``SourceUnreadable`` message.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import requests

from papers.ingest.limits import CountingReader, human, limit

HEAD_BYTES = 64 * 1024
_TIMEOUT = (10, 120)  # connect, read (seconds)


class SourceUnreadable(Exception):
    """The source cannot be opened at all (missing file, permission, HTTP error)."""


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def source_size(source: str) -> int | None:
    """Bytes to read, when known up front (local files); None for URLs."""
    if is_url(source):
        return None
    try:
        return os.path.getsize(source)
    except OSError:
        return None


def open_source(source: str, *, on_read: Callable[[int], None] | None = None) -> BinaryIO:
    """A buffered binary stream over ``source`` whose ``peek`` shows at least the first bytes."""
    if is_url(source):
        try:
            response = requests.get(source, stream=True, timeout=_TIMEOUT, headers={"User-Agent": "bzpeer-import/1.0"})
        except requests.RequestException as exc:
            raise SourceUnreadable(f"{source}: cannot fetch: {exc}") from exc
        if response.status_code != 200:
            response.close()
            raise SourceUnreadable(f"{source}: HTTP {response.status_code} {response.reason}")
        cap = limit("IMPORT_MAX_DOWNLOAD_BYTES")
        announced = response.headers.get("Content-Length", "")
        if announced.isdigit() and int(announced) > cap:
            response.close()
            raise SourceUnreadable(f"{source}: {human(int(announced))} is over the download limit of {human(cap)} "
                                   "(IMPORT_MAX_DOWNLOAD_BYTES)")
        # Content-Encoding gzip is undone by urllib3; a .gz body stays gzip for the parser.
        response.raw.decode_content = True
        # The announced length can lie or be absent: the bytes are counted as they arrive too.
        raw = CountingReader(response.raw, max_bytes=cap, what=f"{source}: the download",
                             setting="IMPORT_MAX_DOWNLOAD_BYTES")
    else:
        path = Path(source).expanduser()
        if not path.exists():
            raise SourceUnreadable(f"{source}: no such file")
        if path.is_dir():
            raise SourceUnreadable(f"{source}: is a directory, not a file")
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed by the returned stream
        except OSError as exc:
            raise SourceUnreadable(f"{source}: cannot open: {exc.strerror or exc}") from exc
    return io.BufferedReader(CountingReader(raw, on_read=on_read), buffer_size=HEAD_BYTES)


def read_head(stream: BinaryIO) -> bytes:
    """The first bytes of the stream without consuming them (for format detection)."""
    return stream.peek(HEAD_BYTES)[:HEAD_BYTES]
