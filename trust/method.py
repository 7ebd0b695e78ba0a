"""The published trust model: every constant, weight, cap and curve, and the scoring functions.

This module is the ONE source read by the recompute (trust/compute.py, trust/services.py) and by
the method page (/trust/method). Change a number here and both the scores and the published
method change together; bump MODEL_VERSION whenever a change can move a score.

The scoring functions are vectorised over numpy arrays so that the nightly recompute of every
record and the event-driven recompute of one record share exactly the same arithmetic.
"""

from __future__ import annotations

import math

import numpy as np

from papers.models import COLLABORATION_AUTHOR_LIMIT

MODEL_VERSION = "2026.12-1"

# What changed in each version, newest first: shown on /trust/method.
MODEL_CHANGELOG = [
    ("2026.12-1", "Recalibrated on the real distribution. Consistency is worth up to 45 (identity 30, vouching 25): "
                  "a steady record of works over years now reaches Emerging, as on our sample profile. New "
                  "topic-focus part, so a record merging namesakes from different fields scores lower; works the "
                  "disambiguation model is unsure of scale consistency down. Tiers renamed to say how much "
                  "identity evidence a record has, not how senior its researcher is."),
    ("2026.11-1", "First published model: identity 40, consistency 30, vouching 30."),
]

SCORE_MIN = 0
SCORE_MAX = 100

# ---------------------------------------------------------------------------------------------
# Identity (0–40): from the verification level, which the claim services derive from evidence.
# ---------------------------------------------------------------------------------------------
IDENTITY_CAP = 30
# A verified email is cheap to get, so L2 adds little; corroboration (L3) is what counts.
IDENTITY_LEVEL_POINTS = {1: 5, 2: 10, 3: 22, 4: 28}
IDENTITY_LEVEL_LABELS = {
    1: "L1 · public record imported from arXiv",
    2: "L2 · claimed by an account with a verified email",
    3: "L3 · corroborated (ORCID OAuth, affiliation email or L3 coauthor vouches)",
    4: "L4 · reviewed and approved by a moderator",
}
# An ORCID iD carried by the source metadata: weak (typed in), so worth little on its own.
IDENTITY_ORCID_ON_RECORD_POINTS = 2

# ---------------------------------------------------------------------------------------------
# Record consistency (0–45): the largest part, because for the records nobody has claimed yet
# (nearly all of them) a long, coherent public record is the identity evidence there is.
# ---------------------------------------------------------------------------------------------
CONSISTENCY_CAP = 45
# Body of work on a log scale: BODY_OF_WORK_MAX · ln(1 + works) / ln(1 + BODY_OF_WORK_FULL_AT).
BODY_OF_WORK_MAX = 14
BODY_OF_WORK_FULL_AT = 100
# Years active (last year − first year + 1), linear from 1 year (nothing: a single year shows no
# longevity) up to YEARS_ACTIVE_FULL_AT. Longevity weighs more than volume: a ring of accounts made
# this year can write many papers, not a ten-year record.
YEARS_ACTIVE_MAX = 9
YEARS_ACTIVE_FULL_AT = 15
# Share of works attributed by ORCID or accepted by the owner rather than matched by name,
# scaled by confidence min(1, works / STRONG_CONFIDENCE_WORKS) so a one-paper record cannot
# take the full share. An owner's acceptance is only as good as the owner's identity, so it
# counts once the record is corroborated (level ≥ STRONG_OWNER_MIN_LEVEL); otherwise a fresh
# account could claim a record, accept its works and look consistent.
STRONG_ATTRIBUTION_MAX = 7
STRONG_OWNER_MIN_LEVEL = 3
STRONG_CONFIDENCE_WORKS = 5
# Coherence: share of the record's other measurable papers linked to its largest coauthor-connected
# cluster, (largest − 1) / (measurable − 1), so papers that share no coauthor at all score nothing
# (two papers connect when they share a coauthor other than the record itself), scaled
# by confidence min(1, (measurable − 1) / COHERENCE_CONFIDENCE_PAPERS). A record that silently
# merged two namesakes splits into two clusters and scores about half. Real careers also split
# into clusters (one-off collaborations), so this part is kept small and topic focus backs it up.
COHERENCE_MAX = 7
COHERENCE_CONFIDENCE_PAPERS = 4
# Topic focus: the share of works in the record's most frequent arXiv archive (the part of the
# primary category before the dot: cs, math, hep-th, …; a researcher moving between cs.LG and
# cs.CV stays focused), mapped
# linearly from TOPIC_FOCUS_FLOOR (nothing) to TOPIC_FOCUS_FULL (full points), times confidence
# min(1, (works − 1) / TOPIC_FOCUS_CONFIDENCE_WORKS). Measured on the demo corpus, whose generator
# knows who is who: for records of one person with 5+ works the share is 1.0 at the median and
# 0.8 at the 10th percentile; for records merging three or more namesakes (who tend to work in
# different fields) it is 0.6 at the median.
TOPIC_FOCUS_MAX = 8
TOPIC_FOCUS_FLOOR = 0.4
TOPIC_FOCUS_FULL = 0.9
TOPIC_FOCUS_CONFIDENCE_WORKS = 9
# Works the disambiguation model is unsure belong here (Author.uncertain_works_count, below its
# published confidence threshold) scale the whole part down: consistency × (1 − UNCERTAIN_WEIGHT ·
# uncertain / works). A record whose every work is uncertain keeps a fifth of its consistency.
UNCERTAIN_WEIGHT = 0.8
# Papers with more authors than this are skipped when building the coauthor graph (for
# coherence and vouching): a 3,000-author collaboration paper would add ~9 million pairs on its
# own and says nothing about who actually knows whom. They still count as body of work. Solo
# papers are not measurable for coherence either (they have no coauthor to connect through).
COLLABORATION_AUTHOR_CAP = COLLABORATION_AUTHOR_LIMIT

# ---------------------------------------------------------------------------------------------
# Vouching (0–30).
# ---------------------------------------------------------------------------------------------
VOUCHING_CAP = 25
# EigenTrust: personalised PageRank over the coauthor graph. Edge weight between two authors is
# the sum over their shared papers of 1 / (authors − 1), so a large team spreads its trust thin.
# Teleport goes only to pre-trusted seeds: records at or above EIGENTRUST_SEED_MIN_LEVEL that are
# not under dispute or flagged; an L4 seed weighs twice an L3 one.
EIGENTRUST_MAX = 20
EIGENTRUST_DAMPING = 0.85
EIGENTRUST_SEED_MIN_LEVEL = 3
EIGENTRUST_SEED_WEIGHTS = {3: 1.0, 4: 2.0}
EIGENTRUST_MAX_ITERATIONS = 100
EIGENTRUST_TOLERANCE = 1e-8
# Trust received through coauthor edges (a seed's own teleport share excluded), in units of the
# average seed's teleport share, mapped on a log scale: X_FULL or more → full points,
# X_FLOOR or less → nothing.
EIGENTRUST_X_FLOOR = 1e-3
EIGENTRUST_X_FULL = 1.0
# Endorsements: follows and vouches count only when they come from an account owning a claimed
# record at L3 or above; a ring of fresh accounts therefore adds nothing.
ENDORSEMENT_MIN_LEVEL = 3
ENDORSEMENT_FOLLOW_POINTS = 1
ENDORSEMENT_VOUCH_POINTS = 2
ENDORSEMENT_CAP = 6

# ---------------------------------------------------------------------------------------------
# Penalties and the daily gain cap.
# ---------------------------------------------------------------------------------------------
PENALTY_OPEN_DISPUTE = 15
PENALTY_FLAG_DEFAULT = 10
PENALTY_FLAGS_CAP = 40
# As Stack Overflow caps reputation earned per day: a record's score may rise by at most this
# many points per UTC day from consistency and vouching. Identity changes that come from reviewed
# evidence (a level change) apply at once, and decreases always apply at once.
DAILY_GAIN_CAP = 5

# ---------------------------------------------------------------------------------------------
# Tiers.
# ---------------------------------------------------------------------------------------------
# Tiers say how much evidence there is that a record is one real, correctly attributed researcher.
# They say nothing about seniority or standing: a first-year student with a claimed, ORCID-backed
# record can be "Well corroborated" and a famous name on an unclaimed, tangled record "Limited evidence".
TIERS = [  # (lowest score, label), highest first
    (80, "Well corroborated"),
    (60, "Corroborated"),
    (40, "Consistent record"),
    (20, "Emerging"),
    (0, "Limited evidence"),
]
TIER_LABELS = [label for _, label in reversed(TIERS)]
TIER_MEANINGS = {
    "Limited evidence": "Little evidence yet that this record is one researcher: few works, or works that do "
                        "not hang together. Not a judgement of the researcher.",
    "Emerging": "Identity evidence is emerging: a public record with consistent works over time, not yet "
                "corroborated by the researcher or by vouching.",
    "Consistent record": "A long, coherent public record, or some corroboration: most likely one researcher, "
                         "correctly attributed.",
    "Corroborated": "Identity corroborated by the researcher (a claim backed by evidence) or by trusted coauthors.",
    "Well corroborated": "Identity corroborated by strong evidence (ORCID, affiliation email or a moderator) and "
                         "vouched for by trusted researchers.",
}

# The calibration target quoted on the method page and pinned by tests/test_trust_model.py.
CALIBRATION = {
    "level": 1,
    "works": 15,
    "years_active": 5,
    "close_collaborators": 4,
    "expected_tier": "Emerging",
}
# The same shape merged with namesakes from other fields must stay below it (tests pin both).

PARTS = ("identity", "consistency", "vouching", "penalties")


def tier_for(score: int | None) -> str | None:
    if score is None:
        return None
    for lowest, label in TIERS:
        if score >= lowest:
            return label
    return TIERS[-1][1]


def tier_ranges():
    """[(label, low, high)] lowest first, for the method page."""
    rows = []
    upper = SCORE_MAX
    for lowest, label in TIERS:
        rows.append((label, lowest, upper))
        upper = lowest - 1
    return list(reversed(rows))


# ---------------------------------------------------------------------------------------------
# Vectorised scoring. Inputs are numpy arrays of equal length (one entry per record).
# ---------------------------------------------------------------------------------------------

def _round1(x):
    # Half-up rounding to 0.1 so results never depend on banker's rounding of ties.
    return np.floor(np.asarray(x, dtype=np.float64) * 10 + 0.5) / 10


def identity_points(level, has_orcid):
    level = np.clip(np.asarray(level, dtype=np.int64), 1, 4)
    table = np.array([0] + [IDENTITY_LEVEL_POINTS[i] for i in (1, 2, 3, 4)], dtype=np.float64)
    pts = table[level] + np.where(np.asarray(has_orcid, dtype=bool), IDENTITY_ORCID_ON_RECORD_POINTS, 0)
    return _round1(np.minimum(pts, IDENTITY_CAP))


def body_of_work_points(works):
    works = np.asarray(works, dtype=np.float64)
    return np.minimum(BODY_OF_WORK_MAX * np.log1p(works) / math.log1p(BODY_OF_WORK_FULL_AT), BODY_OF_WORK_MAX)


def years_active_points(years):
    years = np.asarray(years, dtype=np.float64)
    return YEARS_ACTIVE_MAX * np.clip(years - 1, 0, YEARS_ACTIVE_FULL_AT - 1) / (YEARS_ACTIVE_FULL_AT - 1)


def strong_attribution_points(works, strong):
    works = np.asarray(works, dtype=np.float64)
    strong = np.asarray(strong, dtype=np.float64)
    share = np.divide(strong, works, out=np.zeros_like(works), where=works > 0)
    confidence = np.minimum(1.0, works / STRONG_CONFIDENCE_WORKS)
    return STRONG_ATTRIBUTION_MAX * share * confidence


def coherence_share(measurable, largest):
    measurable = np.asarray(measurable, dtype=np.float64)
    largest = np.asarray(largest, dtype=np.float64)
    return np.divide(np.maximum(largest - 1, 0), measurable - 1, out=np.zeros_like(measurable), where=measurable > 1)


def coherence_points(measurable, largest):
    measurable = np.asarray(measurable, dtype=np.float64)
    confidence = np.clip((measurable - 1) / COHERENCE_CONFIDENCE_PAPERS, 0.0, 1.0)
    return COHERENCE_MAX * coherence_share(measurable, largest) * confidence


def topic_focus_points(works, focus):
    """focus: works in the record's most frequent primary category."""
    works = np.asarray(works, dtype=np.float64)
    share = np.divide(np.asarray(focus, dtype=np.float64), works, out=np.zeros_like(works), where=works > 0)
    frac = np.clip((share - TOPIC_FOCUS_FLOOR) / (TOPIC_FOCUS_FULL - TOPIC_FOCUS_FLOOR), 0.0, 1.0)
    confidence = np.clip((works - 1) / TOPIC_FOCUS_CONFIDENCE_WORKS, 0.0, 1.0)
    return TOPIC_FOCUS_MAX * frac * confidence


def attribution_confidence_factor(works, uncertain):
    works = np.asarray(works, dtype=np.float64)
    uncertain = np.minimum(np.asarray(uncertain, dtype=np.float64), works)
    share = np.divide(uncertain, works, out=np.zeros_like(works), where=works > 0)
    return 1.0 - UNCERTAIN_WEIGHT * share


def consistency_points(works, years, strong, measurable, largest, focus=None, uncertain=None):
    focus = np.zeros_like(np.asarray(works)) if focus is None else focus
    uncertain = np.zeros_like(np.asarray(works)) if uncertain is None else uncertain
    total = (
        body_of_work_points(works)
        + years_active_points(years)
        + strong_attribution_points(works, strong)
        + coherence_points(measurable, largest)
        + topic_focus_points(works, focus)
    )
    return _round1(np.minimum(total, CONSISTENCY_CAP) * attribution_confidence_factor(works, uncertain))


def eigentrust_points(x):
    """Points for received trust x (in units of the average seed's teleport share)."""
    x = np.asarray(x, dtype=np.float64)
    span = math.log10(EIGENTRUST_X_FULL / EIGENTRUST_X_FLOOR)
    with np.errstate(divide="ignore"):
        frac = np.log10(np.maximum(x, 1e-300) / EIGENTRUST_X_FLOOR) / span
    return EIGENTRUST_MAX * np.clip(frac, 0.0, 1.0)


def endorsement_points(follows, vouches):
    follows = np.asarray(follows, dtype=np.float64)
    vouches = np.asarray(vouches, dtype=np.float64)
    return np.minimum(follows * ENDORSEMENT_FOLLOW_POINTS + vouches * ENDORSEMENT_VOUCH_POINTS, ENDORSEMENT_CAP)


def vouching_points(x, follows, vouches):
    return _round1(np.minimum(eigentrust_points(x) + endorsement_points(follows, vouches), VOUCHING_CAP))


def penalty_points(open_dispute, flag_points):
    dispute = np.where(np.asarray(open_dispute, dtype=bool), PENALTY_OPEN_DISPUTE, 0)
    flags = np.minimum(np.asarray(flag_points, dtype=np.float64), PENALTY_FLAGS_CAP)
    return _round1(dispute + flags)


def total_score(identity, consistency, vouching, penalties):
    raw = np.asarray(identity) + np.asarray(consistency) + np.asarray(vouching) - np.asarray(penalties)
    return np.clip(np.floor(raw + 0.5), SCORE_MIN, SCORE_MAX).astype(np.int16)


# ---------------------------------------------------------------------------------------------
# Evidence lines: the human text of the "Why this score?" panel, rendered from the stored facts.
# ---------------------------------------------------------------------------------------------

def _plural(n, word):
    return f"{n} {word}{'' if n == 1 else 's'}"


def evidence_lines(part: str, facts: dict) -> list[str]:
    """The evidence behind one part, as short sentences (facts are the stored inputs)."""
    f = facts or {}
    if part == "identity":
        lines = [IDENTITY_LEVEL_LABELS.get(f.get("level", 1), f"L{f.get('level')}")]
        lines += [str(line) for line in f.get("claim_evidence", [])]
        if f.get("orcid"):
            lines.append("ORCID iD present in the source metadata")
        state = f.get("claim_state")
        if state == "unclaimed":
            lines.append("Not yet claimed by its researcher")
        elif state == "claimed":
            lines.append("Claimed by an account (the level above says how strong its evidence is)")
        elif state == "disputed":
            lines.append("Ownership disputed: under review")
        return lines
    if part == "consistency":
        works = f.get("works", 0)
        lines = [f"{_plural(works, 'work')} (log scale, full at {BODY_OF_WORK_FULL_AT})"]
        if f.get("first_year"):
            lines.append(f"Active {f['first_year']}–{f['last_year']} ({_plural(f.get('years', 0), 'year')})")
        else:
            lines.append("No dated works yet")
        lines.append(
            f"{f.get('strong', 0)} of {works} works attributed by ORCID or accepted by a corroborated "
            f"(L{STRONG_OWNER_MIN_LEVEL}+) owner; the rest matched by name"
        )
        measurable = f.get("measurable", 0)
        if measurable >= 2:
            lines.append(
                f"{f.get('largest', 0)} of {measurable} coauthored papers in one coauthor-connected cluster"
                + (f" ({f.get('clusters')} clusters)" if f.get("clusters", 1) > 1 else "")
            )
        else:
            lines.append("Too few coauthored papers to measure coherence")
        focus = f.get("focus", 0)
        if works >= 2 and focus:
            lines.append(f"{focus} of {works} works in its main arXiv archive (topic focus)")
        uncertain = min(f.get("uncertain", 0), works)
        if uncertain:
            factor = float(attribution_confidence_factor(works, uncertain))
            lines.append(f"{uncertain} of {works} works are uncertain attributions (disambiguation confidence "
                         f"below its threshold): consistency × {factor:.2f}")
        return lines
    if part == "vouching":
        lines = []
        x = f.get("eigentrust_x", 0.0) or 0.0
        if f.get("seed"):
            lines.append("A pre-trusted seed (L3/L4): trust starts here and flows to its coauthors")
        if x <= EIGENTRUST_X_FLOOR:
            lines.append("No trust propagated from L3/L4 researchers through coauthorship")
        else:
            lines.append(f"Trust propagated from L3/L4 researchers through coauthorship: {x:.3g}× an average seed")
        follows, vouches = f.get("follows", 0), f.get("vouches", 0)
        if follows or vouches:
            lines.append(f"{_plural(follows, 'follow')} and {_plural(vouches, 'vouch')} from L3+ researchers")
        else:
            lines.append("No follows or vouches from L3+ researchers (others count for nothing)")
        return lines
    if part == "penalties":
        lines = []
        if f.get("open_dispute"):
            lines.append(f"Open dispute: under review (−{PENALTY_OPEN_DISPUTE})")
        for reason in f.get("flags", []):
            lines.append(f"Moderator flag: {reason}")
        if not lines:
            lines.append("No open dispute or moderator flag")
        return lines
    return []


PART_TITLES = {
    "identity": "Identity",
    "consistency": "Record consistency",
    "vouching": "Vouching",
    "penalties": "Penalties",
}
PART_CAPS = {
    "identity": IDENTITY_CAP,
    "consistency": CONSISTENCY_CAP,
    "vouching": VOUCHING_CAP,
    "penalties": None,
}
