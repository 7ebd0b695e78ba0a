"""fetch_arxiv_author against a local server replaying the real arXiv API Atom pages."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from papers.ingest.arxiv_api import author_query, fetch_author
from papers.ingest.parsers import ArxivAPIError
from tests.oai_replay_server import Reply, ReplayServer

RECORDED = "api-atom/arxivpy-recorded-2026"
# One query (search_query=testing, 214881 results) recorded at start=0,10,...,50 with 10 per page.
PAGES = {
    0: "arxivpy-q_testing_s0_m10_bc5a6c384fe9.body.xml",
    10: "arxivpy-q_testing_s10_m10_34e56e15aaac.body.xml",
    20: "arxivpy-q_testing_s20_m10_348a237fecab.body.xml",
    30: "arxivpy-q_testing_s30_m10_f2e39f0143dc.body.xml",
    40: "arxivpy-q_testing_s40_m10_96dd32eb854c.body.xml",
    50: "arxivpy-q_testing_s50_m10_7f488ab8598c.body.xml",
}


def _serve_pages(server: ReplayServer, samples: Path):
    for start, name in PAGES.items():
        server.add({"start": str(start)}, Reply.file(samples / RECORDED / name))


class Recorder(list):
    def __call__(self, seconds):
        self.append(seconds)


def test_author_query_is_a_quoted_phrase_in_the_author_field():
    assert author_query("Zechun Liu") == 'au:"Zechun Liu"'
    assert author_query('  Adrian  "Del Maestro" ') == 'au:"Adrian Del Maestro"'
    with pytest.raises(ValueError):
        author_query("  ")


def test_pages_are_fetched_with_start_and_max_results_and_the_politeness_delay(arxiv_samples):
    sleep = Recorder()
    with ReplayServer() as server:
        _serve_pages(server, arxiv_samples)
        pages = list(fetch_author(name="Zechun Liu", endpoint=server.url, max_results=35, page_size=10,
                                  delay=3.0, sleep=sleep))
    # The last request asks for 5; the recorded page has 10, of which only 5 are kept.
    assert [len(p) for p in pages] == [10, 10, 10, 5]
    assert [(q["start"], q["max_results"]) for q in server.requests] == [("0", "10"), ("10", "10"), ("20", "10"),
                                                                         ("30", "5")]
    assert {q["search_query"] for q in server.requests} == {'au:"Zechun Liu"'}
    assert sleep == [3.0, 3.0, 3.0]  # between requests, never before the first


def test_paging_stops_at_max_results(arxiv_samples):
    with ReplayServer() as server:
        _serve_pages(server, arxiv_samples)
        pages = list(fetch_author(name="Zechun Liu", endpoint=server.url, max_results=60, page_size=10, delay=0))
    assert len(pages) == 6 and sum(len(p) for p in pages) == 60
    assert [q["start"] for q in server.requests] == ["0", "10", "20", "30", "40", "50"]
    first = pages[0][0]
    assert first.arxiv_id and first.authors and first.primary_category and first.source_format == "atom"


def test_error_feed_with_http_400_raises_arxiv_api_error(arxiv_samples):
    with ReplayServer() as server:
        server.add({}, Reply.file(arxiv_samples / RECORDED / "arxivpy-id_abc_s0_m100_b79c8dcf6bc3.body.xml", status=400))
        with pytest.raises(ArxivAPIError, match="incorrect id format"):
            list(fetch_author(name="abc", endpoint=server.url, max_results=10, delay=0))


def test_empty_feed_yields_nothing(arxiv_samples):
    with ReplayServer() as server:
        server.add({}, Reply.file(arxiv_samples / RECORDED / "arxivpy-id_0000.0000_s0_m100_8b51d9633a68.body.xml"))
        assert list(fetch_author(name="Nobody Here", endpoint=server.url, max_results=10, delay=0)) == []
    assert len(server.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_command_loads_the_papers_and_prints_the_summary(arxiv_samples):
    from papers.models import ImportRun, Paper

    with ReplayServer() as server:
        _serve_pages(server, arxiv_samples)
        out = io.StringIO()
        call_command("fetch_arxiv_author", "Zechun Liu", "--endpoint", server.url, "--max", "20",
                     "--page-size", "10", stdout=out)
        run = ImportRun.objects.get()
        assert run.format == "atom" and run.checkpoint == "20" and run.state == "succeeded"
        assert Paper.objects.count() == run.created == 20
        assert out.getvalue().strip() == (
            f"imported: 20 papers (20 created, 0 updated, 0 unchanged), {run.authors_created} authors, 0 failed")
        # Fetching again changes nothing.
        out = io.StringIO()
        call_command("fetch_arxiv_author", "Zechun Liu", "--endpoint", server.url, "--max", "20",
                     "--page-size", "10", stdout=out)
        assert out.getvalue().strip() == "imported: 20 papers (0 created, 0 updated, 20 unchanged), 0 authors, 0 failed"


@pytest.mark.django_db(transaction=True)
def test_command_fails_clearly_on_an_api_error(arxiv_samples):
    with ReplayServer() as server:
        server.add({}, Reply.file(arxiv_samples / RECORDED / "arxivpy-id_abc_s0_m100_b79c8dcf6bc3.body.xml", status=400))
        with pytest.raises(CommandError, match="incorrect id format for abc"):
            call_command("fetch_arxiv_author", "abc", "--endpoint", server.url, stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_fetch_author_enqueue_runs_the_celery_task_after_commit(arxiv_samples):
    from papers.services import fetch_author_enqueue
    from papers.models import Paper

    with ReplayServer() as server:
        server.add({}, Reply.file(arxiv_samples / "api-atom/other/api-atom-2021-id_list-hep-ex_0307015-H1-Collaboration.xml"))
        run = fetch_author_enqueue(name="H1 Collaboration", endpoint=server.url, max_results=5)
    run.refresh_from_db()
    assert (run.state, run.created) == ("succeeded", 1)
    paper = Paper.objects.get(arxiv_id="hep-ex/0307015")
    assert paper.authorships.get().author.is_collaboration
