"""Reads for the disambiguation pipeline: a batch of blocks as engine signatures, the decisions
people made about them, and the name counts. Nothing here writes."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from papers.ingest import keys
from researchers.disambiguation.counts import name_counts
from researchers.disambiguation.engine import MAX_BYLINE, Signature, split_forenames

# Name counts are rebuilt from the author table at most this often per process.
COUNTS_TTL_SECONDS = 3600


@dataclass
class Slot:
    """An authorship as the pipeline needs it beside its engine signature."""

    id: int
    author_id: int
    attribution: str
    confidence: float | None
    display: str
    keyname: str
    forenames: str


@dataclass
class Record:
    id: int
    owner_id: int | None
    auto_accept: bool
    # Owned, or changed by a person (claim, split, merge, review): the model never takes its
    # confirmed slots away, never merges it away and never renames it.
    frozen: bool = False


@dataclass
class BlockData:
    key: str
    records: dict[int, Record] = field(default_factory=dict)
    slots: dict[int, Slot] = field(default_factory=dict)
    signatures: list[Signature] = field(default_factory=list)
    # authorship id → record ids it was marked "not me" for.
    not_me: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    # authorship ids a moderator split off a record → that record (never to go back).
    split_from: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))


def blocks_load(*, block_keys: list[str]) -> dict[str, BlockData]:
    """The records of these blocks (live, not collaborations), their slots on live papers, and
    the papers' text and bylines: five queries for the whole batch."""
    blocks = {key: BlockData(key) for key in block_keys}
    with connection.cursor() as cur:
        # 1. The records of the blocks.
        cur.execute(
            "SELECT id, initials_key, owner_id, auto_accept_name_matches FROM researchers_author "
            "WHERE initials_key = ANY(%s) AND merged_into_id IS NULL AND NOT is_collaboration",
            [block_keys],
        )
        block_of: dict[int, str] = {}
        for aid, key, owner_id, auto in cur.fetchall():
            blocks[key].records[aid] = Record(aid, owner_id, auto, frozen=owner_id is not None)
            block_of[aid] = key
        if not block_of:
            return blocks
        author_ids = list(block_of)
        # 2. Records a person changed: any identity event with a human actor, on either side.
        cur.execute(
            "SELECT author_id FROM researchers_identityevent WHERE actor_id IS NOT NULL AND author_id = ANY(%s) "
            "UNION SELECT other_author_id FROM researchers_identityevent "
            "WHERE actor_id IS NOT NULL AND other_author_id = ANY(%s)",
            [author_ids, author_ids],
        )
        for (aid,) in cur.fetchall():
            blocks[block_of[aid]].records[aid].frozen = True
        # 3. Their slots, with each paper's text.
        cur.execute(
            """
            SELECT a.id, a.author_id, a.paper_id, a.position, a.keyname, a.forenames, a.suffix, a.affiliation,
                   a.attribution, a.confidence, p.title, p.abstract, p.categories, p.journal_ref, p.year
            FROM papers_authorship a JOIN papers_paper p ON p.id = a.paper_id AND NOT p.deleted
            WHERE a.author_id = ANY(%s)
            """,
            [author_ids],
        )
        rows = cur.fetchall()
        paper_ids = sorted({r[2] for r in rows})
        # 4. The bylines of those papers (coauthor features).
        cur.execute(
            "SELECT paper_id, keyname, forenames FROM papers_authorship WHERE paper_id = ANY(%s) "
            f"AND position < {MAX_BYLINE} ORDER BY paper_id, position",
            [paper_ids],
        )
        bylines: dict[int, list[str]] = defaultdict(list)
        for pid, keyname, forenames in cur.fetchall():
            bylines[pid].append(keys.display_name(keyname, forenames))
        # 5. "Not me" answers and moderators' splits touching these slots.
        slot_ids = [r[0] for r in rows]
        cur.execute(
            "SELECT s.authorship_id, c.author_id FROM researchers_claimslot s "
            "JOIN researchers_claim c ON c.id = s.claim_id WHERE s.decision = 'not_me' AND s.authorship_id = ANY(%s)",
            [slot_ids],
        )
        not_me = cur.fetchall()
        # An owner's "not mine" answer to a suggestion (researchers.IdentityConstraint, cannot-link):
        # the slot never joins that record again, exactly like a claim's "not me".
        cur.execute(
            "SELECT authorship_id, author_id FROM researchers_identityconstraint "
            "WHERE kind = 'cannot' AND authorship_id = ANY(%s)",
            [slot_ids],
        )
        not_me += cur.fetchall()
        cur.execute(
            "SELECT e.author_id, e.payload -> 'moves' FROM researchers_identityevent e "
            "WHERE e.kind = 'split' AND e.actor_id IS NOT NULL AND e.author_id = ANY(%s)",
            [author_ids],
        )
        splits = cur.fetchall()
    for (sid, aid, pid, pos, keyname, forenames, suffix, aff, attribution, confidence, title, abstract, cats,
         journal, year) in rows:
        block = blocks[block_of[aid]]
        display = keys.display_name(keyname, forenames)
        block.slots[sid] = Slot(sid, aid, attribution, confidence, display, keyname, forenames)
        first, middle = split_forenames(forenames)
        block.signatures.append(Signature(
            sid=str(sid), paper_id=str(pid), position=min(pos, MAX_BYLINE), first=first, middle=middle,
            last=keyname, suffix=suffix, affiliation=aff, byline=bylines.get(pid, [display]),
            title=title, abstract=abstract, categories=" ".join(cats or []), journal=journal, year=year,
        ))
    slot_block = {sid: key for key, b in blocks.items() for sid in b.slots}
    for sid, aid in not_me:
        if sid in slot_block:
            blocks[slot_block[sid]].not_me[sid].add(aid)
    for source_id, moves in splits:
        for move in moves or []:
            for sid in move.get("ids", []):
                if sid in slot_block:
                    blocks[slot_block[sid]].split_from[sid].add(source_id)
    return blocks


_COUNTS: dict = {}
_COUNTS_LOCK = threading.Lock()


def name_counts_current() -> dict:
    """S2AND name counts from every byline we hold (one GROUP BY), cached per process for
    COUNTS_TTL_SECONDS: they move slowly, and only their scale matters much. A table that grew
    by more than a tenth since (the planner's row estimate, which every import refreshes) is
    counted again at once: the first harvest into an empty database must not set them for an hour."""
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'papers_authorship'::regclass")
        size = cur.fetchone()[0]
    with _COUNTS_LOCK:
        if (_COUNTS and time.monotonic() - _COUNTS["at"] < COUNTS_TTL_SECONDS
                and abs(size - _COUNTS["size"]) <= 0.1 * max(_COUNTS["size"], 1)):
            return _COUNTS["counts"]
    with connection.cursor() as cur:
        cur.execute("SELECT forenames, keyname, count(*) FROM papers_authorship GROUP BY forenames, keyname")
        counts = name_counts(cur.fetchall())
    with _COUNTS_LOCK:
        _COUNTS.update(counts=counts, at=time.monotonic(), size=size)
    return counts


def name_counts_forget() -> None:
    """Drop this process's cached name counts (tests: each builds its own world)."""
    with _COUNTS_LOCK:
        _COUNTS.clear()


def pending_block_keys(*, limit: int | None = None) -> list[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT block_key FROM researchers_pendingidentityblock ORDER BY block_key"
                    + (" LIMIT %s" if limit else ""), [limit] if limit else [])
        return [r[0] for r in cur.fetchall()]


def all_block_keys() -> list[str]:
    """Every block holding at least one live, non-collaboration record."""
    with connection.cursor() as cur:
        cur.execute("SELECT DISTINCT r.initials_key FROM researchers_author r "
                    "WHERE r.merged_into_id IS NULL AND NOT r.is_collaboration "
                    "AND EXISTS (SELECT 1 FROM papers_authorship a WHERE a.author_id = r.id) ORDER BY 1")
        return [r[0] for r in cur.fetchall()]
