"""The clustering engine: S2AND's released production model over one block of signatures.

Pure Python (no Django), so the pipeline, the B3 evaluation and the benchmark run the very same
code. A block is every signature whose byline shares surname and first initial (the loader's
``initials_key``). Within it:

- a block with one signature, or one seeded record and nothing new, needs no model at all;
- otherwise S2AND scores the pairs (LightGBM, features from coauthors, affiliations, categories,
  title/abstract, journal and years) and clusters them with its production linkage at an eps
  recalibrated for arXiv's features (CLUSTER_EPS);
- each cluster is then cut where its works share nothing but the name (``coherent_parts``);
- when most of the block is already clustered (seeds) and a few signatures are new, the new ones
  are linked into the existing clusters they share evidence with (``_link``: what S2AND's
  ``predict_incremental`` does on its Python path, batched over the blocks) instead of
  re-clustering.

People's decisions enter as S2AND cluster seeds: "require" (owner-confirmed slots, moderator
merges) and "disallow" (slots marked "not me", moderator splits). S2AND enforces both as hard
distances, so the model cannot undo them.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

# S2AND reads these at import time: no fastText download; signature preprocessing and pair
# features in Rust (the pinned s2and-rust wheel, S2AND's own fast path: the same features as its
# Python path, ~5x cheaper). Pairs are scored by S2AND's LightGBM models either way.
os.environ.setdefault("S2AND_SKIP_FASTTEXT", "1")
os.environ.setdefault("S2AND_BACKEND", "rust")

logger = logging.getLogger(__name__)
# S2AND logs every stage at INFO, and its Rust featurizer tunes its chunk size with WARNINGs:
# one line per block would drown the worker's log. Its errors still show.
logging.getLogger("s2and").setLevel(logging.ERROR)

MODEL_NAME = "s2and-production-v1.21"
# A pair of signatures S2AND puts closer than this is one person. S2AND's published v1.21 eps is
# 0.65, tuned on Semantic Scholar's data, where every pair also has SPECTER embeddings and
# reference lists; arXiv metadata has neither, so those features are missing and the model's
# distances between one person's works sit higher. Recalibrated on our features (B3 on
# ``generate_corpus --papers 30000 --homonym-rate 0.2``, with the coherence split below): eps 0.65
# F1 0.944, 0.70 0.952, 0.75 0.954, 0.80 0.955; without the split a looser eps merges namesakes
# (0.75: precision 0.887). 0.75 takes most of the gain and stays well inside the flat part.
CLUSTER_EPS = 0.75
# Blocks above this many signatures are cut by S2AND's subblocking (first names, then size), so
# cost grows linearly with the block: n × MAX_SUBBLOCK / 2 pairs at most (a 50k block: ≤ 12.5M
# pairs, ~2 h of one core on the Python path), a 500-signature subblock's matrix is 1 MB.
MAX_SUBBLOCK = 500
# Incremental linking is used when the new signatures are at most this share of the block.
INCREMENTAL_SHARE = 0.5
# Pairs featurized and scored at once: 200k pairs' feature rows are ~55 MB, so a batch holding a
# huge block (a 50k-signature "y wang": 12.5M pairs) streams through in bounded memory.
PAIR_CHUNK = 200_000
# Bylines of bigger papers (collaborations) are cut to this many coauthor names: S2AND compares
# coauthor n-grams, and a 3,000-name byline adds cost, not evidence.
MAX_BYLINE = 100
# S2AND's hard "never the same person" distance is a large number; anything this far is one.
LARGE_DISTANCE_FLOOR = 10.0


@dataclass
class Signature:
    """One byline slot as the engine sees it."""

    sid: str
    paper_id: str
    position: int
    first: str
    middle: str
    last: str
    suffix: str = ""
    affiliation: str = ""
    orcid: str = ""
    # The whole byline of the paper, in order, as display names: the coauthor features.
    byline: list[str] = field(default_factory=list)
    title: str = ""
    abstract: str = ""
    categories: str = ""
    journal: str = ""
    year: int | None = None


@dataclass
class Constraints:
    """Decisions by people, as signature-id groups and pairs."""

    # Each group must end in one cluster (an owner's confirmed slots, a moderator's merge).
    require: list[list[str]] = field(default_factory=list)
    # Never in one cluster (a "not me" slot against the owner's slots, a moderator's split).
    disallow: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class BlockResult:
    clusters: list[list[str]]
    confidence: dict[str, float]
    evidence: dict[str, str]
    pairs_scored: int = 0
    mode: str = "exact"


_MODEL = None
_MODEL_LOCK = threading.Lock()


def load_model():
    """The production clusterer, loaded once per process from the pip package (no download)."""
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            from s2and.production_model import load_production_model

            model = load_production_model()
            # S2AND's own way to set the clustering threshold (what its loader does for v1.21).
            model.best_params = {**(getattr(model, "best_params", None) or {}), "eps": CLUSTER_EPS}
            model.set_params({"eps": CLUSTER_EPS})
            _MODEL = model
        return _MODEL


def split_forenames(forenames: str) -> tuple[str, str]:
    tokens = forenames.replace(".", ". ").split()
    if not tokens:
        return "", ""
    return tokens[0], " ".join(tokens[1:])


def _anddata(signatures: list[Signature], name_counts: dict, seeds: dict | None):
    from s2and.data import ANDData

    sigs, papers = {}, {}
    for s in signatures:
        sigs[s.sid] = {
            "signature_id": s.sid, "paper_id": s.paper_id,
            "author_info": {
                "first": s.first or None, "middle": s.middle or None, "last": s.last, "suffix": s.suffix or None,
                "affiliations": [s.affiliation] if s.affiliation else [], "email": None,
                "position": s.position, "block": "b",
                "source_ids": [s.orcid] if s.orcid else [], "source_id_source": "ORCID" if s.orcid else None,
            },
        }
        if s.paper_id not in papers:
            papers[s.paper_id] = {
                "paper_id": s.paper_id, "title": s.title, "abstract": s.abstract or None,
                # arXiv categories stand in for the venue: S2AND compares venue n-grams.
                "venue": s.categories or None, "journal_name": s.journal or None, "year": s.year,
                "references": [],
                "authors": [{"position": i, "author_name": n} for i, n in enumerate(s.byline)],
            }
    return ANDData(
        signatures=sigs, papers=papers, name="block", mode="inference", specter_embeddings=None,
        cluster_seeds=seeds, load_name_counts=name_counts, n_jobs=1, preprocess=True,
    )


def _seeds(constraints: Constraints, seeded: dict[str, str]) -> dict:
    """S2AND's cluster-seed JSON: root → {sid: "require" | "disallow"}."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    groups: dict[str, list[str]] = defaultdict(list)
    for sid, cluster in seeded.items():
        groups[cluster].append(sid)
    for group in [*groups.values(), *constraints.require]:
        if len(group) > 1:
            root = group[0]
            for sid in group[1:]:
                out[root][sid] = "require"
    for a, b in constraints.disallow:
        out[a][b] = "disallow"
    return dict(out)


def _root(parent: dict, x):
    """Union-find: ``x``'s root in ``parent`` (an unseen ``x`` is its own), halving the path."""
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _merge_require_groups(constraints: Constraints, seeded: dict[str, str]) -> dict[str, str]:
    """Seeds with the require groups folded in (union-find): S2AND keeps one seed id per signature."""
    parent: dict[str, str] = {}
    by_cluster: dict[str, list[str]] = defaultdict(list)
    for sid, c in seeded.items():
        by_cluster[c].append(sid)
    for group in [*by_cluster.values(), *constraints.require]:
        for sid in group[1:]:
            parent[_root(parent, sid)] = _root(parent, group[0])
        if group:
            _root(parent, group[0])
    return {sid: _root(parent, sid) for sid in parent}


@dataclass
class BlockInput:
    """One block to cluster. ``seeded`` maps already-clustered signatures to their cluster
    (record) id; ``new`` names the signatures to link into them (incremental mode)."""

    signatures: list[Signature]
    seeded: dict[str, str] = field(default_factory=dict)
    new: set[str] = field(default_factory=set)
    constraints: Constraints = field(default_factory=Constraints)


def cluster_block(signatures: list[Signature], *, name_counts: dict, seeded=None, new=None,
                  constraints=None) -> BlockResult:
    """One block alone (see cluster_blocks)."""
    block = BlockInput(signatures, dict(seeded or {}), set(new or ()), constraints or Constraints())
    return cluster_blocks({"b": block}, name_counts=name_counts)["b"]


def cluster_blocks(blocks: dict[str, BlockInput], *, name_counts: dict) -> dict[str, BlockResult]:
    """Cluster many independent blocks in one S2AND dataset: building the dataset and calling the
    model once per batch, not once per block, is what makes small blocks cheap."""
    results: dict[str, BlockResult] = {}
    work: dict[str, BlockInput] = {}
    for key, block in blocks.items():
        ids = [s.sid for s in block.signatures]
        if len(ids) <= 1:
            results[key] = BlockResult([ids] if ids else [], {i: 1.0 for i in ids},
                                       {i: "only byline with this name" for i in ids})
        else:
            work[key] = block
    if not work:
        return results
    model = load_model()
    # Seeds (existing clusters folded with the require groups) get ids unique across blocks.
    merged: dict[str, dict[str, str]] = {}
    all_seeds: dict[str, str] = {}
    disallow: list[tuple[str, str]] = []
    for key, block in work.items():
        ids = {s.sid for s in block.signatures}
        m = _merge_require_groups(block.constraints, {k: v for k, v in block.seeded.items() if k in ids})
        merged[key] = {sid: f"{key}\x1f{c}" for sid, c in m.items()}
        all_seeds.update(merged[key])
        disallow.extend(block.constraints.disallow)
    by_sid = {s.sid: s for block in work.values() for s in block.signatures}
    full: dict[str, list[str]] = {}
    incremental: dict[str, tuple[list[str], list[str]]] = {}
    candidates: dict[str, list[str]] = {}
    clusters_of: dict[str, list[list[str]]] = {}
    pairs: dict[str, int] = {}
    modes: dict[str, str] = {}
    signatures: list[Signature] = []
    for key, block in work.items():
        ids = [s.sid for s in block.signatures]
        new = block.new & set(ids)
        old = [sid for sid in ids if sid not in new]
        if new and old and len(new) <= INCREMENTAL_SHARE * len(ids) and all(sid in merged[key] for sid in old):
            incremental[key] = (sorted(new), old)
            modes[key] = "incremental"
            # Only the new signatures and the seeded ones they are compared with enter the
            # dataset: S2AND's preprocessing of a signature (coauthor and text n-grams) costs as
            # much as scoring a few pairs, and most of a big block is never compared.
            found = _link_candidates(block.signatures, new, merged[key])
            candidates.update(found)
            wanted = new | {o for olds in found.values() for o in olds}
            signatures.extend(s for s in block.signatures if s.sid in wanted)
        else:
            modes[key] = "full"
            signatures.extend(block.signatures)
    dataset = _anddata(signatures, name_counts, _seeds(Constraints(disallow=disallow), all_seeds) or None)
    for key, block in work.items():
        if modes[key] == "full":
            for sub, members in _subblocks([s.sid for s in block.signatures], dataset).items():
                full[f"{key}\x1e{sub}"] = members
    dataset.cluster_seeds_require = dict(all_seeds)
    dataset._cluster_seeds_version = getattr(dataset, "_cluster_seeds_version", 0) + 1
    link_similarity: dict[str, float] = {}
    if incremental:
        linked, leftovers, link_similarity = _link(incremental, candidates, merged, model, dataset)
        for key, (new_ids, _old_ids) in incremental.items():
            pairs[key] = sum(len(candidates.get(sid, ())) for sid in new_ids)
            rest = leftovers.get(key, [])
            if len(rest) > 1:
                full[f"{key}\x1enew"] = rest
            clusters_of[key] = linked[key]
    similarity: dict[str, float] = dict(link_similarity)
    if full:
        # The distances are kept: clustering reads them, and so does confidence, for free.
        dists = _block_distances(full, model, dataset)
        raw, _ = model.predict(full, dataset, dists=dists)
        by_sub: dict[str, list[list[str]]] = defaultdict(list)
        sub_of = {sid: sub_key for sub_key, members in full.items() for sid in members}
        for members in raw.values():
            if members:
                by_sub[sub_of[members[0]]].append(list(members))
        for key in (k for k, mode in modes.items() if mode == "full"):
            ids = [s.sid for s in work[key].signatures]
            found = [c for sub_key, cs in by_sub.items() if sub_key.split("\x1e", 1)[0] == key for c in cs]
            clusters_of[key] = coherent_parts(_complete(found, ids, merged[key]), by_sid, merged[key])
        for key in incremental:
            clusters_of[key] = clusters_of[key] + coherent_parts(by_sub.get(f"{key}\x1enew", []), by_sid, merged[key])
            ids = [s.sid for s in work[key].signatures]
            clusters_of[key] = _complete(clusters_of[key], ids, merged[key])
        label: dict[str, int] = {}
        for key, clusters in clusters_of.items():
            for n, members in enumerate(clusters):
                label.update((sid, n) for sid in members)
        for sub_key, members in full.items():
            key = sub_key.split("\x1e", 1)[0]
            if modes[key] == "full":
                pairs[key] = pairs.get(key, 0) + len(members) * (len(members) - 1) // 2
            similarity.update(_similarity_from_distances(members, dists.pop(sub_key), label))
    else:
        for key in incremental:
            clusters_of[key] = _complete(clusters_of[key], [s.sid for s in work[key].signatures], merged[key])
    only = {sid for key in incremental for sid in incremental[key][0]}
    confidence, evidence = score_clusters(clusters_of, by_sid, similarity=similarity, incremental=set(incremental),
                                          only=only)
    for key in work:
        results[key] = BlockResult(clusters_of[key], {sid: confidence[sid] for c in clusters_of[key] for sid in c
                                                      if sid in confidence},
                                   {sid: evidence[sid] for c in clusters_of[key] for sid in c if sid in evidence},
                                   pairs_scored=pairs.get(key, 0), mode=modes[key])
    return results


def _link(incremental: dict[str, tuple[list[str], list[str]]], candidates: dict[str, list[str]],
          merged: dict[str, dict[str, str]], model, dataset) -> tuple[dict, dict, dict]:
    """Link new signatures into existing clusters, every block of the batch in one scoring pass.

    What S2AND's ``predict_incremental`` does on its Python path, batched: each new signature is
    scored against the clustered signatures of its block (``candidates``: see _link_candidates),
    joins the cluster at the smallest average distance when that is below the model's eps and no
    hard constraint forbids it; the rest are clustered among themselves (returned as leftovers).
    Calling ``predict_incremental`` once per block cost ~25 ms of set-up per block: 40 signatures/s.
    """
    eps = float(getattr(model.cluster_model, "eps", CLUSTER_EPS) or CLUSTER_EPS)
    pairs = [(n, o) for new_ids, _old in incremental.values() for n in new_ids for o in candidates.get(n, ())]
    distance = _pair_distances(pairs, model, dataset)
    linked: dict[str, list[list[str]]] = {}
    leftovers: dict[str, list[str]] = {}
    similarity: dict[str, float] = {}
    for key, (new_ids, old_ids) in incremental.items():
        seeds = merged[key]
        groups: dict[str, list[str]] = defaultdict(list)
        for sid in old_ids:
            groups[seeds[sid]].append(sid)
        rest = []
        existing = {cluster: list(members) for cluster, members in groups.items()}
        for sid in new_ids:
            best, best_d, best_sim = None, eps, 0.0
            for cluster, members in existing.items():
                ds = [distance[(sid, m)] for m in members if (sid, m) in distance]
                if not ds:
                    continue
                if max(ds) >= LARGE_DISTANCE_FLOOR:
                    continue  # a hard constraint says no
                mean = sum(ds) / len(ds)
                if mean < best_d:
                    best, best_d, best_sim = cluster, mean, 1.0 - min(ds)
            if best is None:
                rest.append(sid)
                similarity[sid] = -max((1.0 - distance[(sid, m)] for m in old_ids if (sid, m) in distance),
                                       default=0.0)
            else:
                groups[best].append(sid)
                similarity[sid] = best_sim
        linked[key] = [members for members in groups.values()]
        leftovers[key] = rest
        if len(rest) == 1:
            linked[key].append(rest)
    return linked, leftovers, similarity


# A new signature is compared with at most this many members of each existing cluster: the
# cluster's average distance is estimated from an even spread of its members (by year), so a
# prolific person's 300 papers cost what 6 do (measured at 30k
# papers: B3 F1 within 0.001 of scoring every member).
LINK_SAMPLE_PER_CLUSTER = 6

_ALIASES: set[tuple[str, str]] | None = None


def _first_name_aliases() -> set[tuple[str, str]]:
    """S2AND's own table of first names one person goes by (both orders): "jim"/"james"."""
    global _ALIASES
    if _ALIASES is None:
        from s2and.data import _load_name_tuples_from_file

        pairs_ = _load_name_tuples_from_file("s2and_name_tuples_filtered.txt")
        _ALIASES = pairs_ | {(b, a) for a, b in pairs_}
    return _ALIASES


def _first_names_compatible(a: str, b: str, aliases: set[tuple[str, str]]) -> bool:
    """False only where S2AND's hard constraint would refuse the pair anyway (two full first
    names, neither a prefix of the other, not aliases): such pairs are never scored."""
    if len(a) <= 1 or len(b) <= 1 or a.startswith(b) or b.startswith(a):
        return True
    return (a, b) in aliases


def _link_candidates(signatures: list[Signature], new: set[str], seeds: dict[str, str]) -> dict[str, list[str]]:
    """For each new signature, the seeded signatures it is scored against: the name-compatible
    members of each existing cluster it shares a category, coauthor, affiliation or ORCID with,
    at most LINK_SAMPLE_PER_CLUSTER of them, spread evenly over the cluster's years."""
    from s2and.text import normalize_text

    aliases = _first_name_aliases()
    first = {s.sid: (normalize_text(s.first or "").replace(" ", "") or "") for s in signatures}
    clusters: dict[str, list[Signature]] = defaultdict(list)
    by_sid: dict[str, Signature] = {}
    for s in signatures:
        by_sid[s.sid] = s
        if s.sid not in new and s.sid in seeds:
            clusters[seeds[s.sid]].append(s)
    # What each cluster's works share besides the name (coherent_parts): a new work that shares
    # none of it could only join on the name, which the full run would cut apart again.
    cluster_keys = {c: frozenset().union(*(evidence_keys(m) for m in members)) for c, members in clusters.items()}
    out: dict[str, list[str]] = {}
    for sid in new:
        mine = first[sid]
        keys = evidence_keys(by_sid[sid])
        chosen: list[str] = []
        for cluster, members in clusters.items():
            if keys and not keys & cluster_keys[cluster]:
                continue
            ok = [m for m in members if _first_names_compatible(mine, first[m.sid], aliases)]
            if len(ok) > LINK_SAMPLE_PER_CLUSTER:
                ok.sort(key=lambda m: (m.year or 0, m.sid))
                step = len(ok) / LINK_SAMPLE_PER_CLUSTER
                ok = [ok[int(i * step)] for i in range(LINK_SAMPLE_PER_CLUSTER)]
            chosen.extend(m.sid for m in ok)
        out[sid] = chosen
    return out


def _pair_distances(pairs, model, dataset) -> dict[tuple[str, str], float]:
    """S2AND's distance for each pair, hard constraints (seeds, "not me", names) applied.

    A pair a hard constraint decides (incompatible first or middle names, a seed, a "not me") is
    never featurized or scored, as in S2AND's own distance matrices: in blocks of common surnames
    ("li|y": Yang, Yan, Yu, Ying...) that is most of the pairs, and scoring is the cost."""
    out = {}
    open_pairs = []
    for a, b in pairs:
        constraint = dataset.get_constraint(a, b)
        if constraint is None:
            open_pairs.append((a, b))
        else:
            out[(a, b)] = float(constraint)
    for start in range(0, len(open_pairs), PAIR_CHUNK):
        chunk = open_pairs[start:start + PAIR_CHUNK]
        probabilities = _pair_probabilities(chunk, model, dataset)
        for pair in chunk:
            out[pair] = 1.0 - probabilities[pair]
    return out


def _block_distances(subblocks: dict[str, list[str]], model, dataset) -> dict:
    """Condensed distance vectors (scipy's order) of every subblock, the pairs of many small
    subblocks featurized and scored together (_pair_distances), in groups of about PAIR_CHUNK
    pairs so memory stays bounded. S2AND's ``make_distance_matrices`` gives the same numbers
    block by block, and on its Rust backend pays a dataset fingerprint per block."""
    import numpy as np

    out = {}
    group: list[str] = []
    size = 0
    keys = list(subblocks)
    for n, key in enumerate(keys):
        group.append(key)
        size += len(subblocks[key]) * (len(subblocks[key]) - 1) // 2
        if size < PAIR_CHUNK and n + 1 < len(keys):
            continue
        pairs = [(members[i], members[j]) for members in (subblocks[k] for k in group)
                 for i in range(len(members)) for j in range(i + 1, len(members))]
        distance = _pair_distances(pairs, model, dataset)
        for k in group:
            members = subblocks[k]
            m = len(members)
            out[k] = np.fromiter((distance[(members[i], members[j])] for i in range(m) for j in range(i + 1, m)),
                                 dtype=np.float64, count=m * (m - 1) // 2)
        group, size = [], 0
    return out


def _complete(clusters: list[list[str]], ids: list[str], seeded: dict[str, str]) -> list[list[str]]:
    """A partition of exactly ``ids``: S2AND's incremental payload names only the clusters it
    touched, so untouched seeds come back as their seed clusters, and anything else alone."""
    wanted = set(ids)
    seen: set[str] = set()
    out = []
    for members in clusters:
        kept = [m for m in members if m in wanted and m not in seen]
        seen.update(kept)
        if kept:
            out.append(kept)
    rest: dict[str, list[str]] = defaultdict(list)
    for sid in ids:
        if sid not in seen:
            rest[seeded.get(sid, sid)].append(sid)
    return out + list(rest.values())


def evidence_keys(sig: Signature) -> frozenset[tuple[str, str]]:
    """What a work can share with another work of the same person besides the name: its arXiv
    categories, its coauthors, its affiliation and ORCID."""
    keys = [("c", c) for c in sig.categories.split()]
    keys.extend(("a", a) for a in _coauthors(sig))
    affiliation = " ".join(sig.affiliation.casefold().split())
    if affiliation:
        keys.append(("f", affiliation))
    if sig.orcid:
        keys.append(("o", sig.orcid))
    return frozenset(keys)


def coherent_parts(clusters: list[list[str]], by_sid: dict[str, Signature],
                   seed_of: dict[str, str] | None = None) -> list[list[str]]:
    """Each cluster cut into the parts its works hold together by something besides the name.

    Two works are joined when they share a category, a coauthor, an affiliation or an ORCID, and
    joins are transitive: a person who moved from hep-ph to astro-ph.CO through cross-listed
    papers or a shared coauthor stays one cluster. What the model merged on the name alone,
    across fields that share nothing, is kept apart: namesakes merged are the error users resent
    most, and a merge costs B3 precision for every work of both people, while a person's
    separate-field side line, kept apart, costs recall only for that side line (measured on
    ``generate_corpus --papers 30000 --homonym-rate 0.2``: precision 0.918 → 0.979, recall
    0.932 → 0.912 at the model's eps; see CLUSTER_EPS). Works that carry no such evidence at all
    stay with the largest part, and signatures seeded together (a record's confirmed slots, a
    moderator's merge: ``seed_of``) are never cut apart.
    """
    seed_of = seed_of or {}
    out: list[list[str]] = []
    for members in clusters:
        out.extend(_coherent_split(members, by_sid, seed_of) if len(members) > 1 else [members])
    return out


def _coherent_split(members: list[str], by_sid: dict[str, Signature], seed_of: dict[str, str]) -> list[list[str]]:
    """One cluster's parts (coherent_parts): union-find over shared evidence keys."""
    parent: dict[int, int] = {}
    first_with: dict[tuple[str, str], int] = {}
    neutral: set[int] = set()
    for i, sid in enumerate(members):
        keys = evidence_keys(by_sid[sid])
        if sid in seed_of:
            keys = keys | {("s", seed_of[sid])}
        if not keys:
            neutral.add(i)
            continue
        for key in keys:
            j = first_with.setdefault(key, i)
            if j != i:
                parent[_root(parent, i)] = _root(parent, j)
    parts: dict[int, list[str]] = defaultdict(list)
    for i, sid in enumerate(members):
        if i not in neutral:
            parts[_root(parent, i)].append(sid)
    pieces = sorted(parts.values(), key=len, reverse=True) or [[]]
    pieces[0].extend(members[i] for i in sorted(neutral))
    return pieces


def _subblocks(ids: list[str], dataset) -> dict[str, list[str]]:
    if len(ids) <= MAX_SUBBLOCK:
        return {"b": ids}
    from s2and.subblocking import make_subblocks

    try:
        out = make_subblocks(ids, dataset, maximum_size=MAX_SUBBLOCK)
    except Exception:  # noqa: BLE001 - subblocking is an optimisation: fall back to size cuts
        logger.exception("S2AND subblocking failed; cutting the block by size")
        out = {f"b{i}": ids[i:i + MAX_SUBBLOCK] for i in range(0, len(ids), MAX_SUBBLOCK)}
    return {str(k): list(v) for k, v in out.items()}


# -- confidence and evidence ---------------------------------------------------------------------



def _similarity_from_distances(members: list[str], dist, label: dict[str, int]) -> dict[str, float]:
    """Per signature, from a block's condensed distance vector: the best same-person probability
    to a cluster-mate, or (alone in its cluster) one minus the best to anybody else."""
    import numpy as np
    from scipy.spatial.distance import squareform

    n = len(members)
    if n < 2:
        return {}
    square = squareform(np.asarray(dist, dtype=np.float32), checks=False)
    np.fill_diagonal(square, np.inf)
    labels = np.array([label.get(sid, -1) for sid in members])
    same = labels[:, None] == labels[None, :]
    np.fill_diagonal(same, False)
    out = {}
    for i, sid in enumerate(members):
        if same[i].any():
            out[sid] = float(1.0 - square[i][same[i]].min())
        else:
            out[sid] = -float(1.0 - square[i].min())  # negative: "alone", the best outside match
    return out


def score_clusters(clusters_of: dict[str, list[list[str]]], by_sid: dict[str, Signature], *,
                   similarity: dict[str, float], incremental: set[str], only: set[str]) -> tuple[dict, dict]:
    """Confidence of each signature in its cluster, from S2AND's own same-person probability
    (``similarity``, read off the distances the clustering or the linking computed).

    With cluster-mates: the best probability to one of them (sure if it clearly matches
    somebody). Alone beside namesake clusters: one minus the best probability to any of them
    (sure if it clearly matches nobody). Alone in its block: 1. In incrementally linked blocks only
    the new signatures (``only``) are scored; the others keep theirs.
    """
    confidence: dict[str, float] = {}
    evidence: dict[str, str] = {}
    for key, clusters in clusters_of.items():
        for members in clusters:
            for sid in members:
                if key in incremental and sid not in only:
                    continue
                sim = similarity.get(sid, 0.0)
                if len(members) > 1:
                    confidence[sid] = round(min(1.0, max(0.0, sim)), 3)
                    evidence[sid] = describe(by_sid[sid], [by_sid[m] for m in members if m != sid])
                elif len(clusters) > 1:
                    confidence[sid] = round(min(1.0, max(0.0, 1.0 + min(0.0, sim))), 3)
                    evidence[sid] = "no other work under this name matches"
                else:
                    confidence[sid] = 1.0
                    evidence[sid] = "only byline with this name"
    return confidence, evidence


def _pair_probabilities(pairs, model, dataset) -> dict[tuple[str, str], float]:
    """S2AND's same-person probability for each pair: the two LightGBM models averaged, exactly
    as its clustering distances are (distance = 1 - probability)."""
    import numpy as np
    from s2and.featurizer import many_pairs_featurize
    from s2and.model import _ensure_lightgbm_fitted, _predict_and_combine

    _ensure_lightgbm_fitted(model.classifier)
    _ensure_lightgbm_fitted(model.nameless_classifier)
    features, _labels, nameless = many_pairs_featurize(
        [(a, b, np.nan) for a, b in pairs], dataset, model.featurizer_info, n_jobs=1, use_cache=False,
        chunk_size=10_000, nameless_featurizer_info=model.nameless_featurizer_info,
    )
    distances, _seconds = _predict_and_combine(
        model.classifier, model.nameless_classifier, features, np.full(len(pairs), np.nan), nameless, "confidence",
        num_threads=1,
    )
    return {pair: float(1.0 - d) for pair, d in zip(pairs, distances)}


@lru_cache(maxsize=65536)
def _tokens(name: str) -> str:
    return " ".join(name.casefold().replace(".", " ").split())


def _coauthors(sig: Signature) -> frozenset[str]:
    return frozenset(_tokens(n) for i, n in enumerate(sig.byline) if i != sig.position)


def describe(sig: Signature, mates: list[Signature]) -> str:
    """The strongest evidence, in words: "3 shared coauthors · same institution · cs.LG"."""
    own = _coauthors(sig)
    shared = set()
    for m in mates:
        shared |= own & _coauthors(m)
    parts = []
    if shared:
        parts.append(f"{len(shared)} shared coauthor{'s' if len(shared) != 1 else ''}")
    aff = sig.affiliation.casefold().strip()
    if aff and any(m.affiliation.casefold().strip() == aff for m in mates):
        parts.append("same institution")
    mine = set(sig.categories.split())
    common = Counter(c for m in mates for c in set(m.categories.split()) & mine)
    if common:
        parts.append(common.most_common(1)[0][0])
    if sig.year and not parts:
        years = [m.year for m in mates if m.year]
        if years and min(abs(sig.year - y) for y in years) <= 2:
            parts.append("active the same years")
    if not parts:
        parts.append("similar name and topic")
    return " · ".join(parts)[:300]
