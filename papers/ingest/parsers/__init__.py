"""Streaming parsers for arXiv's public metadata formats → PaperRecord / RecordError.

``iter_records(stream, fmt)`` is the one entry point the loader needs; ``parse_oai_page`` and
``parse_atom_feed`` serve the network importers, which fetch one page at a time.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from isal import igzip
from isal.igzip_lib import IsalError

from papers.ingest.parsers.atom import iter_atom, parse_atom_feed
from papers.ingest.parsers.base import EMPTY_RESULT_CODES, ArxivAPIError, OAIError, SourceError
from papers.ingest.parsers.detect import GZIP_MAGIC, detect_format
from papers.ingest.parsers.kaggle import iter_kaggle, parse_kaggle_object
from papers.ingest.parsers.oai import iter_oai, parse_oai_page
from papers.ingest.records import PaperRecord, RecordError

__all__ = [
    "ArxivAPIError",
    "EMPTY_RESULT_CODES",
    "FORMATS",
    "OAIError",
    "SourceError",
    "detect_format",
    "iter_records",
    "parse_atom_feed",
    "parse_kaggle_object",
    "parse_oai_page",
]

FORMATS = ("kaggle", "oai", "atom")


def _maybe_gunzip(stream: BinaryIO) -> BinaryIO:
    from papers.ingest.limits import CountingReader, InflateGuard

    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)
    if buffered.peek(2)[:2] == GZIP_MAGIC:
        compressed = CountingReader(buffered)
        # ISA-L's GzipFile: gzip.GzipFile's interface and errors (BadGzipFile, EOFError on a
        # truncated stream), inflating in a third of zlib's time; corrupt deflate data raises IsalError.
        gz = igzip.GzipFile(fileobj=compressed, mode="rb")
        return io.BufferedReader(InflateGuard(gz, compressed), buffer_size=256 * 1024)
    return buffered


_ITERATORS = {"kaggle": iter_kaggle, "oai": iter_oai, "atom": iter_atom}


def iter_records(stream: BinaryIO, fmt: str) -> Iterator[PaperRecord | RecordError]:
    """Yield every record of ``stream`` (plain or gzipped) in format ``fmt``.

    A broken record yields RecordError and parsing continues. A fault in the file itself
    (malformed XML/JSON, truncated gzip) raises SourceError after all good records before it.
    """
    if fmt not in _ITERATORS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    try:
        yield from _ITERATORS[fmt](_maybe_gunzip(stream))
    except SourceError:
        raise
    except (EOFError, zlib.error, IsalError, gzip.BadGzipFile) as exc:
        raise SourceError(f"truncated or corrupt gzip data: {exc}") from exc
