"""Writes of the disambiguation pipeline: queue the blocks an import touched, cluster a batch of
blocks and apply the result to the author records.

Applying a block's clusters:
- each cluster is mapped to the existing record it overlaps most (greedy, largest overlap
  first), so slugs, follows, claims and history stay where the person is;
- a record that is owned or was changed by a person (``Record.frozen``) keeps every slot it has;
  the model can only add to it, never take from it, merge it away or rename it;
- clusters left over become new records, with the homonym slug suffixes ("-2", "-3" …);
- a record left with no slot is forwarded (``merged_into``) to where most of its slots went;
- authorships move in one UPDATE per batch, with their confidence and evidence; every record
  that gained or lost works gets one IdentityEvent (kind CLUSTER, actor NULL, the model named
  in the payload, the moves in the format a moderator's revert restores);
- the moved records and their coauthors go on the loader's author refresh queue, drained at
  the end, which recounts the aggregates and bumps the ``data_changed_at`` watermarks.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from papers.ingest import keys
from researchers.disambiguation.engine import MODEL_NAME, BlockInput, Constraints, cluster_blocks
from researchers.disambiguation.selectors import BlockData, blocks_load, name_counts_current, pending_block_keys
from researchers.models import Author, EventKind, IdentityEvent
from researchers.services.follows import author_social_move

logger = logging.getLogger(__name__)

# Blocks per task (and per transaction): S2AND's set-up is paid once per batch.
BLOCKS_PER_TASK = 200
OWNER_EVIDENCE = "confirmed by the record's owner"
ORCID_EVIDENCE = "same ORCID iD"


# -- queueing ------------------------------------------------------------------------------------

# The loader's hook: every block whose bylines this batch wrote (the records of its new bylines,
# in stg_byline, and of the slots it retired from updated or deleted papers, in stg_changed).
# The batch's distinct records are looked up by primary key: joined to the author table, the
# planner hashed the whole table every batch (131k rows, twice the pages while a bulk load fills
# them half full), a cost growing with the table; 78 against 114 ms a batch at 133k records.
QUEUE_TOUCHED_SQL = """
INSERT INTO researchers_pendingidentityblock (block_key, queued_at, dispatched_at)
SELECT DISTINCT a.initials_key, now(), NULL::timestamptz
FROM researchers_author a
WHERE a.id = ANY(ARRAY(SELECT author_id FROM stg_byline WHERE NOT keep UNION SELECT author_id FROM stg_changed))
  AND NOT a.is_collaboration
ON CONFLICT (block_key) DO UPDATE SET queued_at = EXCLUDED.queued_at, dispatched_at = NULL
-- A block already waiting to be sent is left as it is: no task works on it, and the one its
-- dispatch sends will read every byline committed by then. Rewriting it batch after batch (most
-- blocks of a load recur) only made dead rows. A block already sent is queued again, and its
-- newer queued_at keeps the running task from dropping it (blocks_disambiguate).
WHERE researchers_pendingidentityblock.dispatched_at IS NOT NULL
"""


def identity_blocks_queue_touched(cur) -> None:
    """Loader hook, inside the batch transaction: queue the blocks of the bylines just written."""
    cur.execute(QUEUE_TOUCHED_SQL)


_HELD = threading.local()


@contextmanager
def identity_dispatch_held() -> Iterator[None]:
    """Within this block, imports leave the blocks they touched pending instead of sending them.
    For a bulk load in eager mode (``make run`` with no Redis): the demo's 20k papers would
    otherwise be clustered inline, minutes before the site comes up; ``disambiguate_authors``
    then works through the pending blocks behind the running site."""
    _HELD.depth = getattr(_HELD, "depth", 0) + 1
    try:
        yield
    finally:
        _HELD.depth -= 1


def identity_blocks_dispatch() -> int:
    """Send one task per BLOCKS_PER_TASK pending blocks not yet sent (after commit). Returns the
    number of blocks sent. In eager mode the tasks run here, so the import returns disambiguated
    (unless identity_dispatch_held)."""
    from researchers.disambiguation.tasks import disambiguate_blocks as disambiguate_blocks_task

    if getattr(_HELD, "depth", 0):
        return 0
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE researchers_pendingidentityblock SET dispatched_at = now() "
                "WHERE dispatched_at IS NULL RETURNING block_key"
            )
            block_keys = sorted(r[0] for r in cur.fetchall())
        for i in range(0, len(block_keys), BLOCKS_PER_TASK):
            chunk = block_keys[i:i + BLOCKS_PER_TASK]
            transaction.on_commit(lambda chunk=chunk: disambiguate_blocks_task.delay(chunk))
    return len(block_keys)


# A block sent this long ago and still pending lost its task (a broker flushed or restarted
# without persistence, a worker killed before acking): the sweep sends it again. A task takes
# at most an hour (its time limit); a duplicate finds nothing new in the block and costs a read.
REDISPATCH_AFTER = timedelta(hours=1)


def identity_blocks_redispatch_stale(*, older_than: timedelta = REDISPATCH_AFTER, sent_before=None) -> int:
    """Beat's safety net behind the per-import dispatch: send again the pending blocks whose task
    was sent more than ``older_than`` ago (or before ``sent_before``) and never finished them.
    Returns the blocks sent."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE researchers_pendingidentityblock SET dispatched_at = NULL WHERE dispatched_at < %s",
            [sent_before or timezone.now() - older_than],
        )
    return identity_blocks_dispatch()


# -- clustering ----------------------------------------------------------------------------------

def _block_input(block: BlockData, *, full: bool) -> BlockInput:
    """Seeds and constraints of one block. Incremental when earlier runs clustered every old
    slot (their records are the seeds); otherwise a full run where only people's decisions seed."""
    new = {str(s.id) for s in block.slots.values() if s.confidence is None}
    confirmed: dict[int, list[str]] = defaultdict(list)
    for s in block.slots.values():
        if _kept_by_person(block, s):
            confirmed[s.author_id].append(str(s.id))
    if new and not full and len(new) < len(block.slots):
        seeded = {str(s.id): f"a{s.author_id}" for s in block.slots.values() if str(s.id) not in new}
    else:
        seeded = {sid: f"a{aid}" for aid, sids in confirmed.items() for sid in sids}
        new = set()
    disallow = []
    for sid, record_ids in [*block.not_me.items(), *block.split_from.items()]:
        for aid in record_ids:
            disallow.extend((str(sid), other) for other in confirmed.get(aid, []) if other != str(sid))
    return BlockInput(block.signatures, seeded=seeded, new=new, constraints=Constraints(disallow=disallow))


def _kept_by_person(block: BlockData, slot) -> bool:
    """A slot a person settled on its record: any slot of an owned or person-changed record,
    except those awaiting the owner's review and those marked "not me" for (or split off) it."""
    record = block.records.get(slot.author_id)
    return (record is not None and record.frozen and slot.attribution != "pending"
            and slot.author_id not in block.not_me.get(slot.id, ())
            and slot.author_id not in block.split_from.get(slot.id, ()))


def _needs_work(block: BlockData, *, full: bool) -> bool:
    return bool(block.slots) and (full or any(s.confidence is None for s in block.slots.values()))


@transaction.atomic
def blocks_disambiguate(*, block_keys: list[str], full: bool = False, drain: bool = True) -> dict:
    """Cluster these blocks and apply the result to the records; drop them from the pending
    queue. ``full`` re-clusters every slot instead of linking only the new ones. Returns stats."""
    block_keys = sorted(set(block_keys))
    with connection.cursor() as cur:
        # Two workers never work on one block at once; the lowest key first, so no deadlock.
        for key in block_keys:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('identity:' || %s))", [key])
        started = timezone.now()
    blocks = blocks_load(block_keys=block_keys)
    todo = {key: b for key, b in blocks.items() if _needs_work(b, full=full)}
    stats = {"blocks": len(block_keys), "clustered": len(todo), "signatures": 0, "moved": 0, "created": 0,
             "events": 0}
    if todo:
        inputs = {key: _block_input(b, full=full) for key, b in todo.items()}
        results = cluster_blocks(inputs, name_counts=name_counts_current())
        stats["signatures"] = sum(len(b.slots) for b in todo.values())
        plan = _Plan()
        for key, block in todo.items():
            _map_block(block, results[key], plan)
        _apply(plan, stats)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM researchers_pendingidentityblock WHERE block_key = ANY(%s) AND queued_at <= %s",
                    [block_keys, started])
    if drain:
        from papers.ingest.load import drain_author_refresh

        drain_author_refresh()
    return stats


class _Plan:
    def __init__(self):
        # authorship id → (author id or a new-record token, confidence, evidence, attribution)
        self.slots: dict[int, list] = {}
        self.new_records: dict[str, tuple[str, str, str]] = {}  # token → (keyname, forenames, block key)
        self.moves: dict[tuple, list[int]] = defaultdict(list)  # (from, to) → ids
        self.prior: dict[int, str] = {}
        self.forward: dict[int, object] = {}  # emptied record → record (or token) most of it went to
        self.block_records: set[int] = set()


def _map_block(block: BlockData, result, plan: _Plan) -> None:
    slots = block.slots
    clusters = [[int(sid) for sid in c] for c in result.clusters]
    # Frozen records keep their confirmed slots: their cluster is theirs.
    owner_of: dict[int, int] = {}
    taken: set[int] = set()
    for n, members in enumerate(clusters):
        frozen = Counter(slots[s].author_id for s in members if _kept_by_person(block, slots[s]))
        if frozen:
            aid = frozen.most_common(1)[0][0]
            if aid not in taken:
                owner_of[n] = aid
                taken.add(aid)
    overlaps = sorted(
        ((count, -aid, n, aid) for n, members in enumerate(clusters) if n not in owner_of
         for aid, count in Counter(slots[s].author_id for s in members).items()
         if not block.records[aid].frozen),
        reverse=True,
    )
    for _count, _neg, n, aid in overlaps:
        if n not in owner_of and aid not in taken:
            owner_of[n] = aid
            taken.add(aid)
    plan.block_records.update(block.records)
    went: dict[int, Counter] = defaultdict(Counter)
    for n, members in enumerate(clusters):
        target = owner_of.get(n)
        if target is None:
            token = f"new:{block.key}:{n}"
            plan.new_records[token] = _best_name([slots[s] for s in members]) + (block.key,)
            target = token
        for sid in members:
            slot = slots[sid]
            dest = target
            if _kept_by_person(block, slot):
                dest = slot.author_id  # a person's decision: never moved by the model
            elif isinstance(dest, int) and (dest in block.not_me.get(sid, ()) or dest in block.split_from.get(sid, ())):
                dest = f"new:{block.key}:{n}:{sid}"  # "not me" never goes back, whatever the model says
                plan.new_records[dest] = (slot.keyname, slot.forenames, block.key)
            _place(plan, block, slot, dest, result)
            went[slot.author_id][dest] += 1
    for aid in block.records:
        kept = went.get(aid, Counter()).get(aid, 0)
        if not kept and went.get(aid) and not block.records[aid].frozen:
            plan.forward[aid] = went[aid].most_common(1)[0][0]


def _place(plan: _Plan, block: BlockData, slot, dest, result) -> None:
    sid = str(slot.id)
    confidence = result.confidence.get(sid, slot.confidence)
    evidence = result.evidence.get(sid)
    attribution = slot.attribution
    if attribution == "owner":
        confidence, evidence = 1.0, OWNER_EVIDENCE
    elif attribution == "orcid":
        confidence, evidence = 1.0, ORCID_EVIDENCE
    if dest != slot.author_id:
        target = block.records.get(dest) if isinstance(dest, int) else None
        if target is not None and target.owner_id and not target.auto_accept:
            attribution = "pending"  # onto an owned record: the owner's review inbox decides
        elif attribution == "pending":
            attribution = "name"
        plan.moves[(slot.author_id, dest)].append(slot.id)
        plan.prior[slot.id] = slot.attribution
    plan.slots[slot.id] = [dest, confidence, evidence, attribution]


def _best_name(slots) -> tuple[str, str]:
    """The fullest spelling in the cluster ("Nathaniel F. Reed" over "N. F. Reed"), then the
    most common."""
    counts = Counter((s.keyname, s.forenames) for s in slots)
    return max(counts, key=lambda kf: (len(kf[1].replace(".", "")), counts[kf], kf))


def _apply(plan: _Plan, stats: dict) -> None:
    tokens = _create_records(plan.new_records)
    stats["created"] = len(tokens)

    def resolve(dest):
        return tokens[dest] if isinstance(dest, str) else dest

    ids, authors, confidences, evidences, attributions = [], [], [], [], []
    for sid, (dest, confidence, evidence, attribution) in plan.slots.items():
        ids.append(sid)
        authors.append(resolve(dest))
        confidences.append(confidence)
        evidences.append((evidence or "")[:300])
        attributions.append(attribution)
    with connection.cursor() as cur:
        cur.execute(
            """
            UPDATE papers_authorship a SET author_id = v.author_id, confidence = v.confidence,
                   evidence = v.evidence, attribution = v.attribution
            FROM unnest(%s::bigint[], %s::bigint[], %s::float8[], %s::text[], %s::text[])
                 AS v(id, author_id, confidence, evidence, attribution)
            WHERE a.id = v.id AND (a.author_id, a.confidence, a.evidence, a.attribution)
                  IS DISTINCT FROM (v.author_id, v.confidence, v.evidence, v.attribution)
            """,
            [ids, authors, confidences, evidences, attributions],
        )
        forwards = {aid: resolve(dest) for aid, dest in plan.forward.items() if resolve(dest) != aid}
        if forwards:
            cur.execute(
                "UPDATE researchers_author r SET merged_into_id = v.target, updated_at = now() "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, target) "
                "WHERE r.id = v.id AND r.owner_id IS NULL",
                [list(forwards), list(forwards.values())],
            )
    # A record the model emptied into another takes its followers and invitations along, as a
    # person's merge does (researchers.services.follows.author_social_move).
    for source_id, target_id in forwards.items():
        author_social_move(source_id=source_id, target_id=target_id)
    events = _events(plan, resolve, forwards)
    stats["events"] = len(events)
    moved = [sid for sids in plan.moves.values() for sid in sids]
    stats["moved"] = len(moved)
    records = plan.block_records | set(tokens.values())
    _queue_refresh(records, moved)


def _events(plan: _Plan, resolve, forwards: dict) -> list:
    by_record: dict[int, list[dict]] = defaultdict(list)
    for (src, dest), sids in plan.moves.items():
        move = {"ids": sorted(sids), "from": src, "to": resolve(dest), "attributions": {}}
        for sid in sids:
            move["attributions"].setdefault(plan.prior[sid], []).append(sid)
        by_record[move["to"]].append(move)
        by_record[src].append(move)
    events = []
    for aid, moves in by_record.items():
        gained = sum(len(m["ids"]) for m in moves if m["to"] == aid)
        lost = sum(len(m["ids"]) for m in moves if m["from"] == aid)
        other = next((m["from"] if m["to"] == aid else m["to"] for m in moves), None)
        summary = f"{MODEL_NAME}: {gained} work(s) in, {lost} out"
        if aid in forwards:
            summary += " (record forwarded)"
        events.append(IdentityEvent(
            author_id=aid, kind=EventKind.CLUSTER, actor=None, other_author_id=other, summary=summary,
            payload={"model": MODEL_NAME, "before": {}, "moves": moves,
                     "forwarded_to": forwards.get(aid)},
        ))
    IdentityEvent.objects.bulk_create(events, batch_size=1000)
    return events


def _create_records(new_records: dict[str, tuple[str, str, str]]) -> dict[str, int]:
    """New records for the clusters no record holds, slugs "name", "name-2" … after the highest
    number taken for that base; set-based (one bulk INSERT, retried on a concurrent slug)."""
    if not new_records:
        return {}
    for _attempt in range(5):
        rows = []
        bases = Counter()
        for token, (keyname, forenames, block_key) in sorted(new_records.items()):
            display = keys.display_name(keyname, forenames)
            base = keys.slug_base(display, max_length=300)
            bases[base] += 0
            rows.append((token, display, keyname, forenames, block_key, base))
        highest = _highest_slug_numbers(list(bases))
        objs, order = [], []
        for token, display, keyname, forenames, block_key, base in rows:
            highest[base] = highest.get(base, 0) + 1
            n = highest[base]
            slug = base if n == 1 else f"{base}-{n}"
            objs.append(Author(display_name=display, name_key=keys.name_key(keyname, forenames),
                               initials_key=block_key, name_variants=[display], slug=slug))
            order.append(token)
        try:
            with transaction.atomic():
                created = Author.objects.bulk_create(objs, batch_size=1000)
            return {token: obj.pk for token, obj in zip(order, created)}
        except IntegrityError:
            logger.info("slug taken concurrently; allocating again")
    raise RuntimeError("could not allocate slugs for new author records")


def _highest_slug_numbers(bases: list[str]) -> dict[str, int]:
    """base → the highest "-N" taken (1 when only the bare base is), for every base in one query."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT b.base, max(CASE WHEN a.slug = b.base THEN 1
                                    ELSE substring(a.slug FROM '-([0-9]+)$')::int END)
            FROM unnest(%s::text[]) AS b(base)
            JOIN researchers_author a ON a.slug = b.base
                 OR (a.slug ~>=~ (b.base || '-') AND a.slug ~<~ (b.base || '.')
                     AND a.slug ~ ('^' || b.base || '-[0-9]+$'))
            GROUP BY b.base
            """,
            [bases],
        )
        return {base: n or 1 for base, n in cur.fetchall()}


def _queue_refresh(records: set[int], moved: list[int]) -> None:
    """The loader's author refresh queue: the records of the blocks (confidence changed) and,
    where works moved, both ends and the coauthors (close-collaborator counts)."""
    from researchers.services.aggregates import affected_author_ids, author_uncertain_recount

    changed = set(affected_author_ids(author_ids=[], moved_authorship_ids=moved)) if moved else set()
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO papers_pendingauthorrefresh (author_id, authorships_changed, queued_at)
            SELECT id, bool_or(changed), now() FROM unnest(%s::bigint[], %s::bool[]) AS v(id, changed) GROUP BY id
            ON CONFLICT (author_id) DO UPDATE SET authorships_changed =
                papers_pendingauthorrefresh.authorships_changed OR EXCLUDED.authorships_changed
            """,
            [[*records, *changed], [True] * len(records) + [True] * len(changed)],
        )
    # Uncertain works: the drained refresh does not count them; the one published rule counts them here.
    author_uncertain_recount(author_ids=records)


def identity_blocks_run_pending(*, limit: int | None = None, full: bool = False, progress=None) -> dict:
    """Work through every pending block synchronously, BLOCKS_PER_TASK per transaction."""
    return identity_blocks_run(block_keys=pending_block_keys(limit=limit), full=full, progress=progress)


def identity_blocks_run(*, block_keys: list[str], full: bool = False, progress=None) -> dict:
    """Run these blocks synchronously in batches (the command's path), refreshing the author
    aggregates once at the end."""
    from papers.ingest.load import drain_author_refresh

    total = Counter()
    for i in range(0, len(block_keys), BLOCKS_PER_TASK):
        total.update(blocks_disambiguate(block_keys=block_keys[i:i + BLOCKS_PER_TASK], full=full, drain=False))
        if progress:
            progress(min(i + BLOCKS_PER_TASK, len(block_keys)), len(block_keys), total)
    drain_author_refresh()
    return dict(total)
