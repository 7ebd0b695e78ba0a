"""Every arXiv format parsed from the real sample files under the shared arxiv-samples folder."""

import datetime as dt
import gzip
import io
import json

import pytest

from papers.ingest.parsers import (
    ArxivAPIError,
    OAIError,
    SourceError,
    detect_format,
    iter_records,
    parse_atom_feed,
    parse_oai_page,
)
from papers.ingest.records import PaperRecord, RecordError

UTC = dt.UTC
ARXIV_4001 = "oai-pmh/oai-listrecords-arXiv-resumption-436115_4001-1000records-2013.xml"
ARXIV_405001 = "oai-pmh/oai-listrecords-arXiv-resumption-436115_405001-1000records-2013.xml"
ARXIVRAW_46001 = "oai-pmh/oai-listrecords-arXivRaw-resumption-496549_46001-1000records-2014.xml"
OAI_DC = "oai-pmh/oai-listrecords-oai_dc-set_cs-from_2024-01-25-truncated.xml"
KAGGLE = "kaggle/kaggle-snapshot-first200-lines-2023.jsonl"
ATOM = "api-atom/arxivpy-recorded-2026/"


def _records(path, fmt):
    with open(path, "rb") as fh:
        return list(iter_records(fh, fmt))


def _by_id(records):
    return {r.arxiv_id: r for r in records}


# ------------------------------------------------------------------ detection

@pytest.mark.parametrize("relpath, expected", [
    (KAGGLE, "kaggle"),
    (ARXIV_4001, "oai"),
    (ARXIVRAW_46001, "oai"),
    (OAI_DC, "oai"),
    ("oai-pmh/oai_dc-metadata-fragments-SHARE/oai_arXiv.org_0704.0001.oai_dc.xml", "oai"),
    ("oai-pmh/oai-getrecord-arXiv-1511.01097.xml", "oai"),
    ("oai-pmh/errors/oai-getrecord-arXiv-error-idDoesNotExist-1305.9999.xml", "oai"),
    ("api-atom/other/api-atom-2021-id_list-hep-ex_0307015-H1-Collaboration.xml", "atom"),
    (ATOM + "arxivpy-id_abc_s0_m100_b79c8dcf6bc3.body.xml", "atom"),
])
def test_format_is_detected_from_content(arxiv_samples, relpath, expected):
    head = (arxiv_samples / relpath).read_bytes()[:4096]
    assert detect_format(head) == expected
    assert detect_format(gzip.compress((arxiv_samples / relpath).read_bytes())[:4096]) == expected


def test_unknown_content_is_refused_clearly():
    with pytest.raises(SourceError, match="unrecognised source format"):
        detect_format(b"id,title\n0704.0001,x\n")
    with pytest.raises(SourceError, match="JSON array"):
        detect_format(b'[{"id": "0704.0001"}]')


# ------------------------------------------------------------------ OAI-PMH arXiv

def test_arxiv_format_page_of_1000_records_with_its_resumption_token(arxiv_samples):
    records, token, attrs = parse_oai_page((arxiv_samples / ARXIV_4001).read_bytes())
    assert len(records) == 1000
    assert all(isinstance(r, PaperRecord) for r in records)
    assert token == "436115|5001"
    assert attrs == {"completeListSize": "846926", "cursor": "4000"}
    first = records[0]
    assert first.arxiv_id == "0704.4001"
    assert first.title == "Warping and Supersymmetry Breaking"
    assert [(a.forenames, a.keyname) for a in first.authors] == [
        ("Michael R.", "Douglas"), ("Jessie", "Shelton"), ("Gonzalo", "Torroba")]
    assert first.report_no == "RUNHETC-07-05"
    assert first.submitted == dt.datetime(2007, 4, 30, tzinfo=UTC)
    assert first.updated == dt.datetime(2008, 1, 28, tzinfo=UTC)
    assert first.source_format == "oai-arXiv"
    second = records[1]
    assert second.arxiv_id == "0704.4002"
    assert second.categories == ["math.AT", "math.GR"] and second.primary_category == "math.AT"
    assert second.doi == "10.1112/jtopol/jtn021"
    assert second.journal_ref == "J Topology 2008 1: 747-760"
    assert second.license == "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
    assert second.abstract.startswith("In this paper we completely classify")


def test_arxiv_format_streamed_gives_the_same_records_as_the_page_parser(arxiv_samples):
    streamed = _records(arxiv_samples / ARXIV_405001, "oai")
    paged, token, _ = parse_oai_page((arxiv_samples / ARXIV_405001).read_bytes())
    assert [r.arxiv_id for r in streamed] == [r.arxiv_id for r in paged]
    assert len(streamed) == 1000
    assert token == "436115|406001"


def test_arxiv_format_latex_in_keynames_and_affiliations(arxiv_samples):
    by_id = _by_id(_records(arxiv_samples / ARXIV_405001, "oai"))
    paper = by_id["1302.0674"]
    assert [a.keyname for a in paper.authors] == ["Sławianowski", "Gołubowska", "Kovalchuk"]
    assert paper.authors[0].raw == "Jan Jerzy S\\lawianowski"
    with_aff = [a for r in by_id.values() for a in r.authors if a.affiliation]
    assert any(a.affiliation == "Department of Physics Engineering, Mie University" for a in with_aff)
    suffixed = [a for r in by_id.values() for a in r.authors if a.suffix]
    # The source writes both "Jr" and "Jr."; both are normalised.
    assert suffixed and {a.suffix for a in suffixed} == {"Jr.", "II", "III"}


def test_hepcrawl_pages_of_three_records(arxiv_samples):
    hep_ex = _records(arxiv_samples / "oai-pmh/oai-listrecords-arXiv-set_physics_hep-ex-from_2017-12-14.xml", "oai")
    assert [r.arxiv_id for r in hep_ex] == ["1706.05371", "1706.09418", "1707.00874"]
    rpv = hep_ex[1]
    assert rpv.title == "R-Parity Violation at the LHC"
    assert len(rpv.authors) == 5 and rpv.authors[0].keyname == "Dercks"
    assert rpv.doi == "10.1140/epjc/s10052-017-5414-4"
    assert rpv.journal_ref == "Eur. Phys. J. C (2017) 77:856"
    hep_th = _records(arxiv_samples / "oai-pmh/oai-listrecords-arXiv-set_physics_hep-th-from_2017-12-14.xml", "oai")
    assert len(hep_th) == 3 and all(isinstance(r, PaperRecord) for r in hep_th)


def test_getrecord_responses(arxiv_samples):
    (rec,), token, _ = parse_oai_page((arxiv_samples / "oai-pmh/oai-getrecord-arXiv-1401.2122.xml").read_bytes())
    assert token is None
    assert rec.arxiv_id == "1401.2122"
    assert rec.categories == ["math.AP", "hep-th", "math-ph", "math.DG", "math.MP", "nlin.SI"]
    assert rec.doi == "10.1007/s11005-017-1013-4"
    assert rec.authors[0].keyname == "Sergyeyev"
    (rec,), _, _ = parse_oai_page((arxiv_samples / "oai-pmh/oai-getrecord-arXiv-1511.01097.xml").read_bytes())
    assert rec.arxiv_id == "1511.01097" and len(rec.authors) == 7 and rec.primary_category == "astro-ph.GA"
    nock = "oai-pmh/from-nock-fixtures/paperhive-oaipmh-getrecord---should-get-a-record.0.status200.response.xml"
    (rec,), _, _ = parse_oai_page((arxiv_samples / nock).read_bytes())
    assert rec.arxiv_id == "1412.8544"
    assert (rec.authors[0].keyname, rec.authors[0].affiliation) == ("Uijlen", "Radboud Universiteit")
    assert rec.journal_ref == "EPTCS 172, 2014, pp. 154-164"


def test_record_without_namespace_on_its_arxiv_element_still_parses(arxiv_samples):
    path = arxiv_samples / "oai-pmh/edited-or-reformatted-test-fixtures/hepcrawl-unit/hepcrawl-sample_arxiv_record0.xml"
    (rec,) = _records(path, "oai")
    assert isinstance(rec, PaperRecord) and rec.title and rec.authors


# ------------------------------------------------------------------ OAI-PMH arXivRaw

def test_arxivraw_page_keeps_the_version_history(arxiv_samples):
    records, token, attrs = parse_oai_page((arxiv_samples / ARXIVRAW_46001).read_bytes())
    assert len(records) == 1000 and token == "496549|47001"
    assert attrs["completeListSize"] == "907096"
    by_id = _by_id(records)
    paper = by_id["0801.3674"]
    assert paper.version == 4
    assert [v.version for v in paper.versions] == [1, 2, 3, 4]
    assert paper.versions[0].date == dt.datetime(2008, 1, 23, 21, 13, 53, tzinfo=UTC)
    assert paper.versions[0].size == "33kb"
    assert paper.submitted == paper.versions[0].date and paper.updated == paper.versions[-1].date
    assert paper.submitter == "Robert Brandenberger"
    assert [(a.keyname, a.affiliation) for a in paper.authors] == [
        ("Brandenberger", "McGill"), ("Dasgupta", "McGill"), ("Davis", "DAMTP, Cambridge")]
    assert paper.source_format == "oai-arXivRaw"
    # Collaboration bylines become collaboration authors.
    assert [(a.keyname, a.is_collaboration) for a in by_id["0801.3877"].authors][0] == ("CDF Collaboration", True)


def test_arxivraw_from_a_recorded_cassette(arxiv_samples):
    path = arxiv_samples / "oai-pmh/from-vcr-cassettes/oai-listrecords-arXivRaw-set_physics-from_2018-03-01-0705.3340.decoded.xml"
    (rec,) = _records(path, "oai")
    assert rec.arxiv_id == "0705.3340" and rec.version == 4
    assert rec.versions[-1].date == dt.datetime(2018, 3, 14, 7, 47, 21, tzinfo=UTC)
    assert rec.title == "Renormalized Quantum Yang-Mills Fields in Curved Spacetime"


# ------------------------------------------------------------------ OAI-PMH oai_dc

def test_oai_dc_listrecords_with_crlf_line_endings(arxiv_samples):
    raw = (arxiv_samples / OAI_DC).read_bytes()
    assert b"\r\n" in raw
    records, token, _ = parse_oai_page(raw)
    assert token == "6960524|1001"
    assert [r.arxiv_id for r in records] == ["1303.2033", "2401.14034", "2401.14036", "2401.14038", records[4].arxiv_id]
    first = records[0]
    assert first.title == "Extended Fourier analysis of signals"
    assert [(a.keyname, a.forenames, a.raw) for a in first.authors] == [("Liepins", "Vilnis", "Liepins, Vilnis")]
    assert "\r" not in first.abstract and first.abstract.startswith("This summary of the doctoral thesis")
    assert first.submitted == dt.datetime(2013, 3, 8, tzinfo=UTC)
    assert first.updated == dt.datetime(2024, 1, 23, tzinfo=UTC)
    assert len(records[1].authors) == 6
    assert first.source_format == "oai-oai_dc"


def test_bare_oai_dc_fragments_from_share(arxiv_samples):
    folder = arxiv_samples / "oai-pmh/oai_dc-metadata-fragments-SHARE"
    records = [r for path in sorted(folder.glob("*.xml")) for r in _records(path, "oai")]
    assert [r.arxiv_id for r in records] == [f"0704.{n:04d}" for n in range(1, 11)]
    first = records[0]
    assert first.authors[0].keyname == "Balázs"
    assert first.doi == "10.1103/PhysRevD.76.013009"
    assert first.journal_ref == "Phys.Rev.D76:013009,2007"
    assert first.comments == "37 pages, 15 figures; published version"


# ------------------------------------------------------------------ OAI-PMH errors

@pytest.mark.parametrize("name", [
    "oai-getrecord-arXiv-error-idDoesNotExist-1305.9999.xml",
    "oai-getrecord-arXiv-error-idDoesNotExist-malformed.xml",
    "oai-getrecord-arXiv-error-idDoesNotExist-versioned-id-1305.0014v1.xml",
])
def test_id_does_not_exist_is_an_empty_result(arxiv_samples, name):
    assert parse_oai_page((arxiv_samples / "oai-pmh/errors" / name).read_bytes()) == ([], None, {})
    assert _records(arxiv_samples / "oai-pmh/errors" / name, "oai") == []


def test_other_oai_errors_raise_with_their_code():
    page = (b'<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
            b'<error code="badResumptionToken">expired</error></OAI-PMH>')
    with pytest.raises(OAIError) as exc:
        parse_oai_page(page)
    assert exc.value.code == "badResumptionToken" and "expired" in str(exc.value)


def test_deleted_record_header_becomes_a_deleted_paper(arxiv_samples):
    # arXiv's pages in the samples carry no deletions; take a real record and mark its header deleted.
    page = (arxiv_samples / "oai-pmh/oai-getrecord-arXiv-1401.2122.xml").read_bytes()
    page = page.replace(b"<header>", b'<header status="deleted">', 1)
    (rec,), _, _ = parse_oai_page(page)
    assert (rec.arxiv_id, rec.title, rec.deleted) == ("1401.2122", "", True)


def test_truncated_xml_yields_the_good_records_then_fails_clearly(arxiv_samples):
    raw = (arxiv_samples / ARXIV_4001).read_bytes()
    cut = raw[: raw.index(b"<identifier>oai:arXiv.org:0705.0007</identifier>")]
    got = []
    with pytest.raises(SourceError, match="malformed OAI-PMH XML"):
        for rec in iter_records(io.BytesIO(cut), "oai"):
            got.append(rec)
    assert [r.arxiv_id for r in got] == ["0704.4001", "0704.4002", "0704.4003"] + [
        f"0705.000{n}" for n in range(1, 7)]
    with pytest.raises(SourceError):
        parse_oai_page(cut)


# ------------------------------------------------------------------ Kaggle

def test_kaggle_sample_all_200_lines(arxiv_samples):
    records = _records(arxiv_samples / KAGGLE, "kaggle")
    assert len(records) == 200 and all(isinstance(r, PaperRecord) for r in records)
    assert records[0].arxiv_id == "0704.0001" and records[-1].arxiv_id == "0704.0200"
    first = records[0]
    assert first.title == "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    assert [a.keyname for a in first.authors] == ["Balázs", "Berger", "Nadolsky", "Yuan"]
    assert first.authors[0].raw == "C. Bal\\'azs"
    assert [v.version for v in first.versions] == [1, 2] and first.version == 2
    assert first.submitted == dt.datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)
    assert first.updated == dt.datetime(2007, 7, 24, 20, 10, 27, tzinfo=UTC)
    assert (first.doi, first.journal_ref, first.report_no) == (
        "10.1103/PhysRevD.76.013009", "Phys.Rev.D76:013009,2007", "ANL-HEP-PR-07-12")
    assert first.submitter == "Pavel Nadolsky" and first.license == "" and first.source_format == "kaggle"
    second = records[1]
    assert second.categories == ["math.CO", "cs.CG"] and second.primary_category == "math.CO"
    assert "the (k,ℓ)-pebble game with colors" in second.abstract


def test_kaggle_withdrawn_papers_are_flagged(arxiv_samples):
    records = _records(arxiv_samples / KAGGLE, "kaggle")
    withdrawn = [r for r in records if r.withdrawn]
    assert withdrawn, "the 200-line sample has withdrawn papers"
    assert all("withdrawn" in (r.comments + r.abstract).lower() for r in withdrawn)


def test_kaggle_broken_line_is_one_failed_record_and_the_rest_land(arxiv_samples):
    lines = (arxiv_samples / KAGGLE).read_bytes().splitlines(keepends=True)
    broken = lines[0] + b'{"id": "0704.0002", "title": \n' + b"".join(lines[2:5]) + b'{"id": 704.0006}\n'
    records = list(iter_records(io.BytesIO(broken), "kaggle"))
    assert [type(r).__name__ for r in records] == ["PaperRecord", "RecordError", "PaperRecord", "PaperRecord",
                                                  "PaperRecord", "RecordError"]
    assert records[1].record_id == "line 2" and "invalid JSON" in records[1].reason
    assert "must be a string" in records[5].reason


def test_kaggle_byte_order_mark_before_the_first_line_is_read_past(arxiv_samples):
    raw = (arxiv_samples / KAGGLE).read_bytes()
    records = list(iter_records(io.BytesIO(b"\xef\xbb\xbf" + raw), "kaggle"))
    assert len(records) == 200 and all(isinstance(r, PaperRecord) for r in records)


def test_kaggle_line_with_a_lone_surrogate_or_nan_is_one_broken_record_not_a_failed_batch(arxiv_samples):
    lines = (arxiv_samples / KAGGLE).read_bytes().splitlines(keepends=True)
    bad = [b'{"id": "0704.0002", "title": "A \\ud800 title"}\n', b'{"id": "0704.0003", "title": NaN}\n']
    records = list(iter_records(io.BytesIO(lines[0] + b"".join(bad) + lines[3]), "kaggle"))
    assert [type(r).__name__ for r in records] == ["PaperRecord", "RecordError", "RecordError", "PaperRecord"]
    assert all("invalid JSON" in r.reason for r in records[1:3])


def test_kaggle_gzipped_and_not_json_at_all(arxiv_samples):
    raw = (arxiv_samples / KAGGLE).read_bytes()
    assert len(list(iter_records(io.BytesIO(gzip.compress(raw)), "kaggle"))) == 200
    with pytest.raises(SourceError, match="not a Kaggle JSON-lines snapshot"):
        list(iter_records(io.BytesIO(b"<html>not json</html>\n"), "kaggle"))
    truncated = gzip.compress(raw)[:-2000]
    got = []
    with pytest.raises(SourceError, match="gzip"):
        for rec in iter_records(io.BytesIO(truncated), "kaggle"):
            got.append(rec)
    assert len(got) > 100


# ------------------------------------------------------------------ Atom

def test_atom_h1_collaboration_feed(arxiv_samples):
    path = arxiv_samples / "api-atom/other/api-atom-2021-id_list-hep-ex_0307015-H1-Collaboration.xml"
    records, total, start, per_page = parse_atom_feed(path.read_bytes())
    assert (total, start, per_page) == (1, 0, 10)
    (rec,) = records
    assert rec.arxiv_id == "hep-ex/0307015" and rec.version == 1
    assert [(a.keyname, a.is_collaboration) for a in rec.authors] == [("H1 Collaboration", True)]
    assert rec.doi == "10.1140/epjc/s2003-01326-x"
    assert rec.journal_ref == "Eur.Phys.J.C31:17-29,2003"
    assert rec.comments == "23 pages, 8 figures and 4 tables"
    assert rec.primary_category == "hep-ex"
    assert "0.30 ± 0.04" in rec.abstract
    assert rec.title == "Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA"


def test_atom_per_author_affiliations(arxiv_samples):
    records, *_ = parse_atom_feed((arxiv_samples / ATOM / "arxivpy-id_astro-ph_0601001_s0_m100_3150dca9dc76.body.xml").read_bytes())
    (rec,) = records
    assert rec.arxiv_id == "astro-ph/0601001"
    assert [(a.forenames, a.keyname, a.affiliation) for a in rec.authors] == [
        ("Andrew", "Gould", "Ohio State"), ("Susan", "Dorsher", "Ohio State"), ("B. Scott", "Gaudi", "CfA"),
        ("Andrzej", "Udalski", "Warsaw University Observatory")]
    assert rec.journal_ref == "ActaAstron.56:1-50,2006"


def test_atom_paged_query_reports_totals(arxiv_samples):
    records, total, start, per_page = parse_atom_feed((arxiv_samples / ATOM / "arxivpy-q_testing_s10_m10_34e56e15aaac.body.xml").read_bytes())
    assert (len(records), total, start, per_page) == (10, 214881, 10, 10)
    assert all(isinstance(r, PaperRecord) and r.authors and r.primary_category for r in records)
    big, *_ = parse_atom_feed((arxiv_samples / ATOM / "arxivpy-q_testing_s0_m100_cfe7536492ca.body.xml").read_bytes())
    assert len(big) == 100 and not [r for r in big if isinstance(r, RecordError)]


def test_atom_error_feed_raises_a_clear_error(arxiv_samples):
    with pytest.raises(ArxivAPIError, match="incorrect id format for abc"):
        parse_atom_feed((arxiv_samples / ATOM / "arxivpy-id_abc_s0_m100_b79c8dcf6bc3.body.xml").read_bytes())


@pytest.mark.parametrize("name", ["arxivpy-id_0000.0000_s0_m100_8b51d9633a68.body.xml",
                                  "arxivpy-id_0808.05394_s0_m100_7b0c7d0a7cdd.body.xml"])
def test_atom_empty_feeds_give_nothing(arxiv_samples, name):
    records, total, _start, _per_page = parse_atom_feed((arxiv_samples / ATOM / name).read_bytes())
    assert records == [] and total == 0
    assert _records(arxiv_samples / ATOM / name, "atom") == []


def test_atom_versioned_entry_id(arxiv_samples):
    (rec,), *_ = parse_atom_feed((arxiv_samples / "api-atom/arxivpy-2016/api-atom-2016-id_list-1111.2011v2.xml").read_bytes())
    assert rec.arxiv_id == "1111.2011" and rec.version == 2
    assert [v.version for v in rec.versions] == [1, 2]


def test_atom_collaboration_filed_as_an_affiliation_becomes_a_collaboration_author(arxiv_samples):
    (rec,), *_ = parse_atom_feed(
        (arxiv_samples / ATOM / "arxivpy-id_hep-ex_0406020v1_s0_m100_84b15d66c0ce.body.xml").read_bytes())
    assert rec.arxiv_id == "hep-ex/0406020"
    assert [(a.keyname, a.affiliation, a.is_collaboration) for a in rec.authors] == [
        ("Tricomi", "", False), ("ATLAS and CMS Collaborations", "", True)]


def test_a_json_file_that_is_not_the_snapshot_fails_clearly(arxiv_samples):
    # arXiv.py's recorder wraps an Atom response in {"url", "status_code", "body"}: JSON, not a snapshot.
    path = arxiv_samples / ATOM / "arxivpy-id_1605.08386_s0_m100_199195aa31ad.json"
    assert detect_format(path.read_bytes()[:4096]) == "kaggle"
    with pytest.raises(SourceError, match="not a Kaggle JSON-lines snapshot: line 1 is not JSON"):
        _records(path, "kaggle")
    one_line = json.dumps(json.loads(path.read_text())).encode() + b"\n"
    with pytest.raises(SourceError, match="no id/title"):
        list(iter_records(io.BytesIO(one_line), "kaggle"))
