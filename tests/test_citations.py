"""Citations from OpenAlex and Semantic Scholar: parsing the real recorded responses, the bulk
import, the API clients against a local replay server, and the figures on paper and profile."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from papers.impact.clients import (
    CitationSourceError,
    CitationSourceRefused,
    OpenAlexClient,
    PaperKey,
    SemanticScholarClient,
    parse_s2_paper,
)
from papers.impact.selectors import paper_impact
from papers.impact.store import drain_impact_refresh, load_works, store_work_batch
from papers.impact.works import WorkError, WorkRecord, iter_works
from papers.models import (
    AuthorImpact,
    CitationWork,
    ImportRun,
    PaperCitations,
    PaperReference,
    PendingCitationRecount,
)
from tests.factories import AuthorFactory, AuthorshipFactory, PaperFactory
from tests.oai_replay_server import Reply, ReplayServer

pytestmark = pytest.mark.django_db

ARXIV_WORK = "works/academicexplorer_work_W3188841554_arxiv_2108.04680.json"


@pytest.fixture(scope="session")
def openalex_samples() -> Path:
    path = Path(settings.OPENALEX_SAMPLES_DIR)
    if not path.is_dir():
        pytest.skip(f"real OpenAlex samples not found at {path} (shared/ is not beside the project)")
    return path


def works_in(path: Path) -> list:
    with path.open("rb") as fh:
        return list(iter_works(io.BufferedReader(fh)))


def json_reply(path: Path, status: int = 200, **headers) -> Reply:
    ctype = "text/html; charset=utf-8" if path.suffix == ".html" else "application/json"
    return Reply(status=status, body=path.read_bytes(), headers={"Content-Type": ctype, **headers})


# -- parsing the real samples -----------------------------------------------------------------

def test_every_real_works_sample_parses_or_says_why_not(openalex_samples):
    parsed = {}
    for path in sorted((openalex_samples / "works").glob("*.json")):
        try:
            parsed[path.name] = works_in(path)
        except Exception as exc:  # noqa: BLE001 - collected to name the file below
            parsed[path.name] = exc
    # The group_by document holds counts, and a select=open_access,doi projection has no work id:
    # neither is works JSON, and each is refused with that message rather than half-read.
    assert "not OpenAlex works" in str(parsed.pop("openalexPro_works_group_by_type.json"))
    assert "not OpenAlex works" in str(
        parsed.pop("paperqa_work_by_doi_select_open_access_doi_10.1093_nar_gkw1164.json"))
    for name, items in parsed.items():
        assert not isinstance(items, Exception), (name, items)
        assert all(isinstance(w, WorkRecord) for w in items), name
    assert len(parsed["openalexPro_works_list_filter_title_abstract_search_cursor_page1_per200.json"]) == 200
    assert parsed["rkrug_works_last_cursor_page_empty_next_cursor_null.json"] == []
    assert parsed["academicexplorer_works_filter_cites_W3209445140_empty_count0.json"] == []


def test_the_arxiv_work_carries_its_arxiv_id_counts_and_49_references(openalex_samples):
    (work,) = works_in(openalex_samples / ARXIV_WORK)
    assert (work.work_id, work.doi, work.arxiv_id) == ("W3188841554", "10.48550/arxiv.2108.04680", "2108.04680")
    assert work.is_preprint and work.cited_by_count == 2 and work.counts_by_year == {"2023": 2}
    assert len(work.referenced_works) == 49 and all(r.startswith("W") for r in work.referenced_works)


def test_a_preprint_and_its_published_version_are_told_apart(openalex_samples):
    works = works_in(openalex_samples / "works/paperqa_works_filter_title_search_ChemCrow_arxiv_2304.05376_and_published.json")
    by_id = {w.work_id: w for w in works}
    assert by_id["W4365597205"].arxiv_id == "2304.05376" and by_id["W4365597205"].is_preprint
    assert by_id["W4396723768"].doi == "10.1038/s42256-024-00832-8" and not by_id["W4396723768"].is_preprint
    assert len(by_id["W4396723768"].referenced_works) == 57


def test_snapshot_json_lines_gzipped_stream_work_by_work(openalex_samples, tmp_path):
    import gzip

    page = json.loads((openalex_samples / "works/rkrug_works_filter_cited_by_referenced_works_38.json").read_bytes())
    snapshot = tmp_path / "part_000.gz"
    with gzip.open(snapshot, "wt") as fh:
        for work in page["results"]:
            fh.write(json.dumps(work) + "\n")
        fh.write("{not json\n")
    items = works_in(snapshot)
    assert sum(isinstance(w, WorkRecord) for w in items) == 38
    assert [str(e) for e in items if isinstance(e, WorkError)] == [items[-1].__str__()]
    assert "line 39" in str(items[-1])


def test_semantic_scholar_papers_parse_with_their_arxiv_id(openalex_samples):
    doc = json.loads((openalex_samples / "semantic-scholar/paperqa_s2_paper_DOI_10.48550_arxiv.2312.07559.json").read_bytes())
    rec = parse_s2_paper(doc)
    assert (rec.arxiv_id, rec.cited_by_count, rec.influential_count, rec.source) == ("2312.07559", 111, 2, "s2")
    batch = json.loads((openalex_samples / "semantic-scholar/s2lib_paper_batch_all_fields_with_null_entry.json").read_bytes())
    with pytest.raises(WorkError):
        parse_s2_paper(batch[0])  # the unknown id's null entry
    assert all(parse_s2_paper(p).work_id.startswith("S2:") for p in batch[1:])


# -- acceptance: Kaggle record + its work file gives "Cited by 2" ---------------------------------

def kaggle_line_from_work(work: dict) -> str:
    """A Kaggle arXiv snapshot line for the paper, built from the real OpenAlex work's metadata."""
    authors = [a.get("raw_author_name") or a["author"]["display_name"] for a in work["authorships"]]
    return json.dumps({
        "id": "2108.04680", "submitter": authors[0], "authors": ", ".join(authors), "title": work["title"],
        "comments": None, "journal-ref": None, "doi": None, "report-no": None, "categories": "cs.HC",
        "license": "http://arxiv.org/licenses/nonexclusive-distrib/1.0/",
        "abstract": "Visualisations are often displayed alone.",
        "versions": [{"version": "v1", "created": "Tue, 10 Aug 2021 14:03:57 GMT"}],
        "update_date": "2021-08-11",
        "authors_parsed": [[n.split()[-1], " ".join(n.split()[:-1]), ""] for n in authors],
    })


def test_kaggle_record_plus_its_openalex_work_gives_the_paper_page_cited_by_two(client, openalex_samples, tmp_path):
    work_path = openalex_samples / ARXIV_WORK
    kaggle = tmp_path / "kaggle.jsonl"
    kaggle.write_text(kaggle_line_from_work(json.loads(work_path.read_bytes())) + "\n")
    call_command("import_arxiv", str(kaggle), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_openalex", str(work_path), stdout=out)
    assert "1 works, 1 new" in out.getvalue()

    html = client.get("/papers/2108.04680/").content.decode()
    assert 'data-citations="2"' in html and "Cited by 2" in html
    assert html.count('href="https://openalex.org/W') >= 49  # the references we do not hold, by OpenAlex id
    cited = PaperCitations.objects.get(paper__arxiv_id="2108.04680")
    assert (cited.openalex_ids, cited.dois, cited.counts_by_year) == (
        ["W3188841554"], ["10.48550/arxiv.2108.04680"], {"2023": 2})
    # Every author of the paper now has 2 citations and h-index 1, computed over their works.
    assert set(AuthorImpact.objects.values_list("citations", "h_index")) == {(2, 1)}
    assert AuthorImpact.objects.count() == 5

    # A rerun replaces rather than adds.
    call_command("import_openalex", str(work_path), stdout=io.StringIO())
    assert PaperCitations.objects.get(paper__arxiv_id="2108.04680").cited_by_count == 2


def test_a_file_that_is_not_works_fails_its_run_with_the_reason(openalex_samples):
    with pytest.raises(CommandError):
        call_command("import_openalex", str(openalex_samples / "errors/paperqa_404_work_by_doi_not_found.html"),
                     stdout=io.StringIO(), stderr=io.StringIO())
    run = ImportRun.objects.get(format="openalex")
    assert run.state == "failed" and "not JSON" in run.message


# -- figures: sums, double counting, h-index ---------------------------------------------------

def work(wid, arxiv_id="", doi="", cited=0, refs=(), by_year=None, preprint=False):
    return WorkRecord(work_id=wid, arxiv_id=arxiv_id, doi=doi, cited_by_count=cited, referenced_works=list(refs),
                      counts_by_year=by_year or {}, is_preprint=preprint)


def test_preprint_and_published_version_are_summed_with_both_ids_and_a_double_citation_counted_once():
    paper = PaperFactory(arxiv_id="2304.05376", doi="10.1038/S42256-024-00832-8")
    citing = PaperFactory(arxiv_id="2401.99999")
    store_work_batch([
        work("W1", arxiv_id="2304.05376", doi="10.48550/arxiv.2304.05376", cited=106, preprint=True,
             by_year={"2023": 40, "2024": 66}),
        work("W2", doi="10.1038/s42256-024-00832-8", cited=236, by_year={"2024": 200, "2025": 36}),
        # One of our papers cites both versions: OpenAlex counted it in both works.
        work("W9", arxiv_id="2401.99999", cited=0, refs=["W1", "W2", "W777"]),
    ])
    cited = PaperCitations.objects.get(paper=paper)
    assert cited.cited_by_count == 106 + 236 - 1
    assert sorted(cited.openalex_ids) == ["W1", "W2"] and len(cited.dois) == 2
    assert cited.counts_by_year == {"2023": 40, "2024": 266, "2025": 36}
    assert set(PaperReference.objects.filter(citing_paper=citing).values_list("cited_paper_id", flat=True)) == {
        paper.pk, None}


def test_a_double_citation_arriving_in_a_later_batch_is_still_counted_once():
    paper = PaperFactory(arxiv_id="2405.00001", doi="10.1/pub")
    PaperFactory(arxiv_id="2405.00002", doi="10.1/citing")
    store_work_batch([work("W61", arxiv_id="2405.00001", cited=5, preprint=True), work("W62", doi="10.1/pub", cited=7)])
    assert PaperCitations.objects.get(paper=paper).cited_by_count == 12
    # Later, both versions of one of our papers arrive, each listing the preprint: OpenAlex counted both.
    store_work_batch([work("W63", arxiv_id="2405.00002", refs=["W61"], preprint=True)])
    store_work_batch([work("W64", doi="10.1/citing", refs=["W61"])])
    assert PaperCitations.objects.get(paper=paper).cited_by_count == 11


def test_a_file_import_recounts_the_papers_it_touched_once_at_the_end():
    paper = PaperFactory(arxiv_id="2405.00011", doi="10.1/pub2")
    citing = PaperFactory(arxiv_id="2405.00012", doi="10.1/citing2")
    author = AuthorFactory()
    AuthorshipFactory(paper=paper, author=author, position=0)
    works = [work("W71", arxiv_id="2405.00011", cited=5, preprint=True), work("W72", doi="10.1/pub2", cited=7),
             # Both versions of our citing paper list the preprint, one batch apart: OpenAlex counted both.
             work("W73", arxiv_id="2405.00012", refs=["W71"], preprint=True), work("W74", doi="10.1/citing2", refs=["W71"])]
    stats = load_works(iter(works), batch_size=1)
    assert (stats.seen, stats.created) == (4, 4)
    assert not PendingCitationRecount.objects.exists()
    assert PaperCitations.objects.get(paper=paper).cited_by_count == 11
    assert PaperCitations.objects.get(paper=citing).cited_by_count == 0
    assert AuthorImpact.objects.get(author=author).citations == 11


def test_importing_the_same_works_again_changes_no_figure_and_no_reference():
    PaperFactory(arxiv_id="2405.00021", doi="10.1/pub3")
    PaperFactory(arxiv_id="2405.00022")

    def works():
        return iter([work("W81", arxiv_id="2405.00021", cited=3, preprint=True), work("W82", doi="10.1/pub3", cited=4),
                     work("W83", arxiv_id="2405.00022", refs=["W81", "W82", "W999"], cited=1)])

    load_works(works(), batch_size=2)
    before = (sorted(PaperCitations.objects.values_list("paper_id", "cited_by_count")),
              sorted(PaperReference.objects.values_list("citing_work", "cited_work", "citing_paper_id", "cited_paper_id")))
    again = load_works(works(), batch_size=2)
    after = (sorted(PaperCitations.objects.values_list("paper_id", "cited_by_count")),
             sorted(PaperReference.objects.values_list("citing_work", "cited_work", "citing_paper_id", "cited_paper_id")))
    assert (again.created, again.updated) == (0, 3)
    assert after == before and len(before[1]) == 3


def test_a_reimported_reference_list_drops_what_it_no_longer_lists_and_resolves_what_it_now_can():
    citing = PaperFactory(arxiv_id="2405.00031")
    cited = PaperFactory(arxiv_id="2405.00032")
    load_works(iter([work("W91", arxiv_id="2405.00031", refs=["W92", "W93"])]))
    load_works(iter([work("W92", arxiv_id="2405.00032", cited=2), work("W91", arxiv_id="2405.00031", refs=["W92"])]))
    refs = list(PaperReference.objects.filter(citing_paper=citing).values_list("cited_work", "cited_paper_id"))
    assert refs == [("W92", cited.pk)]


def test_a_reference_to_a_work_imported_later_resolves_to_our_paper():
    citing = PaperFactory(arxiv_id="2401.00010")
    cited = PaperFactory(arxiv_id="2401.00011")
    store_work_batch([work("W10", arxiv_id="2401.00010", refs=["W11"])])
    assert PaperReference.objects.get(citing_work="W10").cited_paper_id is None
    store_work_batch([work("W11", arxiv_id="2401.00011", doi="10.48550/arxiv.2401.00011", cited=4)])
    ref = PaperReference.objects.get(citing_work="W10")
    assert (ref.cited_paper_id, ref.cited_doi) == (cited.pk, "10.48550/arxiv.2401.00011")
    assert [p.pk for p in paper_impact(paper=cited).citing] == [citing.pk]


def test_h_index_i10_and_citations_match_a_hand_computation(client):
    author = AuthorFactory(display_name="Grace Hopper", slug="grace-hopper")
    counts = [25, 12, 7, 4, 3, 3, 0]  # ranked: 25≥1, 12≥2, 7≥3, 4≥4, 3<5 → h = 4; ≥10: 2; sum 54
    works = []
    for i, n in enumerate(counts):
        p = PaperFactory(arxiv_id=f"2402.{i:05d}")
        AuthorshipFactory(paper=p, author=author, position=0)
        works.append(work(f"W20{i}", arxiv_id=p.arxiv_id, cited=n, by_year={"2024": n}))
    PaperFactory.create()  # a paper with no figures does not count
    pending = PaperFactory(arxiv_id="2402.09999")
    AuthorshipFactory(paper=pending, author=author, position=0, attribution="pending")
    works.append(work("W2999", arxiv_id="2402.09999", cited=1000))  # awaiting review: not on the record
    store_work_batch(works)
    drain_impact_refresh()
    impact = AuthorImpact.objects.get(author=author)
    assert (impact.citations, impact.h_index, impact.i10_index, impact.cited_works) == (54, 4, 2, 7)
    assert impact.citations_by_year == {"2024": 54}

    html = client.get("/researchers/grace-hopper/").content.decode()
    assert '<span class="num" data-count="citations">54</span>' in html
    assert '<span class="num" data-count="h-index">4</span>' in html
    assert "How we count" in html and 'class="year-chart citation-chart"' in html
    cited_sorted = client.get("/researchers/grace-hopper/?sort=cited").content.decode()
    shown = [int(x) for x in re.findall(r'data-citations="(\d+)"', cited_sorted)]
    assert shown == sorted(counts, reverse=True)


def test_figures_follow_works_moved_by_the_author_refresh():
    """What disambiguation calls after moving works (refresh_author_aggregates) recounts impact too."""
    from papers.ingest.load import refresh_author_aggregates
    from papers.models import Authorship

    a, b = AuthorFactory(), AuthorFactory()
    p1, p2 = PaperFactory(arxiv_id="2403.00001"), PaperFactory(arxiv_id="2403.00002")
    AuthorshipFactory(paper=p1, author=a, position=0)
    slot = AuthorshipFactory(paper=p2, author=a, position=0)
    store_work_batch([work("W31", arxiv_id=p1.arxiv_id, cited=5), work("W32", arxiv_id=p2.arxiv_id, cited=9)])
    drain_impact_refresh()
    assert AuthorImpact.objects.get(author=a).citations == 14
    Authorship.objects.filter(pk=slot.pk).update(author=b)
    refresh_author_aggregates([a.pk, b.pk])
    assert (AuthorImpact.objects.get(author=a).citations, AuthorImpact.objects.get(author=b).citations) == (5, 9)
    assert AuthorImpact.objects.get(author=b).h_index == 1


# -- the API clients against a local replay server ---------------------------------------------

def test_openalex_asks_50_dois_a_call_follows_the_cursor_and_joins_the_polite_pool(openalex_samples):
    page = json_reply(openalex_samples / "works/rkrug_works_filter_openalex_ids_2works_cursor.json")
    last = json_reply(openalex_samples / "works/rkrug_works_last_cursor_page_empty_next_cursor_null.json")
    with ReplayServer() as server:
        server.add(lambda q: q.get("cursor") == "*", page)
        server.add(lambda q: q.get("cursor", "*") != "*", last)
        oa = OpenAlexClient(endpoint=server.url.rsplit("/", 1)[0], mailto="team@example.org", api_key="k",
                            sleep=lambda s: None)
        keys = [PaperKey(paper_id=i, arxiv_id=f"2007.{i:05d}", doi=f"10.1/x{i}") for i in range(30)]
        works = list(oa.works_for(keys))
    # 60 DOIs: two chunks (50 + 10), each a first page and the empty last page.
    assert len(server.requests) == 4
    sizes = [len(q["filter"].removeprefix("doi:").split("|")) for q in server.requests]
    assert sizes == [50, 50, 10, 10]
    assert all(q["mailto"] == "team@example.org" and q["api_key"] == "k" for q in server.requests)
    assert [q["cursor"] for q in server.requests][:2] == ["*", json.loads(page.body)["meta"]["next_cursor"]]
    assert {w.work_id for w in works} == {"W3045921891", "W3046863325"}
    assert all(p.endswith("/works") for p in server.paths)


def test_openalex_waits_out_429_with_retry_after_and_then_5xx_with_backoff(openalex_samples):
    ok = json_reply(openalex_samples / ARXIV_WORK)
    slept = []
    with ReplayServer() as server:
        server.add({}, Reply(status=429, body=b'{"error":"rate limited"}', headers={"Retry-After": "7"}),
                   Reply(status=503, body=b"busy"), ok)
        oa = OpenAlexClient(endpoint=server.url.rsplit("/", 1)[0], mailto="", api_key="", sleep=slept.append)
        rec = oa.work("W3188841554")
    assert rec.arxiv_id == "2108.04680"
    assert slept == [7.0, 4.0]  # the server's Retry-After, then 2 s × 2^1
    with ReplayServer() as server:
        server.add({}, Reply(status=502, body=b"down"))
        oa = OpenAlexClient(endpoint=server.url.rsplit("/", 1)[0], sleep=lambda s: None, max_retries=2)
        with pytest.raises(CitationSourceError, match="3 attempts"):
            oa.work("W1")


def test_openalex_html_404_is_not_found_and_401_says_the_key_is_wrong(openalex_samples):
    with ReplayServer() as server:
        server.add({}, json_reply(openalex_samples / "errors/paperqa_404_work_by_doi_not_found.html", status=404))
        oa = OpenAlexClient(endpoint=server.url.rsplit("/", 1)[0], sleep=lambda s: None)
        assert oa.work("10.1046/j.1365-2699.2003.00795") is None
        assert server.paths == ["/works/https://doi.org/10.1046/j.1365-2699.2003.00795"]
    with ReplayServer() as server:
        server.add({}, json_reply(openalex_samples / "errors/rkrug_401_works_list_invalid_api_key.json", status=401))
        oa = OpenAlexClient(endpoint=server.url.rsplit("/", 1)[0], api_key="bad", sleep=lambda s: None)
        with pytest.raises(CitationSourceRefused, match="API key not found"):
            list(oa.works_by_dois(["10.1/x"]))


def test_enrich_openalex_stores_figures_for_papers_with_none_first(openalex_samples, settings):
    paper = PaperFactory(arxiv_id="2108.04680")
    fresh = PaperFactory(arxiv_id="2108.00001")
    PaperCitations.objects.create(paper=fresh, cited_by_count=1, fetched_at=timezone.now())
    page = {"meta": {"count": 1, "next_cursor": None},
            "results": [json.loads((openalex_samples / ARXIV_WORK).read_bytes())]}
    with ReplayServer() as server:
        server.add({}, Reply(body=json.dumps(page).encode(), headers={"Content-Type": "application/json"}))
        settings.OPENALEX_ENDPOINT = server.url.rsplit("/", 1)[0]
        call_command("enrich_openalex", "--limit", "5", stdout=io.StringIO())
    assert len(server.requests) == 1 and "10.48550/arxiv.2108.04680" in server.requests[0]["filter"]
    assert "2108.00001" not in server.requests[0]["filter"]  # fresh figures wait their turn
    assert PaperCitations.objects.get(paper=paper).cited_by_count == 2
    run = ImportRun.objects.get(format="openalex-api")
    assert (run.state, run.seen, run.created, run.total_expected) == ("succeeded", 1, 1, 1)
    assert CitationWork.objects.get(paper=paper).work_id == "W3188841554"


def test_semantic_scholar_is_a_second_source_behind_the_same_interface(openalex_samples):
    paper = PaperFactory(arxiv_id="2312.07559")
    with ReplayServer() as server:
        server.add({}, json_reply(openalex_samples / "semantic-scholar/paperqa_s2_paper_DOI_10.48550_arxiv.2312.07559.json"))
        s2 = SemanticScholarClient(endpoint=server.url.rsplit("/", 1)[0], api_key="key", sleep=lambda s: None)
        store_work_batch(list(s2.works_for([PaperKey(paper_id=paper.pk, arxiv_id="2312.07559")])))
        assert server.paths == ["/graph/v1/paper/ARXIV:2312.07559"]
    cited = PaperCitations.objects.get(paper=paper)
    assert (cited.cited_by_count, cited.influential_count, cited.sources) == (111, 2, ["s2"])


# -- the API ------------------------------------------------------------------------------------

def test_the_api_exposes_paper_citations_references_and_the_record_impact(client):
    author = AuthorFactory(display_name="Ada Byron", slug="ada-byron")
    cited, citing = PaperFactory(arxiv_id="2404.00001"), PaperFactory(arxiv_id="2404.00002")
    for p in (cited, citing):
        AuthorshipFactory(paper=p, author=author, position=0)
    store_work_batch([work("W41", arxiv_id="2404.00001", cited=12, by_year={"2025": 12}),
                      work("W42", arxiv_id="2404.00002", cited=3, refs=["W41", "W999"])])
    drain_impact_refresh()

    detail = client.get("/api/papers/2404.00002/").json()
    assert detail["cited_by"] == 3
    assert detail["citations"]["cited_by_count"] == 3 and detail["citations"]["openalex_ids"] == ["W42"]
    refs = {r["openalex_id"]: r for r in detail["references"]}
    assert refs["W41"]["arxiv_id"] == "2404.00001" and refs["W999"]["arxiv_id"] is None
    assert [p["arxiv_id"] for p in client.get("/api/papers/2404.00001/").json()["cited_by_papers"]] == ["2404.00002"]

    listed = {p["arxiv_id"]: p["cited_by"] for p in client.get("/api/papers/").json()["results"]}
    assert listed == {"2404.00001": 12, "2404.00002": 3}
    works = {p["arxiv_id"]: p["cited_by"] for p in client.get("/api/researchers/ada-byron/works/").json()["results"]}
    assert works == {"2404.00001": 12, "2404.00002": 3}
    impact = client.get("/api/researchers/ada-byron/").json()["impact"]
    assert (impact["citations"], impact["h_index"], impact["i10_index"]) == (15, 2, 1)
    assert impact["citations_by_year"] == {"2025": 12}


def test_trust_scores_do_not_move_when_citations_arrive():
    from papers.models import Paper
    from tests.factories import trust_seed_like_author
    from trust.models import TrustScore

    author, collaborators = trust_seed_like_author()
    call_command("recompute_trust")
    before = set(TrustScore.objects.values_list("author_id", "total", "raw_total", "tier"))
    store_work_batch([work(f"W5{i}", arxiv_id=p.arxiv_id, cited=500) for i, p in
                      enumerate(Paper.objects.filter(authorships__author=author))])
    drain_impact_refresh()
    assert AuthorImpact.objects.get(author=author).h_index == 15
    call_command("recompute_trust")
    assert set(TrustScore.objects.values_list("author_id", "total", "raw_total", "tier")) == before
    assert "Trust scores do not use citations" in Client().get("/trust/method").content.decode()


def test_the_generator_writes_openalex_works_citing_only_its_own_papers(tmp_path):
    corpus, oa = tmp_path / "c.jsonl.gz", tmp_path / "works.jsonl.gz"
    out = io.StringIO()
    call_command("generate_corpus", "--papers", "300", "--seed", "3", "--out", str(corpus), "--openalex-out", str(oa),
                 "--workers", "1", stdout=out)
    assert "openalex:" in out.getvalue()
    with oa.open("rb") as fh:
        works = list(iter_works(io.BufferedReader(fh)))
    assert all(isinstance(w, WorkRecord) for w in works)
    ids = {w.work_id for w in works}
    assert len([w for w in works if w.arxiv_id]) == 300
    assert all(r in ids for w in works for r in w.referenced_works)
    assert sum(len(w.referenced_works) for w in works) > 300
