"""The trust recompute engine: every record at once, set-based, in bounded memory.

Pipeline (trust_recompute_all):
1. Pull the author table and the (paper, author) authorship table out of Postgres as whole
   binary arrays (array_agg + array_send, pgcopy.fetch_arrays) in primary-key chunks, straight
   into compact numpy arrays; papers' years are joined in numpy.
2. Consistency inputs (works, strong attributions, first/last year) are per-author aggregates
   over those arrays (bincount / ufunc.at), i.e. one scan instead of one query per record.
3. The coauthor graph is expanded from the authorship arrays in author chunks of at most
   TRIPLES_PER_CHUNK (author, coauthor, paper) triples, which bounds memory whatever the corpus
   size. Each chunk yields (a) coherence: for every author, a bipartite graph of its papers and
   its coauthors; all authors of the chunk form one disjoint union, so a single
   scipy.sparse.csgraph.connected_components call labels every author's clusters at once; and
   (b) that chunk's rows of the weighted coauthor matrix W (scipy.sparse).
   Papers with more than model.COLLABORATION_AUTHOR_CAP authors are skipped here (see there).
   We expand pairs in numpy from one authorship scan rather than a SQL self-join so Postgres
   ships N authorship rows instead of ~N·k pair rows.
4. EigenTrust: personalised PageRank by power iteration on W (scipy sparse mat-vec), teleporting
   to the L3/L4 seeds.
5. Follows, vouches, open disputes and moderator flags are small SQL aggregates.
6. model.py turns the inputs into points; results are COPY'd into a temporary staging table and
   written with one INSERT … ON CONFLICT, which also applies the daily gain cap against the stored
   row and appends today's TrustSnapshot row where the score changed.

Everything is deterministic: fixed orderings, single-threaded sparse products, fixed tolerance.
"""

from __future__ import annotations

import dataclasses
import logging
import time

import numpy as np
from django.utils import timezone
from scipy import sparse
from scipy.sparse import csgraph

from . import method
from .pgcopy import copy_in, fetch_arrays

log = logging.getLogger(__name__)

CLAIM_STATE_CODES = {"unclaimed": 0, "claimed": 1, "disputed": 2}
CLAIM_STATE_NAMES = {v: k for k, v in CLAIM_STATE_CODES.items()}
# Upper bound on (author, coauthor, paper) triples expanded at once: ~100 MB of working arrays.
TRIPLES_PER_CHUNK = 4_000_000
# pg_advisory_xact_lock key serialising writers of trust_trustscore ("trust" in ASCII).
WRITE_LOCK_KEY = 0x7472757374

AUTHOR_FIELDS = [
    ("id", "id", "int8"),
    ("level", "LEAST(GREATEST(verification_level, 1), 4)", "int2"),
    ("has_orcid", "COALESCE(orcid, '') <> ''", "bool"),
    ("claim_state", "CASE claim_state WHEN 'claimed' THEN 1 WHEN 'disputed' THEN 2 ELSE 0 END", "int2"),
    # Filled by the disambiguation engine (works below its confidence threshold).
    ("uncertain", "uncertain_works_count", "int4"),
]
# Slots still awaiting the owner's review are not part of the record.
AUTHORSHIP_FIELDS = [
    ("paper_id", "paper_id", "int8"),
    ("author_id", "author_id", "int8"),
    ("orcid", "attribution = 'orcid'", "bool"),
    ("owner", "attribution = 'owner'", "bool"),
]
# The primary category's archive (cs, math, hep-th, …) travels as a 32-bit hash: topic focus only
# needs to tell archives apart.
PAPER_FIELDS = [("id", "id", "int8"), ("year", "COALESCE(year, 0)", "int2"), ("deleted", "deleted", "bool"),
                ("category", "hashtext(split_part(primary_category, '.', 1))", "int4")]
# Authorship rows fetched per round trip (by primary-key range): ~60 MB of arrays.
AUTHORSHIP_ID_SPAN = 2_000_000


@dataclasses.dataclass
class Rows:
    """Authorship rows, de-duplicated and sorted by (paper, author)."""

    aidx: np.ndarray  # int32 author index
    orcid: np.ndarray  # bool: slot attributed by ORCID
    owner: np.ndarray  # bool: slot accepted by the record's owner
    year: np.ndarray  # int16, 0 = unknown
    category: np.ndarray  # int32 hash of the paper's primary category
    k: np.ndarray  # int32 authors on the row's paper
    start: np.ndarray  # int64 first row of the row's paper


@dataclasses.dataclass
class Inputs:
    """Per-record model inputs, aligned with author_ids."""

    author_ids: np.ndarray
    level: np.ndarray
    has_orcid: np.ndarray
    claim_state: np.ndarray
    works: np.ndarray
    focus: np.ndarray
    uncertain: np.ndarray
    strong: np.ndarray
    first_year: np.ndarray
    last_year: np.ndarray
    measurable: np.ndarray
    largest: np.ndarray
    clusters: np.ndarray
    eigentrust_x: np.ndarray
    is_seed: np.ndarray
    seeds: int
    follows: np.ndarray
    vouches: np.ndarray
    open_dispute: np.ndarray
    flag_points: np.ndarray
    # author_id → [str]: only the few records that have them.
    claim_evidence: dict
    flag_reasons: dict


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------

def load_authors(conn, where="", params=None):
    out = fetch_arrays(conn, AUTHOR_FIELDS, f"FROM researchers_author {where}", params)
    order = np.argsort(out["id"], kind="stable")
    return {k: v[order] for k, v in out.items()}


def load_authorships(conn, where=None, params=None, paper_where=""):
    """Authorship slots with their paper's year (joined in numpy); slots on deleted papers dropped.

    Without `where`, every slot, fetched in primary-key ranges to bound each round trip."""
    if where is None:
        with conn.cursor() as cur:
            cur.execute("SELECT MIN(id), MAX(id) FROM papers_authorship")
            lo, hi = cur.fetchone()
        chunks = [
            fetch_arrays(conn, AUTHORSHIP_FIELDS,
                         "FROM papers_authorship WHERE id >= %s AND id < %s AND attribution <> 'pending'",
                         [start, start + AUTHORSHIP_ID_SPAN])
            for start in (range(lo, hi + 1, AUTHORSHIP_ID_SPAN) if lo is not None else [])
        ]
        papers = fetch_arrays(conn, PAPER_FIELDS, "FROM papers_paper")
    else:
        chunks = [fetch_arrays(conn, AUTHORSHIP_FIELDS,
                               f"FROM papers_authorship WHERE attribution <> 'pending' {where}", params)]
        papers = fetch_arrays(conn, PAPER_FIELDS, f"FROM papers_paper {paper_where}", params)
    if not chunks:
        chunks = [fetch_arrays(conn, AUTHORSHIP_FIELDS, "FROM papers_authorship WHERE false")]
    raw = {name: np.concatenate([c[name] for c in chunks]) for name, _, _ in AUTHORSHIP_FIELDS}
    del chunks

    order = np.argsort(papers["id"], kind="stable")
    pids, years, deleted = papers["id"][order], papers["year"][order], papers["deleted"][order]
    if not len(pids):
        return {**{k: v[:0] for k, v in raw.items()}, "year": np.empty(0, dtype=np.int16),
                "category": np.empty(0, dtype=np.int32)}
    pos = np.minimum(np.searchsorted(pids, raw["paper_id"]), len(pids) - 1)
    keep = (pids[pos] == raw["paper_id"]) & ~deleted[pos]
    out = {k: v[keep] for k, v in raw.items()}
    out["year"] = years[pos[keep]]
    out["category"] = papers["category"][order][pos[keep]]
    return out


def prepare_rows(author_ids: np.ndarray, raw: dict) -> Rows:
    """Map ids to dense indexes, drop duplicate (paper, author) slots, sort by paper."""
    aid = raw["author_id"]
    aidx = np.searchsorted(author_ids, aid)
    if len(author_ids):
        known = (aidx < len(author_ids)) & (author_ids[np.minimum(aidx, len(author_ids) - 1)] == aid)
    else:
        known = np.zeros(len(aid), dtype=bool)
    _, pidx = np.unique(raw["paper_id"][known], return_inverse=True)
    aidx = aidx[known].astype(np.int64)
    key = pidx.astype(np.int64) * max(len(author_ids), 1) + aidx
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    order = order[first]
    del key, first
    pid = pidx[order]
    n = len(pid)
    bounds = np.flatnonzero(np.r_[True, pid[1:] != pid[:-1]]) if n else np.empty(0, dtype=np.int64)
    sizes = np.diff(np.r_[bounds, n]).astype(np.int32)
    return Rows(
        aidx=aidx[order].astype(np.int32),
        orcid=raw["orcid"][known][order],
        owner=raw["owner"][known][order],
        year=raw["year"][known][order],
        category=raw["category"][known][order],
        k=np.repeat(sizes, sizes),
        start=np.repeat(bounds.astype(np.int64), sizes),
    )


def record_aggregates(rows: Rows, n: int, level: np.ndarray):
    works = np.bincount(rows.aidx, minlength=n).astype(np.int32)
    strong_slot = rows.orcid | (rows.owner & (level[rows.aidx] >= method.STRONG_OWNER_MIN_LEVEL))
    strong = np.bincount(rows.aidx, weights=strong_slot.astype(np.float64), minlength=n).astype(np.int32)
    dated = rows.year > 0
    first = np.full(n, np.iinfo(np.int16).max, dtype=np.int16)
    last = np.zeros(n, dtype=np.int16)
    np.minimum.at(first, rows.aidx[dated], rows.year[dated])
    np.maximum.at(last, rows.aidx[dated], rows.year[dated])
    first[last == 0] = 0
    return works, strong, first, last


def topic_focus(rows: Rows, n: int) -> np.ndarray:
    """Works of each author in its most frequent primary category (one sort of (author, category))."""
    focus = np.zeros(n, dtype=np.int32)
    if not len(rows.aidx):
        return focus
    key = rows.aidx.astype(np.int64) << 32 | (rows.category.astype(np.int64) & 0xFFFFFFFF)
    uniq, counts = np.unique(key, return_counts=True)
    np.maximum.at(focus, (uniq >> 32).astype(np.int64), counts.astype(np.int32))
    return focus


def coauthor_pass(rows: Rows, n: int, *, only=None, build_matrix=True, triples_per_chunk=TRIPLES_PER_CHUNK):
    """Coherence inputs for every author (or only the author indexes in `only`) and, optionally,
    the symmetric weighted coauthor matrix W (n × n, csr).

    Returns measurable, largest, clusters (int32 arrays of length n) and W or None.
    """
    measurable = np.zeros(n, dtype=np.int32)
    largest = np.zeros(n, dtype=np.int32)
    clusters = np.zeros(n, dtype=np.int32)
    eligible = (rows.k >= 2) & (rows.k <= method.COLLABORATION_AUTHOR_CAP)
    if only is not None:
        eligible &= np.isin(rows.aidx, only)
    er = np.flatnonzero(eligible)
    ea = rows.aidx[er]
    order = np.argsort(ea, kind="stable")
    er, ea = er[order], ea[order]
    measurable += np.bincount(ea, minlength=n).astype(np.int32)

    # Chunk on author boundaries so every author's graph is complete inside one chunk.
    partners = (rows.k[er] - 1).astype(np.int64)
    cum = np.concatenate([[0], np.cumsum(partners)])
    group_starts = np.flatnonzero(np.r_[True, ea[1:] != ea[:-1]]) if len(ea) else np.empty(0, np.int64)
    targets = np.arange(triples_per_chunk, cum[-1], triples_per_chunk)
    cuts = np.unique(np.searchsorted(cum[group_starts], targets, side="right") - 1)
    bounds = np.unique(np.r_[0, group_starts[cuts[cuts > 0]] if len(cuts) else [], len(er)]).astype(np.int64)

    w_rows, w_cols, w_vals = [], [], []
    for b0, b1 in zip(bounds[:-1], bounds[1:]):
        R = er[b0:b1]
        if not len(R):
            continue
        aR = rows.aidx[R].astype(np.int64)
        kR = rows.k[R].astype(np.int64)
        rep = np.repeat(np.arange(len(R)), kR)
        offs = np.arange(len(rep)) - np.repeat(np.cumsum(kR) - kR, kR)
        prow = rows.start[R][rep] + offs
        keep = prow != R[rep]
        rep, prow = rep[keep], prow[keep]
        del offs, keep
        a = aR[rep]
        c = rows.aidx[prow].astype(np.int64)
        del prow

        # One stable sort of the (author, coauthor) keys serves both outputs: equal keys become
        # adjacent groups (the coauthor nodes of the coherence graph) and the groups come out in
        # CSR order (row = author, then column = coauthor) for W, with no sparse format conversion.
        key = a * n + c
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
        group = np.empty(len(key), dtype=np.int64)
        group[order] = np.cumsum(np.r_[True, sorted_key[1:] != sorted_key[:-1]]) - 1
        del key

        # Coherence: nodes 0..len(R)-1 are this chunk's (author, paper) slots, then one node per
        # (author, coauthor) group; components never cross authors. `rep` is non-decreasing, so
        # the slot rows' CSR structure is a bincount.
        n_slots, n_groups = len(R), len(starts)
        indptr = np.zeros(n_slots + n_groups + 1, dtype=np.int64)
        indptr[1:n_slots + 1] = np.cumsum(np.bincount(rep, minlength=n_slots))
        indptr[n_slots + 1:] = indptr[n_slots]
        g = sparse.csr_matrix((np.ones(len(rep), dtype=np.int8), n_slots + group, indptr),
                              shape=(n_slots + n_groups,) * 2)
        _, labels = csgraph.connected_components(g, directed=False)
        del g, indptr, group
        slot_labels = labels[:n_slots]
        counts = np.bincount(slot_labels)
        comp_author = np.zeros(len(counts), dtype=np.int64)
        comp_author[slot_labels] = aR
        has = counts > 0
        np.maximum.at(largest, comp_author[has], counts[has].astype(np.int32))
        np.add.at(clusters, comp_author[has], 1)

        if build_matrix:
            w = (1.0 / (kR[rep] - 1))[order]
            w_vals.append(np.add.reduceat(w, starts) if len(w) else w)
            firsts = sorted_key[starts]
            w_rows.append((firsts // n).astype(np.int32))
            w_cols.append((firsts % n).astype(np.int32))
            del w, firsts
        del rep, a, c, labels, order, sorted_key, starts

    W = None
    if build_matrix:
        if w_rows:
            row = np.concatenate(w_rows)
            indptr = np.zeros(n + 1, dtype=np.int64)
            indptr[1:] = np.cumsum(np.bincount(row, minlength=n))
            del row
            W = sparse.csr_matrix((np.concatenate(w_vals), np.concatenate(w_cols), indptr), shape=(n, n))
        else:
            W = sparse.csr_matrix((n, n), dtype=np.float64)
    return measurable, largest, clusters, W


def seed_weights(level, claim_state, open_dispute, flag_points):
    weights = np.zeros(len(level), dtype=np.float64)
    for lvl, w in method.EIGENTRUST_SEED_WEIGHTS.items():
        weights[level == lvl] = w
    weights[level < method.EIGENTRUST_SEED_MIN_LEVEL] = 0
    weights[(claim_state == CLAIM_STATE_CODES["disputed"]) | open_dispute | (flag_points > 0)] = 0
    return weights


def eigentrust(W, weights):
    """Personalised PageRank (EigenTrust) by power iteration.

    Returns x: trust each record received through coauthor edges (its own teleport share
    removed), in units of the average seed's teleport share (1 − d) / seeds.
    """
    n = len(weights)
    seeds = int((weights > 0).sum())
    if seeds == 0 or n == 0:
        return np.zeros(n, dtype=np.float64), 0
    d = method.EIGENTRUST_DAMPING
    p = weights / weights.sum()
    out = np.asarray(W.sum(axis=1)).ravel()
    inv_out = np.divide(1.0, out, out=np.zeros(n), where=out > 0)
    dangling = out == 0
    t = p.copy()
    for iteration in range(method.EIGENTRUST_MAX_ITERATIONS):
        # W is symmetric, so W @ y is the transposed (incoming) product.
        t_next = d * (W @ (t * inv_out))
        t_next += (d * t[dangling].sum() + (1 - d)) * p
        delta = np.abs(t_next - t).sum()
        t = t_next
        if delta < method.EIGENTRUST_TOLERANCE:
            break
    log.info("eigentrust: %d seeds, %d iterations, delta %.3g", seeds, iteration + 1, delta)
    x = (t - (1 - d) * p) / ((1 - d) / seeds)
    return np.maximum(x, 0.0), seeds


# ---------------------------------------------------------------------------------------------
# Side inputs: follows, vouches, disputes, flags, claim evidence (small aggregates)
# ---------------------------------------------------------------------------------------------

def _map(author_ids, pairs, dtype=np.int32):
    arr = np.zeros(len(author_ids), dtype=dtype)
    if pairs:
        ids = np.array([p[0] for p in pairs], dtype=np.int64)
        vals = np.array([p[1] for p in pairs])
        idx = np.searchsorted(author_ids, ids)
        ok = (idx < len(author_ids)) & (author_ids[np.minimum(idx, len(author_ids) - 1)] == ids)
        arr[idx[ok]] = vals[ok]
    return arr


def load_side_inputs(cur, author_ids, only_author_id=None):
    """Endorsements, disputes, flags and claim evidence, as arrays aligned with author_ids."""
    flt, params = ("", [])
    if only_author_id is not None:
        flt, params = (" AND {col} = %s", [only_author_id])
    out = {}

    # Follows from an account owning a claimed L3+ record other than the followed one; an account
    # following a record it owns itself (from another of its records) endorses nobody.
    cur.execute(
        "SELECT f.author_id, COUNT(DISTINCT f.user_id) FROM researchers_follow f "
        "WHERE EXISTS (SELECT 1 FROM researchers_author o WHERE o.owner_id = f.user_id "
        "  AND o.claim_state = 'claimed' AND o.verification_level >= %s AND o.id <> f.author_id)"
        " AND NOT EXISTS (SELECT 1 FROM researchers_author t WHERE t.id = f.author_id"
        "  AND t.owner_id = f.user_id)"
        + flt.format(col="f.author_id") + " GROUP BY f.author_id",
        [method.ENDORSEMENT_MIN_LEVEL, *params],
    )
    follows = cur.fetchall()
    # Vouches spoken from the voucher's own claimed L3+ record.
    cur.execute(
        "SELECT v.author_id, COUNT(DISTINCT v.voucher_author_id) FROM researchers_vouch v "
        "JOIN researchers_author va ON va.id = v.voucher_author_id "
        "WHERE va.owner_id = v.voucher_id AND va.claim_state = 'claimed' AND va.verification_level >= %s"
        " AND NOT EXISTS (SELECT 1 FROM researchers_author t WHERE t.id = v.author_id"
        "  AND t.owner_id = v.voucher_id)"
        # A vouch is for one claim: it lapses when that claim stops owning the record.
        " AND (v.claim_id IS NULL OR EXISTS (SELECT 1 FROM researchers_claim c WHERE c.id = v.claim_id"
        "      AND c.status IN ('active', 'approved')))"
        + flt.format(col="v.author_id") + " GROUP BY v.author_id",
        [method.ENDORSEMENT_MIN_LEVEL, *params],
    )
    vouches = cur.fetchall()
    cur.execute(
        "SELECT DISTINCT author_id, 1 FROM researchers_dispute WHERE status = 'open'"
        + flt.format(col="author_id"),
        params,
    )
    disputes = cur.fetchall()
    out["follows"] = _map(author_ids, follows)
    out["vouches"] = _map(author_ids, vouches)
    out["open_dispute"] = _map(author_ids, disputes, dtype=np.int8).astype(bool)

    cur.execute(
        "SELECT author_id, SUM(points), array_agg(reason ORDER BY created_at, id) FROM trust_trustflag "
        "WHERE lifted_at IS NULL" + flt.format(col="author_id") + " GROUP BY author_id",
        params,
    )
    flags = cur.fetchall()
    out["flag_points"] = _map(author_ids, [(a, int(p)) for a, p, _ in flags])
    out["flag_reasons"] = {a: list(r) for a, _, r in flags}

    claim_evidence = {}
    # The evidence of the claim that currently owns the record (same user as the owner).
    cur.execute(
        "SELECT c.author_id, e.summary FROM researchers_claimevidence e "
        "JOIN researchers_claim c ON c.id = e.claim_id "
        "JOIN researchers_author au ON au.id = c.author_id AND au.owner_id = c.user_id "
        "WHERE c.status IN ('active', 'approved') AND e.kind NOT IN ('statement', 'link')"
        + flt.format(col="c.author_id") + " ORDER BY c.author_id, e.level DESC, e.kind, e.id",
        params,
    )
    for author_id, summary in cur.fetchall():
        claim_evidence.setdefault(author_id, []).append(summary)
    out["claim_evidence"] = claim_evidence
    return out


# ---------------------------------------------------------------------------------------------
# Scoring and writing
# ---------------------------------------------------------------------------------------------

STAGE_FIELDS = [
    ("author_id", "int8"), ("level", "int2"), ("has_orcid", "bool"), ("claim_state", "int2"),
    ("works", "int4"), ("focus", "int4"), ("uncertain", "int4"), ("strong", "int4"), ("first_year", "int2"),
    ("last_year", "int2"),
    ("measurable", "int4"), ("largest", "int4"), ("clusters", "int4"),
    ("eigentrust_x", "float8"), ("is_seed", "bool"), ("follows", "int4"), ("vouches", "int4"),
    ("open_dispute", "bool"), ("flag_points", "int4"),
    ("identity", "float8"), ("consistency", "float8"), ("vouching", "float8"), ("penalties", "float8"),
    ("raw_total", "int2"),
]


def score(inp: Inputs) -> dict:
    """Apply the published model to the inputs: the arrays that go to the staging table."""
    years = np.where(inp.last_year > 0, inp.last_year.astype(np.int32) - inp.first_year + 1, 0)
    identity = method.identity_points(inp.level, inp.has_orcid)
    consistency = method.consistency_points(inp.works, years, inp.strong, inp.measurable, inp.largest, inp.focus,
                                       inp.uncertain)
    vouching = method.vouching_points(inp.eigentrust_x, inp.follows, inp.vouches)
    open_dispute = inp.open_dispute | (inp.claim_state == CLAIM_STATE_CODES["disputed"])
    penalties = method.penalty_points(open_dispute, inp.flag_points)
    return {
        "author_id": inp.author_ids, "level": inp.level, "has_orcid": inp.has_orcid,
        "claim_state": inp.claim_state, "works": inp.works, "focus": inp.focus, "uncertain": inp.uncertain,
        "strong": inp.strong,
        "first_year": inp.first_year, "last_year": inp.last_year, "measurable": inp.measurable,
        "largest": inp.largest, "clusters": inp.clusters, "eigentrust_x": inp.eigentrust_x,
        "is_seed": inp.is_seed, "follows": inp.follows, "vouches": inp.vouches,
        "open_dispute": open_dispute, "flag_points": inp.flag_points,
        "identity": identity, "consistency": consistency, "vouching": vouching, "penalties": penalties,
        "raw_total": method.total_score(identity, consistency, vouching, penalties),
    }


def _tier_sql(expr):
    whens = " ".join(f"WHEN {expr} >= {low} THEN '{label}'" for low, label in method.TIERS[:-1])
    return f"(CASE {whens} ELSE '{method.TIERS[-1][1]}' END)"


_PGTYPES = {"int8": "bigint", "int4": "integer", "int2": "smallint", "float8": "double precision", "bool": "boolean"}

# Stored columns compared to decide whether a row changed (the daily-cap bookkeeping columns
# are deliberately absent: for an unchanged row, "total at the start of today" is its total).
_COMPARED = ("total", "raw_total", "tier", "identity", "consistency", "vouching", "penalties", "under_review",
             "level", "has_orcid", "claim_state", "works", "focus", "uncertain", "strong", "first_year", "last_year",
             "measurable", "largest", "clusters", "eigentrust_x", "is_seed", "follows", "vouches", "open_dispute",
             "flag_points", "evidence", "model_version")


def write_scores(cur, arrays, *, claim_evidence, flag_reasons, now=None, prune_missing=False):
    """Stage the scored rows and upsert them (daily gain cap applied against the stored row),
    rewriting only rows whose values changed and appending today's TrustSnapshot rows where the
    shown score changed. Returns (rows written, snapshot rows written)."""
    import json

    now = now or timezone.now()
    today = now.date()
    # Hash joins over ~1.5M staged rows stay in memory instead of spilling to batches.
    cur.execute("SET LOCAL work_mem = '256MB'")
    cols = ", ".join(f"{name} {_PGTYPES[t]} NOT NULL" for name, t in STAGE_FIELDS)
    cur.execute(f"CREATE TEMP TABLE trust_stage ({cols}) ON COMMIT DROP")
    copy_in(cur, "trust_stage", STAGE_FIELDS, arrays)
    cur.execute("CREATE TEMP TABLE trust_stage_extra (author_id bigint PRIMARY KEY, evidence jsonb) ON COMMIT DROP")
    extra_ids = sorted(set(claim_evidence) | set(flag_reasons))
    if extra_ids:
        cur.executemany(
            "INSERT INTO trust_stage_extra VALUES (%s, %s::jsonb)",
            [(a, json.dumps({"claim_evidence": claim_evidence.get(a, []), "flags": flag_reasons.get(a, [])}))
             for a in extra_ids],
        )
    cur.execute("ANALYZE trust_stage")
    # Serialise with the per-record writer so neither overwrites the other mid-statement.
    cur.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK_KEY])

    base_total = "(CASE WHEN o.gain_day = %(today)s THEN o.day_start_total ELSE o.total END)"
    base_identity = "(CASE WHEN o.gain_day = %(today)s THEN o.day_start_identity ELSE o.identity END)"
    capped = (
        f"(CASE WHEN o.author_id IS NULL THEN s.raw_total ELSE LEAST(s.raw_total, {base_total} + %(cap)s"
        f" + GREATEST(0, CEIL(s.identity - {base_identity})::int)) END)::smallint"
    )
    claim_state_name = "(CASE s.claim_state WHEN 1 THEN 'claimed' WHEN 2 THEN 'disputed' ELSE 'unclaimed' END)"
    columns = ("author_id", "total", "raw_total", "tier", "identity", "consistency", "vouching", "penalties",
               "under_review", "level", "has_orcid", "claim_state", "works", "focus", "uncertain", "strong",
               "first_year", "last_year",
               "measurable", "largest", "clusters", "eigentrust_x", "is_seed", "follows", "vouches",
               "open_dispute", "flag_points", "evidence", "model_version", "computed_at", "gain_day",
               "day_start_total", "day_start_identity", "snapshot_total", "snapshot_day")
    values = ("author_id", "new_total", "raw_total", _tier_sql("new_total"), "identity", "consistency", "vouching",
              "penalties", "open_dispute", "level", "has_orcid", "claim_state_name", "works", "focus", "uncertain",
              "strong",
              "NULLIF(first_year, 0)", "NULLIF(last_year, 0)", "measurable", "largest", "clusters", "eigentrust_x",
              "is_seed", "follows", "vouches", "open_dispute", "flag_points", "evidence", "%(version)s::varchar",
              "%(now)s::timestamptz", "%(today)s::date", "new_day_start_total", "new_day_start_identity", "new_total",
              "CASE WHEN (old).snapshot_total IS DISTINCT FROM new_total THEN %(today)s::date "
              "ELSE (old).snapshot_day END")
    changed = " OR ".join(f"(n.old).{c} IS DISTINCT FROM n.{c}" for c in _COMPARED)
    select_list = ", ".join(f"{v} AS {c}" for c, v in zip(columns, values))
    column_list = ", ".join(columns)
    params = {"today": today, "now": now, "cap": method.DAILY_GAIN_CAP, "version": method.MODEL_VERSION}
    # 1. The new values of every staged row, kept only where new or changed. Comparing here,
    #    in a plain join, avoids ON CONFLICT's per-row speculative insert and row lock, which
    #    would dirty every page of trust_trustscore even on a night when nothing changed.
    cur.execute(f"""
        CREATE TEMP TABLE trust_src ON COMMIT DROP AS
        SELECT {column_list}, (n.old).author_id IS NULL AS is_new, (n.old).snapshot_total AS old_snapshot,
               (n.old).snapshot_day AS old_snapshot_day
        FROM (
            SELECT {select_list}, old
            FROM (
                SELECT s.*, {claim_state_name} AS claim_state_name, x.evidence, {capped} AS new_total,
                       CASE WHEN o.author_id IS NULL THEN s.raw_total ELSE {base_total} END AS new_day_start_total,
                       CASE WHEN o.author_id IS NULL THEN s.identity ELSE {base_identity} END AS new_day_start_identity,
                       o AS old
                FROM trust_stage s
                LEFT JOIN trust_trustscore o ON o.author_id = s.author_id
                LEFT JOIN trust_stage_extra x ON x.author_id = s.author_id
            ) s
        ) n
        WHERE (n.old).author_id IS NULL OR {changed} OR (n.old).snapshot_total IS DISTINCT FROM n.total
    """, params)
    # 2. Plain INSERT for new records, one set-based UPDATE for changed ones.
    assignments = ", ".join(f"{c} = n.{c}" for c in columns[1:])
    cur.execute(f"INSERT INTO trust_trustscore ({column_list}) SELECT {column_list} FROM trust_src WHERE is_new")
    inserted = cur.rowcount
    cur.execute(f"UPDATE trust_trustscore t SET {assignments} "
                "FROM trust_src n WHERE NOT n.is_new AND t.author_id = n.author_id")
    updated = cur.rowcount
    # 3. Today's snapshot row wherever the shown score moved off the last snapshot: rewrite the
    #    row already written today, else append one. TrustScore.snapshot_day says which, so no
    #    ON CONFLICT (speculative insertion roughly doubles the cost of a million-row append).
    cur.execute(
        "UPDATE trust_trustsnapshot s SET total = n.total FROM trust_src n "
        "WHERE n.old_snapshot_day = %(today)s AND n.old_snapshot IS DISTINCT FROM n.total "
        "AND s.author_id = n.author_id AND s.day = %(today)s",
        params,
    )
    snapshots = cur.rowcount
    # A record new to trust_trustscore may still have a row for today (its score row was deleted
    # and recreated): clear it so the append below cannot collide.
    cur.execute(
        "DELETE FROM trust_trustsnapshot s USING trust_src n "
        "WHERE n.is_new AND s.author_id = n.author_id AND s.day = %(today)s",
        params,
    )
    cur.execute(
        "INSERT INTO trust_trustsnapshot (author_id, day, total) SELECT author_id, %(today)s, total "
        "FROM trust_src WHERE old_snapshot IS DISTINCT FROM total AND old_snapshot_day IS DISTINCT FROM %(today)s",
        params,
    )
    written, snapshots = inserted + updated, snapshots + cur.rowcount
    if prune_missing:
        # Scores of records that no longer exist (merged away by raw SQL, deleted outside the ORM).
        # Their history goes with them; only the pruned ids are probed, never the whole history.
        cur.execute("WITH gone AS (DELETE FROM trust_trustscore t WHERE NOT EXISTS "
                    "  (SELECT 1 FROM trust_stage s WHERE s.author_id = t.author_id) RETURNING author_id) "
                    "DELETE FROM trust_trustsnapshot h USING gone WHERE h.author_id = gone.author_id")
    cur.execute("DROP TABLE trust_stage; DROP TABLE trust_stage_extra; DROP TABLE trust_src")
    return written, snapshots


def gather_inputs_all(cur, *, triples_per_chunk=TRIPLES_PER_CHUNK, timings=None):
    """Every record's inputs, computed set-based."""
    timings = timings if timings is not None else {}
    t0 = time.perf_counter()
    authors = load_authors(cur.connection)
    ids = authors["id"]
    n = len(ids)
    raw = load_authorships(cur.connection)
    timings["load"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    rows = prepare_rows(ids, raw)
    del raw
    works, strong, first, last = record_aggregates(rows, n, authors["level"])
    focus = topic_focus(rows, n)
    timings["aggregates"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    measurable, largest, clusters, W = coauthor_pass(rows, n, triples_per_chunk=triples_per_chunk)
    del rows
    timings["graph"] = time.perf_counter() - t0

    side = load_side_inputs(cur, ids)
    claim_state = authors["claim_state"]
    open_dispute = side["open_dispute"] | (claim_state == CLAIM_STATE_CODES["disputed"])
    t0 = time.perf_counter()
    weights = seed_weights(authors["level"], claim_state, open_dispute, side["flag_points"])
    x, seeds = eigentrust(W, weights)
    del W
    timings["eigentrust"] = time.perf_counter() - t0

    return Inputs(
        author_ids=ids, level=authors["level"], has_orcid=authors["has_orcid"], claim_state=claim_state,
        works=works, focus=focus, uncertain=authors["uncertain"], strong=strong, first_year=first,
        last_year=last, measurable=measurable,
        largest=largest, clusters=clusters, eigentrust_x=x, is_seed=weights > 0, seeds=seeds,
        follows=side["follows"], vouches=side["vouches"], open_dispute=side["open_dispute"],
        flag_points=side["flag_points"], claim_evidence=side["claim_evidence"],
        flag_reasons=side["flag_reasons"],
    )


def gather_inputs_one(cur, author_id: int):
    """One record's inputs for the event-driven update: consistency and identity recomputed from
    its own rows with the same code; propagated trust reused from the last global run."""
    authors = load_authors(cur.connection, "WHERE id = %s", [author_id])
    if not len(authors["id"]):
        return None
    # Every slot of every paper this record is on (coauthors included, for coherence).
    mine = "(SELECT paper_id FROM papers_authorship WHERE author_id = %s)"
    raw = load_authorships(
        cur.connection, where=f"AND paper_id IN {mine}", params=[author_id], paper_where=f"WHERE id IN {mine}",
    )
    ids = np.unique(np.r_[raw["author_id"], np.array([author_id], dtype=np.int64)])
    rows = prepare_rows(ids, raw)
    me = int(np.searchsorted(ids, author_id))
    levels = np.zeros(len(ids), dtype=np.int16)  # only this record's own slots are aggregated
    levels[me] = authors["level"][0]
    works, strong, first, last = record_aggregates(rows, len(ids), levels)
    focus = topic_focus(rows, len(ids))
    measurable, largest, clusters, _ = coauthor_pass(rows, len(ids), only=[me], build_matrix=False)
    cur.execute("SELECT eigentrust_x FROM trust_trustscore WHERE author_id = %s", [author_id])
    prev = cur.fetchone() or (0.0,)
    one = np.array([author_id], dtype=np.int64)
    side = load_side_inputs(cur, one, only_author_id=author_id)
    level, claim_state = authors["level"], authors["claim_state"]
    open_dispute = side["open_dispute"] | (claim_state == CLAIM_STATE_CODES["disputed"])
    is_seed = seed_weights(level, claim_state, open_dispute, side["flag_points"]) > 0
    sel = slice(me, me + 1)
    return Inputs(
        author_ids=one, level=level, has_orcid=authors["has_orcid"], claim_state=claim_state,
        works=works[sel], focus=focus[sel], uncertain=authors["uncertain"], strong=strong[sel],
        first_year=first[sel], last_year=last[sel],
        measurable=measurable[sel], largest=largest[sel], clusters=clusters[sel],
        eigentrust_x=np.array([prev[0]], dtype=np.float64), is_seed=is_seed, seeds=0,
        follows=side["follows"], vouches=side["vouches"], open_dispute=side["open_dispute"],
        flag_points=side["flag_points"], claim_evidence=side["claim_evidence"],
        flag_reasons=side["flag_reasons"],
    )
