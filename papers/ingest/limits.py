"""Size limits of the import path: what a hostile or broken source may cost before it is refused.

A 2 MB gzip can inflate to 2 GiB and a line or a feed can be one endless token; without limits
`import_arxiv` reached 6.3 GB of RSS on one. Each limit is a setting (Django settings override
these defaults) and each refusal names the limit, so a genuine source can be let through.
"""

from __future__ import annotations

import io

from django.conf import settings

from papers.ingest.parsers.base import SourceError

MiB, GiB = 1024 ** 2, 1024 ** 3
DEFAULTS = {
    # arXiv metadata compresses 5–10×; a bomb compresses 1000×. Checked once this much came out.
    "IMPORT_MAX_INFLATE_RATIO": 100,
    "IMPORT_INFLATE_RATIO_AFTER_BYTES": 64 * MiB,
    # The whole Kaggle snapshot inflates to about 4.5 GB.
    "IMPORT_MAX_INFLATED_BYTES": 32 * GiB,
    "IMPORT_MAX_DOWNLOAD_BYTES": 8 * GiB,
    # The longest real snapshot line (a collaboration paper with its authors_parsed) is well under 1 MB.
    "IMPORT_MAX_KAGGLE_LINE_BYTES": 8 * MiB,
    # An Atom file is read entry by entry; the whole file is still capped (an API page is ~20 MB).
    "IMPORT_MAX_ATOM_BYTES": 1 * GiB,
    "IMPORT_MAX_ATOM_ENTRY_BYTES": 8 * MiB,
    # One OAI-PMH or arXiv API page (a 1000-record OAI page is ~3 MB, a 2000-entry API page ~20 MB).
    "IMPORT_MAX_PAGE_BYTES": 256 * MiB,
}


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def human(n: int) -> str:
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


class CountingReader(io.RawIOBase):
    """Counts the bytes read through it (telling `on_read`, for a progress bar), and refuses to read
    past `max_bytes` (when given)."""

    def __init__(self, raw, *, max_bytes: int | None = None, what: str = "source", setting: str = "",
                 on_read=None):
        self._raw = raw
        self.bytes_read = 0
        self._max = max_bytes
        self._what, self._setting = what, setting
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.bytes_read += n
        if self._max is not None and self.bytes_read > self._max:
            raise SourceError(f"{self._what} is larger than {human(self._max)} ({self._setting}); refused")
        if self._on_read and n:
            self._on_read(n)
        return n

    def close(self) -> None:
        try:
            if hasattr(self._raw, "close"):
                self._raw.close()
        finally:
            super().close()


class InflateGuard(io.RawIOBase):
    """Reads a GzipFile and stops a decompression bomb: too high a ratio, or too much in total."""

    def __init__(self, gz, compressed: CountingReader):
        self._gz = gz
        self._compressed = compressed
        self.inflated = 0
        self._ratio = limit("IMPORT_MAX_INFLATE_RATIO")
        self._ratio_after = limit("IMPORT_INFLATE_RATIO_AFTER_BYTES")
        self._total = limit("IMPORT_MAX_INFLATED_BYTES")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._gz.readinto(buffer)
        self.inflated += n
        packed = max(1, self._compressed.bytes_read)
        if self.inflated > self._ratio_after and self.inflated > self._ratio * packed:
            raise SourceError(
                f"gzip data inflates more than {self._ratio}× ({human(packed)} → {human(self.inflated)} so far): "
                "refused as a likely decompression bomb (IMPORT_MAX_INFLATE_RATIO)"
            )
        if self.inflated > self._total:
            raise SourceError(f"gzip data inflates past {human(self._total)} (IMPORT_MAX_INFLATED_BYTES); refused")
        return n

    def close(self) -> None:
        try:
            self._gz.close()
        finally:
            super().close()
