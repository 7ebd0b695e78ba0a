"""The synthetic world: people, their names, communities, and who wrote which paper.

Everything here is vectorised numpy: a million papers and 1.5 million people are built in a
few seconds, and only the text of each paper is produced one by one, while writing.

Shape, following bibliometrics rather than uniform noise:
- papers per person follow Lotka's law (Zipf, exponent ~2.3), truncated;
- people belong to coauthor communities (a field, a phrase vocabulary, an active period, an
  institution and often a dominant naming culture); prolific people belong to several, which
  makes them hubs of the coauthor graph;
- a share of slots is swapped across communities of the same field (and a few across fields),
  so communities are linked the way real groups are;
- ``homonym_rate`` of all people share their exact name with another, different person, put
  in a different field where possible (the disambiguation problem in its common form);
- big experimental collaborations keep rosters of hundreds of people who sign their papers.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

import numpy as np

from devdata.tables import name_tables
from devdata.vocab import COLLABORATIONS, FIELDS

T0 = calendar.timegm((2007, 4, 2, 0, 0, 0))
T1 = calendar.timegm((2026, 11, 20, 0, 0, 0))
YEAR = 365.25 * 86400
GROWTH = 0.085  # arXiv's yearly submission growth, roughly
LOTKA = 2.15  # exponent of the papers-per-author law
# Authors per paper after repeats are dropped, relative to the field's nominal team size.
TEAM_YIELD = 0.86

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Middle initials are not uniform: J, A, M, R, S, D, E are common.
_MID_W = np.array([8, 3, 4, 6, 6, 3, 3, 3, 2, 8, 3, 4, 8, 2, 1, 3, 0.2, 6, 6, 4, 0.5, 1, 2, 0.2, 0.5, 0.3])
_MID_P = _MID_W / _MID_W.sum()


@dataclass
class World:
    n_papers: int
    # people
    first: np.ndarray
    mid: np.ndarray  # 0 none, 1..26 letter
    last: np.ndarray
    suffix: np.ndarray  # 0 none, 1 Jr., 2 II, 3 III
    community: np.ndarray
    count: np.ndarray  # planned papers (Lotka draw), before collaborations
    homonym: np.ndarray  # bool: shares its exact name with another person
    # communities
    comm_field: np.ndarray
    comm_cat: np.ndarray  # index into FIELDS[f]["cats"]
    comm_inst: np.ndarray
    comm_t0: np.ndarray
    comm_t1: np.ndarray
    comm_phrases: list[np.ndarray]
    # papers, in publication order
    paper_ts: np.ndarray  # int64 seconds
    paper_comm: np.ndarray  # community, or -1 - k for collaboration k
    paper_start: np.ndarray  # into slot_person
    paper_len: np.ndarray
    slot_person: np.ndarray
    # collaborations
    rosters: dict[int, np.ndarray]

    @property
    def n_persons(self) -> int:
        return len(self.first)


def _growth_times(rng: np.random.Generator, n: int, t0: float, t1: float) -> np.ndarray:
    """Times in [t0, t1] with density growing like arXiv's submission rate."""
    span = (t1 - t0) / YEAR
    u = rng.random(n)
    years = np.log1p(u * np.expm1(GROWTH * span)) / GROWTH
    return (t0 + years * YEAR).astype(np.int64)


def _zipf_counts(rng: np.random.Generator, n: int, a: float, cap: int) -> np.ndarray:
    c = rng.zipf(a, n)
    bad = c > cap
    while bad.any():  # truncated Zipf: redraw, so no pile-up at the cap
        c[bad] = rng.zipf(a, int(bad.sum()))
        bad = c > cap
    return c.astype(np.int32)


def _culture_probs(n: int) -> np.ndarray:
    """Culture weights, with people moved out of cultures whose name space would fill up
    (keeping each culture at most half full keeps names distinct and draws cheap)."""
    t = name_tables()
    w = t.culture_weights * n
    cap = np.array([0.5 * len(f) * len(l) / max(1 - m, m / 26, 1e-9)
                    for f, l, m in zip(t.culture_first, t.culture_last, t.culture_mid_rate)])
    for _ in range(10):
        over = np.maximum(w - cap, 0)
        if over.sum() < 1:
            break
        w = np.minimum(w, cap)
        slack = np.maximum(cap - w, 0)
        w = w + over.sum() * slack / slack.sum()
    return w / w.sum()


def _draw_names(rng: np.random.Generator, culture: np.ndarray, idx: np.ndarray | None = None):
    """Given name, middle initial and surname for the people ``idx`` (all when None)."""
    t = name_tables()
    if idx is None:
        idx = np.arange(len(culture))
    first = np.empty(len(idx), np.int32)
    last = np.empty(len(idx), np.int32)
    mid = np.zeros(len(idx), np.int8)
    cult = culture[idx]
    for c in np.unique(cult):
        sel = np.flatnonzero(cult == c)
        fl = t.culture_first[c]
        first[sel] = fl[rng.integers(0, len(fl), len(sel))]
        last[sel] = t.culture_last[c][rng.choice(len(t.culture_last[c]), len(sel), p=t.culture_last_p[c])]
        has_mid = rng.random(len(sel)) < t.culture_mid_rate[c]
        mid[sel[has_mid]] = 1 + rng.choice(26, int(has_mid.sum()), p=_MID_P)
    return first, mid, last


def _name_keys(first, mid, last) -> np.ndarray:
    return (first.astype(np.int64) * 27 + mid) * len(name_tables().last_uni) + last


def _make_distinct(rng, culture, first, mid, last, rounds: int = 60) -> int:
    """Redraw names until everyone's (given, middle initial, surname) is distinct, in place.

    One sort finds the first duplicates; later rounds only check the few redrawn names against
    the accepted ones. Returns how many duplicates were left (names spaces too full)."""
    key = _name_keys(first, mid, last)
    order = np.argsort(key, kind="stable")
    sk = key[order]
    is_dup = np.zeros(len(key), bool)
    is_dup[1:] = sk[1:] == sk[:-1]
    dups = order[is_dup]
    accepted = sk[~is_dup]
    extra: list[np.ndarray] = []
    for _ in range(rounds):
        if len(dups) == 0:
            break
        f2, m2, l2 = _draw_names(rng, culture, dups)
        nk = _name_keys(f2, m2, l2)
        pos = np.minimum(np.searchsorted(accepted, nk), len(accepted) - 1)
        clash = accepted[pos] == nk
        if extra:
            clash |= np.isin(nk, np.concatenate(extra))
        _, first_idx = np.unique(nk, return_index=True)
        fresh = np.zeros(len(nk), bool)
        fresh[first_idx] = True
        ok = fresh & ~clash
        first[dups[ok]], mid[dups[ok]], last[dups[ok]] = f2[ok], m2[ok], l2[ok]
        extra.append(nk[ok])
        dups = dups[~ok]
    return len(dups)


def _cut_into_papers(rng, slot_comm, comm_field, n_comm):
    """Cut each community's (contiguous, shuffled) slots into bylines of field-typical sizes.

    Vectorised: each community gets as many size draws as it has slots (sizes are >= 1, so the
    running sum always reaches the total), the first draw reaching the total ends the
    community and is shortened to fit."""
    bounds = np.searchsorted(slot_comm, np.arange(n_comm + 1))
    totals = np.diff(bounds)
    comms = np.flatnonzero(totals > 0)
    T = totals[comms].astype(np.int64)
    seg_start = np.concatenate(([0], np.cumsum(T)[:-1]))
    field_of_draw = np.repeat(comm_field[comms], T)
    sizes_all = np.empty(int(T.sum()), np.int64)
    for fi, f in enumerate(FIELDS):
        sel = np.flatnonzero(field_of_draw == fi)
        if len(sel):
            draw = rng.lognormal(np.log(f["team"]) - 0.15, 0.55, len(sel))
            sizes_all[sel] = np.clip(np.rint(draw), 1, 40)
    G = np.cumsum(sizes_all)
    base = np.where(seg_start > 0, G[np.maximum(seg_start - 1, 0)], 0)
    j = np.searchsorted(G, base + T)  # first draw whose running sum reaches the total
    kcount = j - seg_start + 1
    kstart = np.concatenate(([0], np.cumsum(kcount)[:-1]))
    idx = np.arange(int(kcount.sum())) + np.repeat(seg_start - kstart, kcount)
    sizes = sizes_all[idx]
    last_pos = kstart + kcount - 1
    sizes[last_pos] = T - (G[j] - sizes_all[j] - base)
    csz = np.cumsum(sizes)
    return csz - sizes, sizes, np.repeat(comms, kcount).astype(np.int32)


def build_world(n_papers: int, seed: int, homonym_rate: float = 0.05, collab_rate: float = 0.001) -> World:
    rng = np.random.default_rng([seed, 20070402])
    t = name_tables()
    n_fields = len(FIELDS)
    field_w = np.array([f["weight"] for f in FIELDS], dtype=float)
    field_w /= field_w.sum()
    team = np.array([f["team"] for f in FIELDS])

    n_collab = int(round(n_papers * collab_rate))
    if n_papers >= 500:
        n_collab = max(n_collab, 1)
    n_reg = n_papers - n_collab

    # --- people and their planned paper counts (Lotka) ---
    cap = int(max(12, min(350, n_papers // 300)))
    mean_team = float((field_w * team).sum())
    target_slots = int(n_reg * mean_team * TEAM_YIELD * 1.06) + 50
    counts = _zipf_counts(rng, int(target_slots / 2.0) + 100, LOTKA, cap)
    while counts.sum() < target_slots:
        counts = np.concatenate([counts, _zipf_counts(rng, int(target_slots / 4) + 100, LOTKA, cap)])
    cs = np.cumsum(counts)
    n_persons = int(np.searchsorted(cs, target_slots)) + 1
    counts = counts[:n_persons]

    # --- communities ---
    n_comm = max(3, n_persons // 40)
    comm_field = rng.choice(n_fields, n_comm, p=field_w).astype(np.int16)
    comm_w = rng.lognormal(0.0, 0.8, n_comm)
    community = rng.choice(n_comm, n_persons, p=comm_w / comm_w.sum()).astype(np.int32)
    comm_cat = np.array([rng.integers(0, len(FIELDS[f]["cats"])) for f in comm_field], dtype=np.int8)
    comm_inst = rng.integers(0, 1 << 30, n_comm)
    center = _growth_times(rng, n_comm, T0, T1)
    dur = rng.uniform(3, 17, n_comm) * YEAR
    comm_t0 = np.maximum(T0, center - dur / 2).astype(np.int64)
    comm_t1 = np.minimum(T1, center + dur / 2).astype(np.int64)
    comm_phrases = []
    for f in comm_field:
        k = len(FIELDS[f]["phrases"])
        comm_phrases.append(rng.permutation(k)[: int(rng.integers(6, min(11, k) + 1))].astype(np.int16))

    # --- names: a dominant culture per community, names distinct unless made homonyms ---
    cult_p = _culture_probs(n_persons)
    comm_culture = rng.choice(len(cult_p), n_comm, p=cult_p)
    culture = np.where(rng.random(n_persons) < 0.5, comm_culture[community],
                       rng.choice(len(cult_p), n_persons, p=cult_p)).astype(np.int16)
    first, mid, last = _draw_names(rng, culture)
    _make_distinct(rng, culture, first, mid, last)
    suffix = np.zeros(n_persons, np.int8)
    en = t.cultures.index("en")
    sfx = (culture == en) & (rng.random(n_persons) < 0.015)
    suffix[sfx] = rng.choice([1, 1, 1, 2, 3], int(sfx.sum()))

    # Homonyms: k copiers take the exact name of k other people, in another field if possible.
    homonym = np.zeros(n_persons, bool)
    k = int(round(homonym_rate * n_persons / 2))
    if k:
        pick = rng.permutation(n_persons)[: 2 * k]
        copiers, originals = pick[:k], pick[k:]
        for _ in range(8):
            same = comm_field[community[copiers]] == comm_field[community[originals]]
            if same.sum() < 2:
                break
            sel = np.flatnonzero(same)
            originals[sel] = originals[sel[rng.permutation(len(sel))]]
        first[copiers], mid[copiers], last[copiers] = first[originals], mid[originals], last[originals]
        suffix[copiers] = suffix[originals]
        culture[copiers] = culture[originals]
        homonym[copiers] = True
        homonym[originals] = True

    # --- memberships: prolific people work in several communities ---
    extra = np.minimum(counts // 20, 15)
    n_mem = 1 + extra
    mem_person = np.repeat(np.arange(n_persons, dtype=np.int32), n_mem)
    is_primary = np.ones(len(mem_person), bool)
    is_primary[1:] = mem_person[1:] != mem_person[:-1]
    mem_comm = community[mem_person].copy()
    sec = np.flatnonzero(~is_primary)
    if len(sec):
        # same field (75%) or anywhere
        order_f = np.argsort(comm_field, kind="stable")
        f_start = np.searchsorted(comm_field[order_f], np.arange(n_fields))
        f_count = np.bincount(comm_field, minlength=n_fields)
        pf = comm_field[community[mem_person[sec]]]
        pick_same = order_f[f_start[pf] + (rng.random(len(sec)) * f_count[pf]).astype(np.int64)]
        anywhere = rng.integers(0, n_comm, len(sec))
        mem_comm[sec] = np.where(rng.random(len(sec)) < 0.75, pick_same, anywhere)
    base = counts // n_mem
    mem_count = base[mem_person].copy()
    mem_count[is_primary] += (counts - base * n_mem)
    slot_person = np.repeat(mem_person, mem_count)
    slot_comm = np.repeat(mem_comm, mem_count)

    # Cross-community slots: 10% swapped within a field, 1.5% across fields.
    n_slots = len(slot_person)
    sel = np.flatnonzero(rng.random(n_slots) < 0.10)
    f_of = comm_field[slot_comm[sel]]
    src = sel[np.lexsort((rng.random(len(sel)), f_of))]
    dst = sel[np.lexsort((rng.random(len(sel)), f_of))]
    slot_person[dst] = slot_person[src].copy()
    sel = np.flatnonzero(rng.random(n_slots) < 0.015)
    slot_person[sel] = slot_person[sel[rng.permutation(len(sel))]]

    # --- cut each community's shuffled slots into papers ---
    order = np.lexsort((rng.random(n_slots), slot_comm))
    slot_person = slot_person[order]
    slot_comm = slot_comm[order]
    p_start, p_len, p_comm = _cut_into_papers(rng, slot_comm, comm_field, n_comm)

    # A person twice on one byline is one authorship: drop repeats, keep byline order.
    paper_of_slot = np.repeat(np.arange(len(p_start)), p_len)
    key = paper_of_slot.astype(np.int64) * n_persons + slot_person
    _, keep = np.unique(key, return_index=True)
    keep.sort()
    slot_person = slot_person[keep]
    p_len = np.bincount(paper_of_slot[keep], minlength=len(p_start)).astype(np.int64)
    p_start = np.concatenate(([0], np.cumsum(p_len)[:-1]))

    # Exactly n_reg regular papers: drop extras at random, or let some teams write again.
    n_have = len(p_start)
    if n_have > n_reg:
        pick = np.sort(rng.permutation(n_have)[:n_reg])
    else:
        pick = np.concatenate([np.arange(n_have), rng.integers(0, n_have, n_reg - n_have)])
    p_start, p_len, p_comm = p_start[pick], p_len[pick], p_comm[pick]
    span = (comm_t1[p_comm] - comm_t0[p_comm]).astype(float)
    p_ts = comm_t0[p_comm] + (rng.random(len(pick)) * span).astype(np.int64)

    # --- collaborations ---
    rosters: dict[int, np.ndarray] = {}
    c_comm = np.zeros(0, np.int32)
    c_ts = np.zeros(0, np.int64)
    if n_collab:
        cw = np.array([w for _, _, w in COLLABORATIONS], dtype=float)
        n_kinds = int(min(len(COLLABORATIONS), max(1, n_collab // 3)))
        active = np.sort(np.argsort(-cw, kind="stable")[:n_kinds])
        which = active[rng.choice(len(active), n_collab, p=cw[active] / cw[active].sum())]
        field_keys = [f["key"] for f in FIELDS]
        person_field = comm_field[community]
        for k in np.unique(which):
            fk = field_keys.index(COLLABORATIONS[k][1])
            size = int(min(rng.integers(150, 900), max(8, n_persons // 20)))
            pool = np.flatnonzero(person_field == fk)
            if len(pool) < size:
                pool = np.concatenate([pool, rng.choice(np.flatnonzero(person_field != fk), size - len(pool),
                                                        replace=False)])
            members = rng.choice(pool, size, replace=False)
            # Collaboration bylines are alphabetical by surname.
            surname = np.array([t.last_ascii[i].lower() for i in last[members]])
            rosters[int(k)] = members[np.argsort(surname, kind="stable")].astype(np.int32)
        c_comm = (-1 - which).astype(np.int32)
        c_ts = _growth_times(rng, n_collab, calendar.timegm((2009, 1, 1, 0, 0, 0)), T1)

    all_ts = np.concatenate([p_ts, c_ts])
    all_comm = np.concatenate([p_comm, c_comm])
    all_start = np.concatenate([p_start, np.zeros(n_collab, np.int64)])
    all_len = np.concatenate([p_len, np.zeros(n_collab, np.int64)])
    order = np.argsort(all_ts, kind="stable")
    return World(
        n_papers=n_papers, first=first, mid=mid, last=last, suffix=suffix, community=community, count=counts,
        homonym=homonym, comm_field=comm_field, comm_cat=comm_cat, comm_inst=comm_inst, comm_t0=comm_t0,
        comm_t1=comm_t1, comm_phrases=comm_phrases, paper_ts=all_ts[order], paper_comm=all_comm[order],
        paper_start=all_start[order], paper_len=all_len[order], slot_person=slot_person, rosters=rosters,
    )
