"""Hostile import sources are refused with clear errors, in bounded memory, after the good records land.

The gzip bomb is real: 2 GiB of zeros deflated to about 2 MB. Memory is the process's peak
RSS, measured around the import (under 1 GB; before the limits the same file took 6.3 GB).
"""

import gzip
import http.server
import io
import resource
import threading
import zlib

import pytest
from django.core.management import CommandError, call_command

from papers.models import ImportRun, Paper

pytestmark = pytest.mark.django_db

GiB, MiB = 1024 ** 3, 1024 ** 2


def _run_import(*args):
    out = io.StringIO()
    call_command("import_arxiv", *map(str, args), stdout=out)
    return out.getvalue()


def _kaggle_lines(arxiv_samples, n):
    return (arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl").read_bytes().splitlines()[:n]


def _deflated_zeros(total: int) -> bytes:
    """A raw deflate stream of `total` zero bytes, built from one repeated block (fast to make)."""
    block = 1 * MiB
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    # A full flush resets the window, so every block deflates to the same bytes.
    one = packer.compress(b"\0" * block) + packer.flush(zlib.Z_FULL_FLUSH)
    return one * (total // block)


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def test_a_gzip_bomb_is_refused_in_bounded_memory_after_the_good_records_land(arxiv_samples, tmp_path):
    good = _kaggle_lines(arxiv_samples, 20)
    bomb = tmp_path / "snapshot.jsonl.gz"
    with open(bomb, "wb") as out:
        out.write(gzip.compress(b"\n".join(good) + b"\n"))
        # A second gzip member: 2 GiB of zeros on one line (no trailer needed; it is never reached).
        out.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + _deflated_zeros(2 * GiB))
    assert bomb.stat().st_size < 4 * MiB
    with pytest.raises(CommandError, match="decompression bomb"):
        _run_import(bomb, "--batch-size", "10")
    assert _peak_rss_bytes() < 1 * GiB
    run = ImportRun.objects.get()
    assert run.state == "failed" and "IMPORT_MAX_INFLATE_RATIO" in run.message
    assert Paper.objects.count() == 20


def test_an_overlong_kaggle_line_is_one_failed_record_and_the_rest_land(arxiv_samples, tmp_path, settings):
    settings.IMPORT_MAX_KAGGLE_LINE_BYTES = 1 * MiB
    lines = _kaggle_lines(arxiv_samples, 20)
    source = tmp_path / "long-line.jsonl"
    source.write_bytes(b"\n".join([*lines[:10], b'{"id": "0704.9999", "title": "' + b"a" * (3 * MiB) + b'"}',
                                   *lines[10:]]) + b"\n")
    _run_import(source)
    run = ImportRun.objects.get()
    assert run.state == "partial" and run.failed == 1
    assert "line longer than 1.0 MiB" in run.errors[0]["reason"]
    assert Paper.objects.count() == 20


def test_an_atom_feed_over_its_size_cap_is_refused_after_the_entries_before_it(arxiv_samples, tmp_path, settings):
    feed = (arxiv_samples / "api-atom" / "arxivpy-2016" / "api-atom-2016-au_del_maestro.xml").read_bytes()
    head, _, rest = feed.partition(b"<entry>")
    entries = [b"<entry>" + e for e in rest.split(b"<entry>")]
    entries[-1] = entries[-1].replace(b"</feed>", b"")
    assert len(entries) > 5
    # The feed is followed by an endless comment: the parser must stop at the cap, not read on.
    big = tmp_path / "feed.xml"
    big.write_bytes(head + b"".join(entries) + b"<!--" + b"x" * (8 * MiB) + b"-->" + b"</feed>")
    settings.IMPORT_MAX_ATOM_BYTES = len(head) + sum(map(len, entries)) + 64 * 1024
    with pytest.raises(CommandError, match="IMPORT_MAX_ATOM_BYTES"):
        _run_import(big)
    run = ImportRun.objects.get()
    assert run.state == "failed" and "larger than" in run.message
    assert Paper.objects.count() == len(entries)


@pytest.fixture
def endless_server():
    """Serves /endless: 64 MB of Kaggle-looking lines, chunked, with no Content-Length."""

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            line = b'{"id": "0704.0001", "title": "t"}\n' * 1000
            self.send_response(200)
            if self.path == "/announced":
                self.send_header("Content-Length", str(50 * GiB))
                self.end_headers()
                self.wfile.write(line)
                self.close_connection = True
                return
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                for _ in range(2000):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_download_over_the_size_cap_is_refused_with_the_limit_named(endless_server, settings):
    settings.IMPORT_MAX_DOWNLOAD_BYTES = 1 * MiB
    with pytest.raises(CommandError, match="IMPORT_MAX_DOWNLOAD_BYTES"):
        _run_import(f"{endless_server}/endless")
    run = ImportRun.objects.get()
    assert run.state == "failed" and "larger than 1.0 MiB" in run.message


def test_a_download_announcing_more_than_the_cap_is_refused_before_reading(endless_server, settings):
    settings.IMPORT_MAX_DOWNLOAD_BYTES = 1 * GiB
    with pytest.raises(CommandError, match="over the download limit"):
        _run_import(f"{endless_server}/announced")
    assert ImportRun.objects.get().state == "failed"



def test_an_oai_page_over_the_page_cap_fails_the_harvest_with_the_limit_named(endless_server, settings):
    settings.IMPORT_MAX_PAGE_BYTES = 1 * MiB
    with pytest.raises(CommandError, match="IMPORT_MAX_PAGE_BYTES"):
        call_command("harvest_arxiv", "--endpoint", f"{endless_server}/endless", stdout=io.StringIO())
    run = ImportRun.objects.get()
    assert run.state == "failed" and "larger than 1.0 MiB" in run.message
