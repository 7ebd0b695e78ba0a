"""Which arXiv format a source is, from its first few KB (never from its name)."""

from __future__ import annotations

import zlib

from papers.ingest.parsers.base import SourceError

GZIP_MAGIC = b"\x1f\x8b"


def _gunzip_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 65536)
    except zlib.error as exc:
        raise SourceError(f"corrupt gzip data: {exc}") from exc


def detect_format(head: bytes) -> str:
    """'kaggle' | 'oai' | 'atom' for the first bytes of a source (gzip is looked through)."""
    if head[:2] == GZIP_MAGIC:
        head = _gunzip_head(head)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise SourceError("empty source: nothing to detect a format from")
    if text[:1] == b"{":
        return "kaggle"
    if text[:1] == b"[":
        raise SourceError("a JSON array is not the Kaggle snapshot format (one JSON object per line)")
    if text[:1] == b"<":
        if b"http://www.w3.org/2005/Atom" in text or b"<feed" in text:
            return "atom"
        if (b"openarchives.org/OAI/2.0" in text or b"<OAI-PMH" in text or b"<record" in text or b"<error" in text
                or b"arxiv.org/OAI/arXiv" in text):
            return "oai"
        raise SourceError("XML that is neither OAI-PMH nor an Atom feed")
    raise SourceError(f"unrecognised source format (starts with {text[:40]!r})")
