"""OAI-PMH harvest against a local server replaying real arXiv pages: resumption chain,
503 Retry-After, back-off, and a killed harvest resumed from its checkpoint."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from papers.ingest.harvest import HarvestError, harvest
from papers.ingest.http import backoff_delay
from papers.services import harvest_run, harvest_run_start
from papers.ingest.parsers import OAIError
from papers.ingest.records import PaperRecord
from tests.oai_replay_server import Reply, ReplayServer

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
PAGE_1 = "oai-pmh/oai-listrecords-arXiv-resumption-436115_4001-1000records-2013.xml"  # token 436115|5001
PAGE_2 = "oai-pmh/oai-listrecords-arXiv-resumption-436115_405001-1000records-2013.xml"  # token 436115|406001
LAST_PAGE = FIXTURES / "oai-arXiv-continuation-436115_406001.xml"  # self-written, ends the list
NOCK = "oai-pmh/from-nock-fixtures/paperhive-oaipmh-listrecords---should-list-identifiers-from-arxiv"


def _chain(server, samples, *, second_page_first=()):
    """arXiv's two real pages, then our closing page; the first request starts the list."""
    server.add({"verb": "ListRecords", "metadataPrefix": "arXiv"}, Reply.file(samples / PAGE_1))
    server.add({"resumptionToken": "436115|5001"}, *second_page_first, Reply.file(samples / PAGE_2))
    server.add({"resumptionToken": "436115|406001"}, Reply.file(LAST_PAGE))


class Recorder:
    def __init__(self):
        self.sleeps = []

    def __call__(self, seconds):
        self.sleeps.append(seconds)


def test_resumption_chain_is_followed_and_each_token_is_handed_over_before_the_next_fetch(arxiv_samples):
    pages = []
    with ReplayServer() as server:
        _chain(server, arxiv_samples)

        def on_page(records, token):
            pages.append((len(records), token, len(server.requests)))

        result = harvest(endpoint=server.url, set_spec="physics", from_date="2013-05-01", on_page=on_page,
                         sleep=Recorder())
    # Requests seen when each page was handed over: 1, 2, 3 — the next page is only fetched after.
    assert pages == [(1000, "436115|5001", 1), (1000, "436115|406001", 2), (3, None, 3)]
    assert server.requests[0] == {"verb": "ListRecords", "metadataPrefix": "arXiv", "set": "physics",
                                  "from": "2013-05-01"}
    assert server.requests[1] == {"verb": "ListRecords", "resumptionToken": "436115|5001"}
    assert (result.pages, result.records, result.last_token, result.complete_list_size) == (3, 2003, None, 846926)


def test_resuming_from_a_token_starts_at_that_page(arxiv_samples):
    seen = []
    with ReplayServer() as server:
        _chain(server, arxiv_samples)
        harvest(endpoint=server.url, resume_token="436115|406001", on_page=lambda r, t: seen.extend(r))
    assert server.requests == [{"verb": "ListRecords", "resumptionToken": "436115|406001"}]
    assert [(r.arxiv_id, r.deleted) for r in seen] == [("0704.4003", True), ("1305.9001", False),
                                                       ("1305.9002", False)]


def test_real_503_with_retry_after_is_honoured_then_the_page_loads(arxiv_samples):
    interactions = json.loads((arxiv_samples / f"{NOCK}.nock.json").read_text())
    headers = interactions[0]["rawHeaders"]
    retry_after = headers[headers.index("Retry-After") + 1]
    assert (interactions[0]["status"], retry_after) == (503, "10")
    busy = Reply.file(arxiv_samples / f"{NOCK}.0.status503.response.html", status=503, **{"Retry-After": retry_after})
    ok = Reply.file(arxiv_samples / f"{NOCK}.1.status200.response.xml")
    sleep = Recorder()
    records = []
    with ReplayServer() as server:
        server.add({"verb": "ListRecords", "from": "2015-01-01", "until": "2015-01-03"}, busy, ok)
        harvest(endpoint=server.url, from_date="2015-01-01", until_date="2015-01-03",
                on_page=lambda r, t: records.extend(r), sleep=sleep)
    assert sleep.sleeps == [10.0]
    assert len(server.requests) == 2
    assert [r.arxiv_id for r in records] == ["1412.8544", "hep-th/9504118"]
    assert all(isinstance(r, PaperRecord) for r in records)


def test_without_retry_after_back_off_is_exponential_and_retries_are_bounded(arxiv_samples):
    busy = Reply.file(arxiv_samples / f"{NOCK}.0.status503.response.html", status=503)
    sleep = Recorder()
    with ReplayServer() as server:
        server.add({"verb": "ListRecords"}, busy)
        with pytest.raises(HarvestError, match="still failing after 4 attempts"):
            harvest(endpoint=server.url, on_page=lambda r, t: None, max_retries=3, sleep=sleep, backoff_base=5)
    assert sleep.sleeps == [5, 10, 20]
    assert len(server.requests) == 4
    # A huge Retry-After or a long outage never parks the harvester for more than the cap.
    assert backoff_delay(20) == 600 and backoff_delay(0, "86400") == 600


def test_no_records_match_is_an_empty_harvest_and_other_errors_are_raised(arxiv_samples):
    # Same envelope as arXiv's real error pages (the idDoesNotExist samples), other code.
    template = (arxiv_samples / "oai-pmh/errors/oai-getrecord-arXiv-error-idDoesNotExist-1305.9999.xml").read_bytes()
    no_match = template.replace(b'code="idDoesNotExist"', b'code="noRecordsMatch"')
    bad_token = template.replace(b'code="idDoesNotExist"', b'code="badResumptionToken"')
    assert no_match != template and bad_token != template
    pages = []
    with ReplayServer() as server:
        server.add({"set": "empty"}, Reply(body=no_match))
        server.add({"resumptionToken": "stale"}, Reply(body=bad_token))
        result = harvest(endpoint=server.url, set_spec="empty", on_page=lambda r, t: pages.append((r, t)))
        with pytest.raises(OAIError) as exc:
            harvest(endpoint=server.url, resume_token="stale", on_page=lambda r, t: None)
    assert pages == [([], None)] and result.records == 0
    assert exc.value.code == "badResumptionToken"


# ------------------------------------------------------------------ with the loader and the database

def _counts(run):
    from papers.models import Authorship, Paper
    from researchers.models import Author

    run.refresh_from_db()
    return {
        "run": (run.seen, run.created, run.updated, run.unchanged, run.failed, run.authors_created),
        "papers": Paper.objects.count(),
        "deleted": Paper.objects.filter(deleted=True).count(),
        "authors": Author.objects.count(),
        "authorships": Authorship.objects.count(),
    }


@pytest.fixture
def identity_blocks_left_pending():
    """The identity tasks an import sends stay pending (as in load_demo): in eager mode they would
    run S2AND over every block inline, 61 of this test's 73 s, and what this file
    checks is the harvest. Their runs are covered in tests/test_disambiguation.py."""
    from researchers.disambiguation.services import identity_dispatch_held

    with identity_dispatch_held():
        yield


@pytest.mark.django_db(transaction=True)
def test_killed_harvest_resumes_from_its_checkpoint_with_the_same_final_counts(arxiv_samples, identity_blocks_left_pending):
    from papers.models import ImportState

    crash = Reply(status=500, body=b"<html>Internal Server Error</html>", headers={"Content-Type": "text/html"})
    with ReplayServer() as server:
        _chain(server, arxiv_samples, second_page_first=[crash])
        run = harvest_run_start(endpoint=server.url, metadata_prefix="arXiv")
        # The harvester dies while fetching page 2 (no retries allowed): page 1 is committed.
        with pytest.raises(HarvestError):
            harvest_run(run=run, max_retries=0)
        run.refresh_from_db()
        assert (run.state, run.checkpoint, run.seen) == (ImportState.FAILED, "436115|5001", 1000)
        assert f"--resume {run.pk}" in run.message

        out = io.StringIO()
        call_command("harvest_arxiv", "--resume", str(run.pk), stdout=out, stderr=io.StringIO())
        resumed = _counts(run)
        run.refresh_from_db()
        assert run.state in (ImportState.SUCCEEDED, ImportState.PARTIAL) and run.checkpoint == ""
        assert run.total_expected == 846926
        assert server.requests[-2:] == [{"verb": "ListRecords", "resumptionToken": "436115|5001"},
                                        {"verb": "ListRecords", "resumptionToken": "436115|406001"}]
        line = out.getvalue().strip().splitlines()[-1]

    call_command("flush", interactive=False, verbosity=0)
    with ReplayServer() as server:
        _chain(server, arxiv_samples)
        out = io.StringIO()
        call_command("harvest_arxiv", "--endpoint", server.url, stdout=out, stderr=io.StringIO())
        from papers.models import ImportRun

        straight = _counts(ImportRun.objects.get())
        straight_line = out.getvalue().strip().splitlines()[-1]

    assert resumed == straight
    assert resumed["run"][0] == 2003 and resumed["deleted"] == 1
    assert line == straight_line
    assert line.startswith("imported: ") and line.endswith(" failed")


@pytest.mark.django_db(transaction=True)
def test_resuming_a_finished_harvest_is_refused(arxiv_samples):
    from django.core.management.base import CommandError

    with ReplayServer() as server:
        server.add({"verb": "ListRecords"}, Reply.file(LAST_PAGE))
        run = harvest_run_start(endpoint=server.url)
        harvest_run(run=run)
        with pytest.raises(CommandError, match="already finished"):
            call_command("harvest_arxiv", "--resume", str(run.pk), stdout=io.StringIO(), stderr=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_harvest_enqueue_runs_the_celery_task_after_commit(arxiv_samples):
    from papers.services import harvest_enqueue
    from papers.models import Paper

    with ReplayServer() as server:
        server.add({"verb": "ListRecords", "metadataPrefix": "arXivRaw"},
                   Reply.file(arxiv_samples / "oai-pmh/from-vcr-cassettes/"
                              "oai-listrecords-arXivRaw-set_physics-from_2018-03-01-0705.3340.decoded.xml"))
        run = harvest_enqueue(endpoint=server.url, metadata_prefix="arXivRaw", set_spec="physics",
                              from_date="2018-03-01")
    run.refresh_from_db()
    assert (run.state, run.format, run.created) == ("succeeded", "oai-arXivRaw", 1)
    paper = Paper.objects.get(arxiv_id="0705.3340")
    assert paper.version == 4 and len(paper.versions) == 4
