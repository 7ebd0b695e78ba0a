"""“Are these yours?”: records and papers near a claimant's record, each with the reason it is suggested.

Candidates come from the same name block as the record (S2AND's block: first initial + surname of
the normalized name, `s2and.text.compute_block`) or share one of its name variants. They are
ranked by the evidence the disambiguation model itself weighs: shared coauthors, the same
institutions, shared arXiv categories and overlapping years. The record's own works the model is
unsure of come last, so the owner can confirm or reject them. Answers already given
(IdentityConstraint rows) are never suggested again.

Three queries whatever the size of the block: the candidate records, the evidence (one
statement, aggregated in SQL), and the record's own uncertain works.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL

from papers.ingest import keys
from papers.ingest.names import split_personal_name
from papers.models import Authorship

from .confidence import LOW_CONFIDENCE_THRESHOLD, uncertain_reason
from .models import Author, ClaimState, IdentityConstraint

# Bounds that keep the page cheap in the largest blocks ("y wang": 10⁴ records).
MAX_CANDIDATE_RECORDS = 300
MAX_RECORD_SUGGESTIONS = 8
MAX_PAPER_SUGGESTIONS = 12
MAX_UNCERTAIN_WORKS = 12
# Papers with more authors than this give no coauthor evidence (same cut as close collaborators).
COAUTHOR_MAX_AUTHORS = 50
# A suggestion needs at least this much evidence: a shared coauthor (3), an institution (2), a
# shared name variant (2), or two shared categories with overlapping years (0.5 + 0.5 + 1).
MIN_SCORE = 2.0

W_COAUTHOR, COAUTHOR_CAP = 3.0, 5
W_INSTITUTION = 2.0
W_CATEGORY, CATEGORY_CAP = 0.5, 3
W_YEARS = 1.0
W_VARIANT = 2.0


@dataclass
class Evidence:
    coauthors: int = 0
    same_institution: bool = False
    categories: list[str] = field(default_factory=list)
    years_overlap: bool = False
    variant: str = ""

    @property
    def score(self) -> float:
        return (W_COAUTHOR * min(self.coauthors, COAUTHOR_CAP) + W_INSTITUTION * self.same_institution
                + W_CATEGORY * min(len(self.categories), CATEGORY_CAP) + W_YEARS * self.years_overlap
                + W_VARIANT * bool(self.variant))

    @property
    def reason(self) -> str:
        parts = []
        if self.coauthors:
            parts.append(f"{self.coauthors} shared coauthor{'s' if self.coauthors != 1 else ''}")
        if self.same_institution:
            parts.append("same institution")
        if self.categories:
            parts.append(", ".join(sorted(self.categories)[:CATEGORY_CAP]))
        if self.years_overlap:
            parts.append("overlapping years")
        if self.variant:
            parts.append(f"also written “{self.variant}”")
        return " · ".join(parts)


@dataclass
class RecordSuggestion:
    author: Author
    works: int
    evidence: Evidence
    kind: str = "record"

    @property
    def reason(self):
        return self.evidence.reason


@dataclass
class PaperSuggestion:
    authorship_id: int
    arxiv_id: str
    title: str
    year: int | None
    on_author: Author | None  # the record the paper sits on now (None: the claimant's own record)
    reason: str
    score: float
    kind: str = "paper"


@dataclass
class Suggestions:
    records: list[RecordSuggestion]
    papers: list[PaperSuggestion]
    uncertain: list[PaperSuggestion]
    block: str

    def __bool__(self):
        return bool(self.records or self.papers or self.uncertain)

    def __len__(self):
        return len(self.records) + len(self.papers) + len(self.uncertain)


def _names(author) -> list[str]:
    return [n for n in dict.fromkeys([author.display_name, *(author.name_variants or [])]) if n]


def name_blocks(names) -> set[str]:
    """S2AND's blocks for these names: "n reed" for "Nathaniel F. Reed" and "N. Reed"."""
    from s2and.text import compute_block, normalize_text

    return {b for b in (compute_block(normalize_text(n)) for n in names) if b}


def _initials_keys(author) -> list[str]:
    """Our own surname|initial keys (the indexed column) for the record's name and variants."""
    out = {author.initials_key}
    for name in _names(author):
        keyname, forenames, _ = split_personal_name(name)
        if keyname:
            out.add(keys.initials_key(keyname, forenames))
    return sorted(k for k in out if k)


# Records on the papers of the record's coauthors: walked from the record's side, so the cost is
# bounded by its coauthors' works, not by the block (a hashed subplan, evaluated once).
_NEIGHBOURS_SQL = """
SELECT s.author_id FROM papers_authorship m
JOIN papers_paper p ON p.id = m.paper_id AND p.authors_count <= %s
JOIN papers_authorship c ON c.paper_id = m.paper_id AND c.author_id <> m.author_id
JOIN papers_authorship c2 ON c2.author_id = c.author_id
JOIN papers_paper p2 ON p2.id = c2.paper_id AND p2.authors_count <= %s
JOIN papers_authorship s ON s.paper_id = c2.paper_id
WHERE m.author_id = %s
"""


def _candidates(*, author, user):
    """Other live records in the block the claimant could take over: unowned, or already theirs (1 query).

    In a block larger than the cap, records that share a coauthor with `author` come first, then the
    largest records."""
    decided = IdentityConstraint.objects.filter(author_id=author.pk, other_author_id=OuterRef("pk"))
    near = RawSQL(f"researchers_author.id IN ({_NEIGHBOURS_SQL})",
                  [COAUTHOR_MAX_AUTHORS, COAUTHOR_MAX_AUTHORS, author.pk], output_field=BooleanField())
    rows = list(
        Author.objects.filter(initials_key__in=_initials_keys(author), merged_into__isnull=True,
                              is_collaboration=False)
        .filter(Q(owner__isnull=True) | Q(owner_id=user.pk))
        .exclude(pk=author.pk).exclude(claim_state=ClaimState.DISPUTED)
        .exclude(Exists(decided))
        .annotate(near=near)
        .only("id", "slug", "display_name", "name_variants", "works_count", "first_year", "last_year",
              "affiliation", "owner_id", "claim_state")
        .order_by(F("near").desc(), "-works_count", "id")[:MAX_CANDIDATE_RECORDS]
    )
    blocks = name_blocks(_names(author))
    mine = set(_names(author))
    kept = []
    for rec in rows:
        theirs = _names(rec)
        # The very same display name is what namesakes share: only another spelling is evidence.
        shared = sorted((set(theirs) & mine) - {author.display_name})
        if shared or name_blocks(theirs) & blocks:
            rec.shared_variant = shared[0] if shared else ""
            kept.append(rec)
    return kept, blocks


_EVIDENCE_SQL = """
WITH me AS (
    SELECT a.paper_id, a.institution_id, p.year, p.categories, p.authors_count
    FROM papers_authorship a JOIN papers_paper p ON p.id = a.paper_id AND NOT p.deleted
    WHERE a.author_id = %(aid)s AND a.attribution <> 'pending'
),
co AS (
    SELECT DISTINCT c.author_id FROM me JOIN papers_authorship c ON c.paper_id = me.paper_id
    WHERE me.authors_count <= %(cap)s AND c.author_id <> %(aid)s
),
inst AS (SELECT DISTINCT institution_id FROM me WHERE institution_id IS NOT NULL),
cats AS (SELECT DISTINCT unnest(categories) AS cat FROM me),
span AS (SELECT min(year) AS lo, max(year) AS hi FROM me),
slots AS (
    SELECT s.id, s.author_id, s.paper_id, s.institution_id, p.year, p.categories, p.authors_count,
           p.arxiv_id, p.title
    FROM papers_authorship s JOIN papers_paper p ON p.id = s.paper_id AND NOT p.deleted
    WHERE s.author_id = ANY(%(cands)s) AND s.attribution <> 'pending'
      AND NOT EXISTS (SELECT 1 FROM papers_authorship m WHERE m.paper_id = s.paper_id AND m.author_id = %(aid)s)
      AND NOT EXISTS (SELECT 1 FROM researchers_identityconstraint k
                      WHERE k.author_id = %(aid)s AND k.authorship_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM researchers_claimslot cs JOIN researchers_claim cl ON cl.id = cs.claim_id
                      WHERE cs.authorship_id = s.id AND cs.decision = 'not_me' AND cl.author_id = %(aid)s)
),
slot_co AS (
    SELECT s.id, array_agg(DISTINCT c.author_id) AS coauthors
    FROM slots s
    JOIN papers_authorship c ON c.paper_id = s.paper_id AND c.author_id <> s.author_id
    JOIN co ON co.author_id = c.author_id
    WHERE s.authors_count <= %(cap)s
    GROUP BY s.id
),
scored AS (
    SELECT s.*, coalesce(sc.coauthors, '{}') AS coauthors,
           coalesce(s.institution_id IN (SELECT institution_id FROM inst), false) AS same_inst,
           ARRAY(SELECT unnest(s.categories) INTERSECT SELECT cat FROM cats) AS shared_cats,
           coalesce(s.year BETWEEN (SELECT lo FROM span) - 1 AND (SELECT hi FROM span) + 1, false) AS in_span
    FROM slots s LEFT JOIN slot_co sc ON sc.id = s.id
),
rec AS (
    SELECT author_id, count(*) AS works, bool_or(same_inst) AS same_inst, bool_or(in_span) AS in_span,
           count(*) FILTER (WHERE cardinality(coauthors) > 0 OR same_inst) AS near
    FROM scored GROUP BY author_id
),
rec_co AS (SELECT s.author_id, count(DISTINCT x) AS n FROM scored s, unnest(s.coauthors) x GROUP BY s.author_id),
rec_cat AS (SELECT s.author_id, array_agg(DISTINCT c) AS cats FROM scored s, unnest(s.shared_cats) c
            GROUP BY s.author_id)
SELECT
    (SELECT coalesce(json_agg(t), '[]') FROM (
        SELECT id, author_id, arxiv_id, title, year, cardinality(coauthors) AS coauthors, same_inst,
               shared_cats, in_span
        FROM scored WHERE cardinality(coauthors) > 0 OR same_inst
        ORDER BY cardinality(coauthors) DESC, same_inst DESC, cardinality(shared_cats) DESC, year DESC NULLS LAST, id
        LIMIT %(papers)s) t),
    (SELECT coalesce(json_agg(t), '[]') FROM (
        SELECT r.author_id, r.works, r.near, coalesce(rc.n, 0) AS coauthors, r.same_inst,
               coalesce(rt.cats, '{}') AS cats, r.in_span
        FROM rec r LEFT JOIN rec_co rc USING (author_id) LEFT JOIN rec_cat rt USING (author_id)) t)
"""


def _evidence(*, author, candidate_ids):
    """(paper rows, record rows) of evidence against `author`, computed in one statement."""
    with connection.cursor() as cur:
        cur.execute(_EVIDENCE_SQL, {"aid": author.pk, "cands": list(candidate_ids), "cap": COAUTHOR_MAX_AUTHORS,
                                    "papers": MAX_PAPER_SUGGESTIONS * 3})
        papers, records = cur.fetchone()
    return papers or [], records or []


def uncertain_works(*, author, limit=MAX_UNCERTAIN_WORKS) -> list[PaperSuggestion]:
    """The record's own works the model scored under the threshold and the owner has not judged (1 query)."""
    judged = IdentityConstraint.objects.filter(author_id=author.pk, authorship_id=OuterRef("pk"))
    slots = (
        Authorship.objects.filter(author_id=author.pk, confidence__lt=LOW_CONFIDENCE_THRESHOLD)
        .exclude(attribution="pending").exclude(Exists(judged))
        .select_related("paper").only("id", "confidence", "evidence", "paper__arxiv_id", "paper__title",
                                      "paper__year")
        .order_by("confidence", "id")[:limit]
    )
    return [
        PaperSuggestion(authorship_id=s.pk, arxiv_id=s.paper.arxiv_id, title=s.paper.title, year=s.paper.year,
                        on_author=None, reason=uncertain_reason(confidence=s.confidence, evidence=s.evidence),
                        score=s.confidence, kind="uncertain")
        for s in slots
    ]


def suggestions_for_record(*, author: Author, user) -> Suggestions:
    """Records and papers near `author` for its (future) owner `user`, best evidence first: 3 queries."""
    candidates, blocks = _candidates(author=author, user=user)  # query: the block's candidate records
    by_id = {c.pk: c for c in candidates}
    records, papers = [], []
    if candidates:
        paper_rows, record_rows = _evidence(author=author, candidate_ids=by_id)  # query: the evidence
        seen = set()
        for row in record_rows:
            rec = by_id[row["author_id"]]
            seen.add(rec.pk)
            ev = Evidence(coauthors=row["coauthors"], same_institution=row["same_inst"], categories=row["cats"],
                          years_overlap=row["in_span"], variant=getattr(rec, "shared_variant", ""))
            # A whole record only when the evidence covers most of it (or it is another spelling of the
            # name); a mixed record with a few close works offers just those works below.
            if ev.score >= MIN_SCORE and (ev.variant or row["near"] * 2 >= row["works"]):
                records.append(RecordSuggestion(author=rec, works=row["works"], evidence=ev))
        # A record whose works were all judged already has no row: only a shared variant speaks for it.
        for rec in candidates:
            if rec.pk not in seen and getattr(rec, "shared_variant", "") and rec.works_count == 0:
                records.append(RecordSuggestion(author=rec, works=0, evidence=Evidence(variant=rec.shared_variant)))
        records.sort(key=lambda r: (-r.evidence.score, -r.works, r.author.pk))
        records = records[:MAX_RECORD_SUGGESTIONS]
        whole = {r.author.pk for r in records}
        for row in paper_rows:
            if row["author_id"] in whole:
                continue  # offered with its whole record above
            ev = Evidence(coauthors=row["coauthors"], same_institution=row["same_inst"],
                          categories=row["shared_cats"], years_overlap=row["in_span"])
            if ev.score >= MIN_SCORE:
                papers.append(PaperSuggestion(
                    authorship_id=row["id"], arxiv_id=row["arxiv_id"], title=row["title"], year=row["year"],
                    on_author=by_id[row["author_id"]], reason=ev.reason, score=ev.score,
                ))
        papers = papers[:MAX_PAPER_SUGGESTIONS]
    uncertain = uncertain_works(author=author)  # query: the record's own uncertain works
    return Suggestions(records=records, papers=papers, uncertain=uncertain, block=", ".join(sorted(blocks)))
