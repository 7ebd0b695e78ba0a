"""generate_corpus: a synthetic arXiv corpus in the real Kaggle format, with ground truth.

Small corpora (2000 papers) keep these fast; the shape checks use loose bounds because the
corpus is random (but deterministic for a seed).
"""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from papers.ingest.keys import fold
from papers.ingest.parsers import iter_records
from papers.ingest.records import RecordError
from devdata import generate_corpus, sidecar_paths

N = 2000
KAGGLE_FIELDS = ["id", "submitter", "authors", "title", "comments", "journal-ref", "doi", "report-no", "categories",
                 "license", "abstract", "versions", "update_date", "authors_parsed"]
CREATED_RE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$")
ID_RE = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}$")


def _lines(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus") / "corpus.jsonl.gz"
    call_command("generate_corpus", papers=N, seed=7, out=str(out), homonym_rate=0.05)
    truth, persons = sidecar_paths(out)
    return {"path": out, "papers": _lines(out), "truth": _lines(truth), "persons": _lines(persons)}


def test_same_seed_writes_byte_identical_files_whatever_the_worker_count(corpus, tmp_path):
    again = tmp_path / "again.jsonl.gz"
    generate_corpus(again, papers=N, seed=7, homonym_rate=0.05, workers=1)
    assert again.read_bytes() == corpus["path"].read_bytes()
    assert sidecar_paths(again)[0].read_bytes() == sidecar_paths(corpus["path"])[0].read_bytes()
    other = tmp_path / "other.jsonl.gz"
    generate_corpus(other, papers=N, seed=8, workers=1)
    assert other.read_bytes() != corpus["path"].read_bytes()


def test_every_line_has_the_kaggle_snapshot_fields_in_order(corpus, arxiv_samples):
    sample = arxiv_samples / "kaggle" / "kaggle-snapshot-first200-lines-2023.jsonl"
    if sample.exists():
        real = json.loads(sample.read_text().splitlines()[0])
        assert list(real) == KAGGLE_FIELDS
    papers = corpus["papers"]
    assert len(papers) == N
    ids = [p["id"] for p in papers]
    assert len(set(ids)) == N
    previous = (0, 0)
    for p in papers:
        assert list(p) == KAGGLE_FIELDS
        m = ID_RE.match(p["id"])
        assert m, p["id"]
        yymm = (int(m[1]), int(m[2]))
        assert 7 <= yymm[0] <= 26 and 1 <= yymm[1] <= 12
        assert yymm >= previous  # ids grow with submission dates
        previous = yymm
        assert p["versions"] and all(CREATED_RE.match(v["created"]) for v in p["versions"])
        assert [v["version"] for v in p["versions"]] == [f"v{i + 1}" for i in range(len(p["versions"]))]
        assert re.match(r"^\d{4}-\d\d-\d\d$", p["update_date"])
        assert p["authors_parsed"] and all(len(a) in (3, 4) and all(isinstance(x, str) for x in a)
                                           for a in p["authors_parsed"])
        assert p["title"] and p["abstract"].startswith("  ") and p["abstract"].endswith("\n")
        assert re.match(r"^[a-z\-]+(\.[A-Za-z\-]+)?( [a-z\-]+(\.[A-Za-z\-]+)?)*$", p["categories"])
        for key in ("comments", "journal-ref", "doi", "report-no", "license"):
            assert p[key] is None or isinstance(p[key], str)
    # Pre-2015 ids use four digits, later ones five, as on arXiv.
    assert any(len(i.split(".")[1]) == 4 for i in ids) and any(len(i.split(".")[1]) == 5 for i in ids)


def test_corpus_parses_with_the_project_kaggle_parser_without_errors(corpus):
    with open(corpus["path"], "rb") as fh:
        records = list(iter_records(fh, "kaggle"))
    errors = [r for r in records if isinstance(r, RecordError)]
    assert not errors
    assert len(records) == N
    truth = {t["id"]: t["persons"] for t in corpus["truth"]}
    for rec in records:
        assert len(rec.authors) == len(truth[rec.arxiv_id])


def test_truth_sidecar_gives_one_person_per_byline_slot(corpus):
    papers, truth = corpus["papers"], corpus["truth"]
    assert [t["id"] for t in truth] == [p["id"] for p in papers]
    surnames = defaultdict(set)
    for p, t in zip(papers, truth):
        assert len(t["persons"]) == len(p["authors_parsed"])
        for pid, parsed in zip(t["persons"], p["authors_parsed"]):
            if pid < 0:
                assert "Collaboration" in parsed[0]
            else:
                surnames[pid].add(fold(parsed[0]))
    # A person's surname is spelled one way, up to accents.
    assert all(len(s) == 1 for s in surnames.values())


def test_distinct_people_share_a_name_at_the_requested_rate(corpus, tmp_path):
    def shared_share(persons):
        active = [p for p in persons if p["papers"] > 0]
        groups = defaultdict(set)
        for p in active:
            groups[(fold(p["keyname"]), fold(p["forenames"]), p["suffix"])].add(p["pid"])
        return sum(1 for p in active if len(groups[(fold(p["keyname"]), fold(p["forenames"]), p["suffix"])]) > 1) / len(active)

    assert 0.03 <= shared_share(corpus["persons"]) <= 0.08
    out = tmp_path / "h.jsonl.gz"
    generate_corpus(out, papers=N, seed=7, homonym_rate=0.2, workers=1)
    assert 0.15 <= shared_share(_lines(sidecar_paths(out)[1])) <= 0.26
    out0 = tmp_path / "h0.jsonl.gz"
    generate_corpus(out0, papers=N, seed=7, homonym_rate=0.0, workers=1)
    assert shared_share(_lines(sidecar_paths(out0)[1])) < 0.01

    # Homonyms show up on bylines: one full name, several people.
    by_name = defaultdict(set)
    for p, t in zip(corpus["papers"], corpus["truth"]):
        for pid, parsed in zip(t["persons"], p["authors_parsed"]):
            if pid >= 0 and "." not in parsed[1]:
                by_name[(parsed[0], parsed[1])].add(pid)
    assert sum(1 for pids in by_name.values() if len(pids) > 1) >= 5


def test_collaboration_papers_carry_hundreds_of_authors(corpus):
    collab = [(p, t) for p, t in zip(corpus["papers"], corpus["truth"]) if any(pid < 0 for pid in t["persons"])]
    assert collab
    biggest = max(len(t["persons"]) for _, t in collab)
    assert biggest >= 100
    p, _ = max(collab, key=lambda pt: len(pt[1]["persons"]))
    assert "Collaboration" in p["authors"]


def test_people_appear_under_name_variants(corpus):
    forms = defaultdict(set)
    latex = 0
    for p, t in zip(corpus["papers"], corpus["truth"]):
        latex += "\\" in p["authors"]
        for pid, parsed in zip(t["persons"], p["authors_parsed"]):
            if pid >= 0:
                forms[pid].add((parsed[0], parsed[1]))
    variants = [f for f in forms.values() if len(f) > 1]
    assert len(variants) >= 50
    # initials next to the full given name ("Z. Liu" and "Zechun Liu")
    assert any(any("." in fore for _, fore in f) and any("." not in fore for _, fore in f) for f in variants)
    # accented and plain spellings of the same person ("Jürgen" and "Jurgen")
    assert any(len({s for s, _ in f} | {g for _, g in f}) > len({fold(s) for s, _ in f} | {fold(g) for _, g in f})
               for f in variants)
    assert latex >= 5  # LaTeX accents in the authors string (\"u), as arXiv has them


def test_papers_per_person_are_heavy_tailed_and_the_hub_has_many_coauthors(corpus):
    counts = defaultdict(int)
    coauthors = defaultdict(set)
    for t in corpus["truth"]:
        people = [pid for pid in t["persons"] if pid >= 0]
        for pid in people:
            counts[pid] += 1
            coauthors[pid].update(people)
    values = sorted(counts.values())
    assert values[len(values) // 2] == 1  # most people have a single paper (Lotka)
    assert values[-1] >= 10
    hub = max(counts, key=counts.get)
    assert len(coauthors[hub]) - 1 >= 30


def test_community_topic_phrases_recur_in_titles_and_abstracts(corpus):
    text = " ".join((p["title"] + " " + p["abstract"]).lower() for p in corpus["papers"])
    for phrase in ("neural architecture search", "quantization", "dark matter halos", "object detection"):
        assert text.count(phrase) >= 3, phrase


def test_code_links_journal_refs_and_versions_appear_on_a_share_of_papers(corpus):
    papers = corpus["papers"]
    assert sum("github.com/" in ((p["comments"] or "") + p["abstract"]) for p in papers) >= 20
    assert 0.1 < sum(p["journal-ref"] is not None for p in papers) / N < 0.6
    assert 0.05 < sum(p["doi"] is not None for p in papers) / N < 0.6
    assert 0.2 < sum(len(p["versions"]) > 1 for p in papers) / N < 0.6


def test_command_refuses_a_homonym_rate_outside_zero_to_one(tmp_path):
    with pytest.raises(CommandError):
        call_command("generate_corpus", "--papers", "10", "--out", str(tmp_path / "x.jsonl.gz"), "--homonym-rate", "1.5")
    with pytest.raises(CommandError):
        call_command("generate_corpus", papers=0, seed=1, out=str(tmp_path / "x.jsonl.gz"))


def test_the_foreign_shape_is_another_generator_s_corpus_in_the_same_format(tmp_path):
    out = tmp_path / "foreign.jsonl.gz"
    call_command("generate_corpus", papers=400, seed=3, out=str(out), shape="foreign")
    papers = _lines(out)
    truth, persons = sidecar_paths(out)
    assert len(papers) == 400 and len(_lines(truth)) == 400 and _lines(persons)
    assert all(list(p) == KAGGLE_FIELDS for p in papers)
    assert all(3 <= len(p["authors_parsed"]) <= 8 for p in papers)
    assert all(len(p["title"].split()) == 9 for p in papers)
    words = [len(p["abstract"].split()) for p in papers]
    assert 150 <= min(words) and max(words) < 190
    categories = [p["categories"].split() for p in papers]
    assert len({c for cats in categories for c in cats}) == 10
    assert 0.3 < sum(len(cats) == 2 for cats in categories) / len(papers) < 0.5
    with open(out, "rb") as fh:
        records = list(iter_records(fh, "kaggle"))
    assert len(records) == 400 and not [r for r in records if isinstance(r, RecordError)]
