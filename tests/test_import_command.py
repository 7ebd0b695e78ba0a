"""`manage.py import_arxiv` on the real arXiv samples: mixed formats, summary line, bad sources."""

import gc
import gzip
import http.server
import io
import re
import threading
from functools import partial

import pytest
from django.core.management import CommandError, call_command

from papers.models import Authorship, ImportRun, Paper, Topic
from papers.services import import_arxiv_enqueue
from researchers.models import Author

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(
    r"^imported: (\d+) papers \((\d+) created, (\d+) updated, (\d+) unchanged\), (\d+) authors, (\d+) failed$"
)


def run_import(*args):
    out = io.StringIO()
    call_command("import_arxiv", *map(str, args), stdout=out)
    return out.getvalue()


def summary(output):
    lines = [line for line in output.splitlines() if line.startswith("imported:")]
    assert len(lines) == 1, output
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    return tuple(int(g) for g in match.groups())


@pytest.fixture
def mixed_sources(arxiv_samples):
    """One source per format (and both OAI metadata formats), with no paper in two of them."""
    return [
        arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl",
        arxiv_samples / "oai-pmh" / "oai-listrecords-arXiv-set_physics_hep-ex-from_2017-12-14.xml",
        arxiv_samples / "oai-pmh" / "from-vcr-cassettes"
        / "oai-listrecords-arXivRaw-set_physics-from_2018-03-01-0705.3340.decoded.xml",
        arxiv_samples / "api-atom" / "arxivpy-2016" / "api-atom-2016-au_del_maestro-AND-ti_quantum_criticality.xml",
    ]


def test_import_arxiv_takes_mixed_formats_in_one_call_and_ends_with_one_summary_line(mixed_sources):
    output = run_import(*mixed_sources)
    papers, created, updated, unchanged, authors, failed = summary(output)
    assert output.strip().splitlines()[-1].startswith("imported: ")
    assert (papers, created, updated, unchanged, failed) == (206, 206, 0, 0, 0)
    assert Paper.objects.count() == 206
    assert authors == Author.objects.count() > 206
    formats = list(ImportRun.objects.order_by("id").values_list("format", "state"))
    assert formats == [("kaggle", "succeeded"), ("oai", "succeeded"), ("oai", "succeeded"), ("atom", "succeeded")]
    # Every format landed with its authors, and the arXivRaw one with its version history.
    for arxiv_id in ("0704.0001", "1706.05371", "0705.3340", "1111.2011"):
        paper = Paper.objects.get(arxiv_id=arxiv_id)
        assert paper.authorships.exists() and paper.title and paper.search_vector
    assert len(Paper.objects.get(arxiv_id="0705.3340").versions) == 4
    assert not Topic.objects.filter(name__regex=r"^[a-z\-]+\.[A-Za-z\-]+$").exists()


def test_importing_the_samples_twice_reports_everything_unchanged(mixed_sources):
    run_import(*mixed_sources)
    before = (Paper.objects.count(), Author.objects.count(), Authorship.objects.count(), Topic.objects.count())
    output = run_import(*mixed_sources)
    assert summary(output) == (206, 0, 0, 206, 0, 0)
    assert before == (Paper.objects.count(), Author.objects.count(), Authorship.objects.count(), Topic.objects.count())


def test_the_format_can_be_forced_and_a_gzipped_source_is_read(arxiv_samples, tmp_path):
    source = arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl"
    packed = tmp_path / "snapshot.json.gz"
    packed.write_bytes(gzip.compress(source.read_bytes()))
    assert summary(run_import(packed, "--format", "kaggle", "--batch-size", "50"))[:2] == (200, 200)
    assert ImportRun.objects.get().format == "kaggle"


@pytest.mark.django_db(transaction=True)  # the command line's run closes the connections at its end
def test_from_the_command_line_the_import_freezes_what_it_leaves_for_the_exit_and_call_command_does_not(
    arxiv_samples, capsys
):
    from django.core.management import execute_from_command_line

    source = arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl"
    gc.unfreeze()
    run_import(source)
    assert gc.get_freeze_count() == 0  # a worker or a test calling it keeps collecting as before
    try:
        execute_from_command_line(["manage.py", "import_arxiv", str(source)])
        assert gc.get_freeze_count() > 0  # finalization's collections skip the caches; refcounts free them
    finally:
        gc.unfreeze()
    assert summary(capsys.readouterr().out)[:4] == (200, 0, 0, 200)


def test_a_missing_file_exits_non_zero_with_a_clear_message(arxiv_samples, tmp_path):
    good = arxiv_samples / "api-atom" / "arxivpy-2016" / "api-atom-2016-au_del_maestro-AND-ti_checkerboard.xml"
    with pytest.raises(CommandError, match="no such file"):
        run_import(tmp_path / "nope.jsonl", good)
    # The readable source in the same call was still imported.
    assert Paper.objects.count() == 1
    assert ImportRun.objects.get(source__endswith="nope.jsonl").state == "failed"


def test_a_corrupt_gzip_exits_non_zero(tmp_path):
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00" + b"not really gzip" * 10)
    with pytest.raises(CommandError, match="broken.jsonl.gz"):
        run_import(broken)


def test_a_file_level_fault_keeps_the_good_records_and_a_rerun_completes_the_import(arxiv_samples, tmp_path):
    page = arxiv_samples / "oai-pmh" / "oai-listrecords-arXiv-resumption-436115_405001-1000records-2013.xml"
    data = page.read_bytes()
    cut = data.index(b"<record>", len(data) // 2)
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(data[:cut] + b"<record><header><identifier>oai:arXiv.org:0")
    with pytest.raises(CommandError) as excinfo:
        run_import(truncated, "--batch-size", "100")
    assert "truncated.xml" in str(excinfo.value)
    kept = Paper.objects.count()
    assert 400 < kept < 1000
    run = ImportRun.objects.get()
    assert run.state == "failed" and run.message and run.created == kept
    output = run_import(page)
    papers, created, updated, unchanged, _authors, failed = summary(output)
    assert (papers, created, unchanged, failed) == (1000, 1000 - kept, kept, 0)
    assert Paper.objects.count() == 1000


def test_a_malformed_kaggle_line_is_logged_and_the_rest_lands(arxiv_samples, tmp_path):
    lines = (arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl").read_bytes().splitlines()
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_bytes(b"\n".join([*lines[:10], b'{"id": "0704.9999", "title": ', *lines[10:20]]) + b"\n")
    papers, created, _u, _n, _a, failed = summary(run_import(mixed))
    assert (papers, created, failed) == (20, 20, 1)
    run = ImportRun.objects.get()
    assert run.state == "partial" and len(run.errors) == 1 and run.errors[0]["reason"]


@pytest.fixture
def http_samples(arxiv_samples):
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(arxiv_samples))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_an_http_source_is_streamed_and_an_http_error_is_reported(http_samples):
    url = f"{http_samples}/oai-pmh/oai-listrecords-arXiv-set_physics_hep-th-from_2017-12-14.xml"
    assert summary(run_import(url))[:2] == (3, 3)
    with pytest.raises(CommandError, match="HTTP 404"):
        run_import(f"{http_samples}/missing.xml")


def test_the_import_task_runs_a_queued_run_to_completion(arxiv_samples, django_capture_on_commit_callbacks):
    source = arxiv_samples / "oai-pmh" / "oai-getrecord-arXiv-1401.2122.xml"
    with django_capture_on_commit_callbacks(execute=True):
        run = import_arxiv_enqueue(source=str(source))
    run.refresh_from_db()
    assert (run.state, run.format, run.created) == ("succeeded", "oai", 1)
    assert Paper.objects.filter(arxiv_id="1401.2122").exists()
