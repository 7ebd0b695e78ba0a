"""The clustering engine's own shortcuts (issue 14): they must give S2AND's answers, cheaper."""

import gzip
import json

from researchers.disambiguation import engine
from researchers.disambiguation.counts import name_counts
from researchers.disambiguation.engine import Signature
from researchers.disambiguation.evaluation import corpus_signatures


def sig(sid, first, last="Zhang", *, year=2020, byline=None, paper=None, categories="hep-th", title="Holography"):
    byline = byline or [f"{first} {last}", "Juan Maldacena", "Edward Witten"]
    return Signature(sid=sid, paper_id=paper or f"p{sid}", position=0, first=first, middle="", last=last,
                     byline=byline, title=title, abstract=title + " in string theory.", categories=categories,
                     year=year)


def counts_for(sigs):
    return name_counts((s.first, s.last, 1) for s in sigs)


def test_batched_block_distances_equal_s2ands_own_distance_matrices_in_any_chunking(monkeypatch):
    sigs = [sig(str(i), name, year=2015 + i % 5) for i, name in enumerate(["Wei", "Wei", "W.", "Wen", "Wei", "Wei"])]
    sigs.append(sig("6", "Wei", byline=["Wei Zhang", "Kaiming He", "Ross Girshick"], categories="cs.CV",
                    title="Object detection"))
    dataset = engine._anddata(sigs, counts_for(sigs), None)
    model = engine.load_model()
    blocks = {"a\x1eb": [s.sid for s in sigs[:4]], "b\x1eb": [s.sid for s in sigs[4:]]}
    ours = engine._block_distances(blocks, model, dataset)
    theirs = model.make_distance_matrices(blocks, dataset, disable_tqdm=True)
    monkeypatch.setattr(engine, "PAIR_CHUNK", 2)
    chunked = engine._block_distances(blocks, model, dataset)
    for key in blocks:
        assert len(ours[key]) == len(theirs[key])
        assert max(abs(a - b) for a, b in zip(ours[key], theirs[key])) < 1e-6
        assert list(chunked[key]) == list(ours[key])


def test_link_candidates_skip_incompatible_first_names_and_sample_big_clusters_evenly():
    old = [sig(f"o{i}", "Wei", year=2000 + i) for i in range(20)] + [sig("y0", "Yang")]
    new = sig("n0", "Wei", year=2030)
    seeds = {s.sid: "wei" for s in old[:20]} | {"y0": "yang"}
    found = engine._link_candidates([*old, new], {"n0"}, seeds)["n0"]
    assert "y0" not in found  # "Wei" and "Yang": S2AND's hard constraint refuses the pair anyway
    assert len(found) == engine.LINK_SAMPLE_PER_CLUSTER
    years = sorted(int(sid[1:]) for sid in found)
    assert years[0] == 0 and years[-1] >= 15  # spread over the cluster's years, not its first few


def test_an_initial_and_a_known_alias_stay_candidates():
    old = [sig("o1", "J."), sig("o2", "James"), sig("o3", "Jim", paper="px")]
    seeds = {"o1": "a", "o2": "b", "o3": "c"}
    found = engine._link_candidates([*old, sig("n", "Jim", last="Zhang")], {"n"}, seeds)["n"]
    assert set(found) >= {"o1", "o3"}


def test_the_evaluation_reads_affiliations_and_cuts_bylines_as_the_pipeline_does(tmp_path):
    authors = [["Zhang", "Wei", "", "Fudan University"]] + [[f"Member{i}", "A.", ""] for i in range(150)]
    rec = {"id": "2301.00001", "title": "T", "abstract": "A", "categories": "hep-ex", "authors_parsed": authors,
           "versions": [{"version": "v1", "created": "Mon, 2 Jan 2023 00:00:00 GMT"}]}
    corpus = tmp_path / "c.jsonl.gz"
    with gzip.open(corpus, "wt") as fh:
        fh.write(json.dumps(rec) + "\n")
    with gzip.open(tmp_path / "c.truth.jsonl.gz", "wt") as fh:
        fh.write(json.dumps({"id": "2301.00001", "persons": list(range(151))}) + "\n")
    sigs, truth, _blocks = corpus_signatures(corpus)
    assert sigs[0].affiliation == "Fudan University"
    assert all(len(s.byline) == engine.MAX_BYLINE for s in sigs)
    assert max(s.position for s in sigs) == engine.MAX_BYLINE
    assert len(truth) == 151


def test_a_cluster_is_cut_where_its_works_share_nothing_but_the_name():
    physics = [sig("p1", "Wei"), sig("p2", "Wei", byline=["Wei Zhang", "Edward Witten"], categories="hep-th gr-qc")]
    # Cross-listed into gr-qc, no coauthor in common: still the physicist.
    moved = sig("p3", "Wei", byline=["Wei Zhang", "Kip Thorne"], categories="gr-qc")
    vision = [sig("v1", "Wei", byline=["Wei Zhang", "Kaiming He"], categories="cs.CV", title="Detection"),
              sig("v2", "Wei", byline=["Wei Zhang", "Kaiming He"], categories="cs.CV", title="Segmentation")]
    bare = Signature(sid="x", paper_id="px", position=0, first="Wei", middle="", last="Zhang", byline=["Wei Zhang"])
    by_sid = {s.sid: s for s in [*physics, moved, *vision, bare]}
    parts = engine.coherent_parts([["p1", "p2", "p3", "v1", "v2", "x"]], by_sid)
    assert sorted(map(sorted, parts)) == [["p1", "p2", "p3", "x"], ["v1", "v2"]]  # no evidence: the largest part


def test_signatures_seeded_together_are_never_cut_apart():
    a = sig("a", "Wei", categories="hep-th")
    b = sig("b", "Wei", byline=["Wei Zhang", "Kaiming He"], categories="cs.CV")
    by_sid = {"a": a, "b": b}
    assert len(engine.coherent_parts([["a", "b"]], by_sid)) == 2
    assert engine.coherent_parts([["a", "b"]], by_sid, {"a": "owner", "b": "owner"}) == [["a", "b"]]


def test_a_new_work_is_only_scored_against_clusters_it_shares_evidence_with():
    physicist = [sig(f"p{i}", "Wei", year=2010 + i) for i in range(3)]
    vision = [sig(f"v{i}", "Wei", byline=["Wei Zhang", "Kaiming He"], categories="cs.CV") for i in range(3)]
    seeds = {s.sid: "physics" for s in physicist} | {s.sid: "vision" for s in vision}
    new = sig("n", "Wei", byline=["Wei Zhang", "Ross Girshick"], categories="cs.CV")
    found = engine._link_candidates([*physicist, *vision, new], {"n"}, seeds)["n"]
    assert set(found) == {"v0", "v1", "v2"}


def test_the_clustering_threshold_is_set_on_s2ands_clusterer():
    assert engine.load_model().cluster_model.eps == engine.CLUSTER_EPS
