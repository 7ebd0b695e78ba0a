"""Claims, disputes, splits, merges, vouches and the identity event log.

Every function here locks the Author rows it changes (SELECT … FOR UPDATE, lowest id first)
before reading their claim state, so concurrent submissions serialise on the record; the
partial unique constraint `claim_one_owner_per_author` is the backstop. Every change writes an
IdentityEvent whose payload carries the state it replaced, which is what a revert restores.
"""

import re

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify

from researchers.models import (
    OWNING_STATUSES,
    Author,
    Claim,
    ClaimEvidence,
    ClaimSlot,
    ClaimState,
    ClaimStatus,
    Dispute,
    DisputeStatus,
    EventKind,
    EvidenceKind,
    IdentityEvent,
    RequestKind,
    SlotDecision,
    Vouch,
)
from researchers.permissions import is_moderator, user_has_verified_email

from .aggregates import affected_author_ids, author_aggregates_refresh
from .errors import Conflict, NotAllowed, ServiceError
from .evidence import DERIVED_KINDS, derive_evidence
from .constraints import identity_constraints_reinstate, identity_constraints_withdraw
from .follows import author_social_move, author_social_restore
from .identity_requests import identity_request_submit, merge_needs_review, split_needs_review

# Sent after commit whenever a record's ownership, level or dispute state changed, so other
# apps (trust) can react within seconds without researchers importing them.
identity_changed = Signal()

FROZEN_MESSAGE = "This record is under review: changes are paused until a moderator resolves the dispute."
SUPPLIED_KINDS = {"statement": EvidenceKind.STATEMENT, "link": EvidenceKind.LINK}
MAX_SUPPLIED_EVIDENCE = 20
APPEAL_OF_APPEAL = ("Your appeal was rejected, and a rejected appeal cannot be appealed again: each rejected "
                    "claim gets one appeal. Report the record to the moderators if you have further evidence.")


# ---------------------------------------------------------------- helpers

def _lock_authors(*ids):
    ids = sorted({int(i) for i in ids if i})
    rows = {a.pk: a for a in Author.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise ServiceError(f"Author record {missing[0]} does not exist.")
    return rows


def _owning_claim(author_id):
    return Claim.objects.filter(author_id=author_id, status__in=OWNING_STATUSES).select_related("user").first()


def _open_dispute(author_id):
    return Dispute.objects.filter(author_id=author_id, status=DisputeStatus.OPEN).first()


def _author_state(author):
    return {
        "id": author.pk, "owner_id": author.owner_id, "claim_state": author.claim_state,
        "verification_level": author.verification_level, "merged_into_id": author.merged_into_id,
        "auto_accept_name_matches": author.auto_accept_name_matches,
    }


def _snapshot(*, authors=(), claims=(), disputes=()):
    return {
        "authors": [_author_state(a) for a in authors],
        "claims": {str(c.pk): c.status for c in claims},
        "disputes": {str(d.pk): d.status for d in disputes},
    }


def _emit(author_ids, kind):
    ids = sorted({int(i) for i in author_ids if i})
    transaction.on_commit(lambda: identity_changed.send(sender=Author, author_ids=ids, kind=kind))


def _notify(task, *args):
    """Send a notification task once the transaction commits; the outbox keeps it if Redis is down."""
    task_enqueue_on_commit(task=task, args=args)


def _event(*, author, kind, actor, summary, before, moves=(), attributions=None, claim=None, dispute=None,
           other_author=None, reverts=None, extra=None):
    payload = {"before": before, "moves": list(moves)}
    if attributions:
        payload["attributions"] = attributions
    if extra:
        payload.update(extra)
    return IdentityEvent.objects.create(
        author=author, kind=kind, actor=actor if actor and actor.is_authenticated else None,
        summary=summary[:500], payload=payload, claim=claim, dispute=dispute, other_author=other_author,
        reverts=reverts,
    )


def _set_attribution(*, author_id, ids=None, from_values, to_value):
    """Set attribution set-based and return {old_value: [ids]} so a revert can put it back."""
    sql = (
        "WITH old AS (SELECT id, attribution FROM papers_authorship WHERE author_id = %s AND attribution = ANY(%s)"
        + (" AND id = ANY(%s)" if ids is not None else "")
        + " FOR UPDATE) UPDATE papers_authorship a SET attribution = %s FROM old WHERE a.id = old.id"
        " RETURNING old.id, old.attribution"
    )
    params = [author_id, list(from_values)] + ([list(ids)] if ids is not None else []) + [to_value]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        changed = {}
        for pk, old in cur.fetchall():
            if old != to_value:
                changed.setdefault(old, []).append(pk)
    return changed


def _restore_attributions(attributions):
    with connection.cursor() as cur:
        for value, ids in (attributions or {}).items():
            cur.execute("UPDATE papers_authorship SET attribution = %s WHERE id = ANY(%s)", [value, ids])


def _move_authorships(*, ids, from_id, to_id, attribution="name"):
    """Re-point authorships set-based; returns the move record (with prior attributions) for the log."""
    with connection.cursor() as cur:
        cur.execute(
            "WITH old AS (SELECT id, attribution FROM papers_authorship WHERE id = ANY(%s) AND author_id = %s"
            " FOR UPDATE) UPDATE papers_authorship a SET author_id = %s, attribution = %s FROM old"
            " WHERE a.id = old.id RETURNING old.id, old.attribution",
            [list(ids), from_id, to_id, attribution],
        )
        rows = cur.fetchall()
    prior = {}
    for pk, old in rows:
        prior.setdefault(old, []).append(pk)
    return {"ids": sorted(pk for pk, _ in rows), "from": from_id, "to": to_id, "attributions": prior}


def _unmove(move):
    """Put a recorded move back: only rows still on the destination record move."""
    current = _read_attributions(move["ids"])
    with connection.cursor() as cur:
        for value, ids in move["attributions"].items():
            cur.execute(
                "UPDATE papers_authorship SET author_id = %s, attribution = %s WHERE id = ANY(%s) AND author_id = %s",
                [move["from"], value, ids, move["to"]],
            )
    return {"ids": move["ids"], "from": move["to"], "to": move["from"], "attributions": current}


def _record_slot_ids(author_id):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id FROM papers_authorship WHERE author_id = %s AND attribution <> 'pending' ORDER BY id",
            [author_id],
        )
        return [r[0] for r in cur.fetchall()]


def _next_split_slug(source):
    base = slugify(source.display_name) or re.sub(r"-\d+$", "", source.slug)
    taken = Author.objects.filter(slug__regex=rf"^{re.escape(base)}(-[0-9]+)?$").values_list("slug", flat=True)
    highest = 1
    for slug in taken:
        m = re.search(r"-(\d+)$", slug[len(base):])
        if m:
            highest = max(highest, int(m.group(1)))
    return base, highest + 1


def _new_split_record(source):
    """A fresh unclaimed record for slots that are "not me": same name, next free "-N" slug."""
    base, n = _next_split_slug(source)
    for attempt in range(10):
        try:
            with transaction.atomic():
                return Author.objects.create(
                    display_name=source.display_name, name_key=source.name_key, initials_key=source.initials_key,
                    name_variants=list(source.name_variants), slug=f"{base}-{n + attempt}",
                    is_collaboration=source.is_collaboration, affiliation="",
                )
        except IntegrityError:
            continue
    raise ServiceError("Could not allocate a slug for the split-off record; try again.")


def _clean_supplied_evidence(evidence, statement=""):
    rows = []
    for item in evidence or []:
        if isinstance(item, str):
            item = {"kind": "statement", "value": item}
        if not isinstance(item, dict):
            raise ServiceError("Each evidence item must be an object with 'kind' and 'value'.")
        kind = SUPPLIED_KINDS.get(str(item.get("kind", "statement")))
        value = str(item.get("value", "")).strip()
        if kind is None:
            raise ServiceError(
                "Evidence kind must be 'statement' or 'link'; ORCID and email evidence come from your "
                "connected accounts, never typed in."
            )
        if not value:
            continue
        if kind == EvidenceKind.LINK and not re.match(r"^https?://\S+$", value):
            raise ServiceError(f"'{value[:80]}' is not an http(s) link.")
        rows.append((kind, value[:500]))
    if statement and statement.strip():
        rows.append((EvidenceKind.STATEMENT, statement.strip()[:500]))
    if len(rows) > MAX_SUPPLIED_EVIDENCE:
        raise ServiceError(f"At most {MAX_SUPPLIED_EVIDENCE} evidence items.")
    return rows


def _add_supplied_evidence(claim, rows):
    ClaimEvidence.objects.bulk_create([
        ClaimEvidence(claim=claim, kind=kind, level=0, summary=value, detail={"supplied": True})
        for kind, value in rows
    ])


def _create_slots(*, claim, author_id, mine_ids):
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO researchers_claimslot (claim_id, authorship_id, decision)"
            " SELECT %s, id, CASE WHEN id = ANY(%s) THEN 'mine' ELSE 'not_me' END"
            " FROM papers_authorship WHERE author_id = %s AND attribution <> 'pending'",
            [claim.pk, list(mine_ids), author_id],
        )


def _release_owner(author, *, claim_state=ClaimState.UNCLAIMED):
    """Take ``author`` from its owner and save it: owner slots back to name matches, level 1."""
    attributions = _set_attribution(author_id=author.pk, from_values=["owner"], to_value="name")
    author.owner = None
    author.claim_state = claim_state
    author.verification_level = 1
    author.data_changed_at = timezone.now()
    author.save(update_fields=["owner", "claim_state", "verification_level", "data_changed_at", "updated_at"])
    return attributions


def _confirmed_not_me(claim, *, current):
    """Slots of ``current`` that ``claim`` marks "not me", and that the claim it appeals marked too."""
    not_me = set(ClaimSlot.objects.filter(claim=claim, decision=SlotDecision.NOT_ME)
                 .values_list("authorship_id", flat=True)) & current
    if claim.appeal_of_id and not_me:
        not_me &= set(ClaimSlot.objects.filter(claim_id=claim.appeal_of_id, decision=SlotDecision.NOT_ME)
                      .values_list("authorship_id", flat=True))
    return sorted(not_me)


def _resolve_selection(author, authorship_ids):
    slots = _record_slot_ids(author.pk)
    if not slots:
        raise ServiceError("This record has no works to claim.")
    if authorship_ids is None:
        return slots, []
    wanted = {int(i) for i in authorship_ids}
    unknown = wanted - set(slots)
    if unknown:
        raise ServiceError(f"Authorship {min(unknown)} is not one of this record's works.")
    if not wanted:
        raise ServiceError("Keep at least one paper: a claim needs works that are yours.")
    return sorted(wanted), [i for i in slots if i not in wanted]


def _apply_level(author, claim):
    author.verification_level = max(2, claim.level) if claim.status in OWNING_STATUSES else 1


# ---------------------------------------------------------------- evidence

@transaction.atomic
def claim_evidence_refresh(*, claim) -> Claim:
    """Re-derive a claim's evidence and level; if it owns its record, set the record's level."""
    claim = Claim.objects.select_related("author").get(pk=claim.pk)
    ClaimEvidence.objects.filter(claim=claim, kind__in=DERIVED_KINDS).delete()
    rows = derive_evidence(claim)
    ClaimEvidence.objects.bulk_create(rows)
    level = max([1, *(r.level for r in rows)])
    if claim.level != level:
        claim.level = level
        claim.save(update_fields=["level", "updated_at"])
    if claim.status in OWNING_STATUSES:
        author = Author.objects.select_for_update().get(pk=claim.author_id)
        new_level = max(2, level)
        if author.verification_level != new_level:
            author.verification_level = new_level
            author.data_changed_at = timezone.now()
            author.save(update_fields=["verification_level", "data_changed_at", "updated_at"])
            _emit([author.pk], "level")
    return claim


@transaction.atomic
def claims_refresh_for_user(*, user) -> None:
    """Re-derive evidence on every live claim of a user (after an email or ORCID account changes)."""
    for claim in Claim.objects.filter(user=user, status__in=[*OWNING_STATUSES, ClaimStatus.PENDING]):
        claim_evidence_refresh(claim=claim)


@transaction.atomic
def claims_release_for_user(*, user) -> list[int]:
    """Before an account is deleted: its records go back to unclaimed L1 and its open disputes end."""
    owned = set(Author.objects.filter(owner_id=user.pk).values_list("pk", flat=True))
    owned |= set(Claim.objects.filter(user_id=user.pk, status__in=OWNING_STATUSES).values_list("author_id", flat=True))
    challenged = set(Dispute.objects.filter(opened_by_id=user.pk, status=DisputeStatus.OPEN)
                     .values_list("author_id", flat=True))
    if not owned | challenged:
        return []
    authors = _lock_authors(*(owned | challenged))
    claims = list(Claim.objects.select_for_update().filter(user_id=user.pk, status__in=OWNING_STATUSES))
    disputes = list(Dispute.objects.select_for_update().filter(author_id__in=authors, status=DisputeStatus.OPEN))
    for author in authors.values():
        before = _snapshot(authors=[author], claims=[c for c in claims if c.author_id == author.pk],
                           disputes=[d for d in disputes if d.author_id == author.pk])
        # The claims and disputes go with the account (they cascade); the record must not stay
        # "claimed" by nobody, nor frozen by a dispute that no longer exists.
        still_disputed = any(d.author_id == author.pk and d.opened_by_id != user.pk for d in disputes)
        attributions = None
        if author.pk in owned:
            attributions = _release_owner(
                author, claim_state=ClaimState.DISPUTED if still_disputed else ClaimState.UNCLAIMED)
        else:  # only challenged: back to its owner
            author.claim_state = ClaimState.CLAIMED if author.owner_id else ClaimState.UNCLAIMED
            author.data_changed_at = timezone.now()
            author.save(update_fields=["claim_state", "data_changed_at", "updated_at"])
        _event(author=author, kind=EventKind.UNCLAIM, actor=None, before=before, attributions=attributions,
               summary="Released: the account that claimed or disputed this record was deleted")
    _emit(list(authors), "unclaim")
    return sorted(authors)


# ---------------------------------------------------------------- claim, split, dispute

def _split(*, actor, author, ids, target, claim=None):
    """Move `ids` off `author` to `target` (or a new "-N" record); logs a SPLIT event."""
    if target is not None:
        if target.pk == author.pk:
            raise ServiceError("Pick a different record to move these works to.")
        if target.claim_state == ClaimState.DISPUTED:
            raise Conflict(f"{target.display_name} is under review and cannot receive works now.")
        if target.owner_id and target.owner_id != getattr(actor, "pk", None) and not is_moderator(actor):
            raise NotAllowed(f"{target.display_name} is owned by someone else; works can only move to "
                             "an unclaimed record or one you own.")
    created = target is None
    if created:
        target = _new_split_record(author)
    move = _move_authorships(ids=ids, from_id=author.pk, to_id=target.pk, attribution="name")
    _event(
        author=author, kind=EventKind.SPLIT, actor=actor, claim=claim, other_author=target,
        summary=f"{len(move['ids'])} work(s) marked \"not me\" moved to {target.display_name} ({target.slug})",
        before=_snapshot(authors=[author]), moves=[move], extra={"created_record": created},
    )
    return target, move


@transaction.atomic
def claim_submit(*, user, author, authorship_ids=None, split_target=None, evidence=None, statement="") -> Claim:
    """Claim `author` for `user`: owner now if unowned, else a Dispute; unticked slots split off."""
    if not user.is_authenticated:
        raise NotAllowed("Log in to claim this record.")
    if not user_has_verified_email(user):
        raise NotAllowed("Verify your email address before claiming a record.")
    supplied = _clean_supplied_evidence(evidence, statement)
    lock_ids = [author.pk] + ([split_target.pk] if split_target is not None else [])
    locked = _lock_authors(*lock_ids)
    author = locked[author.pk]
    split_target = locked.get(split_target.pk) if split_target is not None else None
    if author.merged_into_id:
        raise ServiceError("This record was merged into another one; claim that record instead.")
    if author.claim_state == ClaimState.DISPUTED:
        raise Conflict("This record is under review: a dispute about its owner is open.", dispute=_open_dispute(author.pk))
    previous = Claim.objects.filter(author=author, user=user).order_by("-created_at").first()
    if previous is not None:
        if previous.status in OWNING_STATUSES:
            raise Conflict("You already own this record.")
        if previous.status == ClaimStatus.PENDING:
            raise Conflict("Your claim on this record is already awaiting review.")
        if previous.status == ClaimStatus.REJECTED:
            if Claim.objects.filter(appeal_of=previous).exists():
                raise NotAllowed("Your claim and your appeal were both rejected. Report the record to the "
                                 "moderators if you have further evidence.")
            raise NotAllowed("Your earlier claim on this record was rejected. You can appeal once with new evidence.",
                             appeal_claim_id=previous.pk)
    mine, not_me = _resolve_selection(author, authorship_ids)
    incumbent = _owning_claim(author.pk)

    if incumbent is not None:
        # Someone owns it: this claim becomes the challenger's side of a dispute, and the record freezes.
        claim = Claim.objects.create(author=author, user=user, status=ClaimStatus.PENDING, statement=statement[:5000])
        _create_slots(claim=claim, author_id=author.pk, mine_ids=mine)
        _add_supplied_evidence(claim, supplied)
        before = _snapshot(authors=[author], claims=[claim, incumbent])
        before["claims"][str(claim.pk)] = None
        dispute = Dispute.objects.create(
            author=author, claim=claim, incumbent_claim=incumbent, opened_by=user, reason=statement[:5000],
        )
        author.claim_state = ClaimState.DISPUTED
        author.data_changed_at = timezone.now()
        author.save(update_fields=["claim_state", "data_changed_at", "updated_at"])
        before["disputes"] = {str(dispute.pk): None}
        _event(author=author, kind=EventKind.DISPUTE, actor=user, claim=claim, dispute=dispute, before=before,
               summary="A second claim opened a dispute; the record is under review")
        claim_evidence_refresh(claim=claim)
        _emit([author.pk], "dispute")
        _notify(notify_dispute_opened_task, dispute.pk)
        claim.refresh_from_db()
        return claim

    claim = Claim.objects.create(author=author, user=user, status=ClaimStatus.ACTIVE, statement=statement[:5000])
    _create_slots(claim=claim, author_id=author.pk, mine_ids=mine)
    _add_supplied_evidence(claim, supplied)
    before = _snapshot(authors=[author], claims=[claim])
    before["claims"][str(claim.pk)] = None
    attributions = _set_attribution(author_id=author.pk, ids=mine, from_values=["name", "initials", "orcid"],
                                    to_value="owner")
    author.owner = user
    author.claim_state = ClaimState.CLAIMED
    author.data_changed_at = timezone.now()
    author.save(update_fields=["owner", "claim_state", "data_changed_at", "updated_at"])
    _event(author=author, kind=EventKind.CLAIM, actor=user, claim=claim, before=before, attributions=attributions,
           summary=f"Claimed with {len(mine)} work(s)")
    touched = [author.pk]
    if not_me and split_needs_review(actor=user, target=split_target):
        # Pushing works onto an existing record waits for a moderator; they stay here meanwhile.
        identity_request_submit(actor=user, kind=RequestKind.SPLIT, author=author, other_author=split_target,
                                authorship_ids=not_me)
    elif not_me:
        target, move = _split(actor=user, author=author, ids=not_me, target=split_target, claim=claim)
        touched = affected_author_ids(author_ids=[author.pk, target.pk], moved_authorship_ids=move["ids"])
    author_aggregates_refresh(author_ids=touched, bump=touched)
    claim = claim_evidence_refresh(claim=claim)
    _emit([author.pk], "claim")
    return claim


@transaction.atomic
def claim_appeal(*, user, claim, evidence=None, statement="") -> Claim:
    """Appeal a rejected claim once, with new evidence; it waits for a moderator (or disputes an owner)."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.user_id != user.pk:
        raise NotAllowed("Only the claimant can appeal this claim.")
    if claim.status != ClaimStatus.REJECTED:
        raise Conflict("Only a rejected claim can be appealed.")
    if claim.appeal_of_id is not None:
        raise NotAllowed(APPEAL_OF_APPEAL)
    if Claim.objects.filter(appeal_of=claim).exists():
        raise Conflict("This claim was already appealed; each rejection can be appealed once.")
    supplied = _clean_supplied_evidence(evidence, statement)
    old = set(ClaimEvidence.objects.filter(claim=claim, kind__in=list(SUPPLIED_KINDS.values()))
              .values_list("summary", flat=True))
    if not [row for row in supplied if row[1] not in old]:
        raise ServiceError("An appeal needs new evidence: add a statement or a link you did not give before.")
    author = _lock_authors(claim.author_id)[claim.author_id]
    if author.claim_state == ClaimState.DISPUTED:
        raise Conflict("This record is under review: a dispute about its owner is open.", dispute=_open_dispute(author.pk))
    mine = list(ClaimSlot.objects.filter(claim=claim, decision=SlotDecision.MINE).values_list("authorship_id", flat=True))
    current = set(_record_slot_ids(author.pk))
    mine = [i for i in mine if i in current] or sorted(current)
    appeal = Claim.objects.create(author=author, user=user, status=ClaimStatus.PENDING, appeal_of=claim,
                                  statement=statement[:5000])
    _create_slots(claim=appeal, author_id=author.pk, mine_ids=mine)
    _add_supplied_evidence(appeal, supplied)
    incumbent = _owning_claim(author.pk)
    before = _snapshot(authors=[author], claims=[appeal] + ([incumbent] if incumbent else []))
    before["claims"][str(appeal.pk)] = None
    dispute = None
    if incumbent is not None:
        dispute = Dispute.objects.create(author=author, claim=appeal, incumbent_claim=incumbent, opened_by=user,
                                         reason=statement[:5000])
        before["disputes"] = {str(dispute.pk): None}
        author.claim_state = ClaimState.DISPUTED
        author.data_changed_at = timezone.now()
        author.save(update_fields=["claim_state", "data_changed_at", "updated_at"])
    _event(author=author, kind=EventKind.APPEAL, actor=user, claim=appeal, dispute=dispute, before=before,
           summary="Appealed a rejected claim with new evidence" + ("; the record is under review" if dispute else ""))
    claim_evidence_refresh(claim=appeal)
    _emit([author.pk], "appeal")
    if dispute is not None:
        _notify(notify_dispute_opened_task, dispute.pk)
    appeal.refresh_from_db()
    return appeal


@transaction.atomic
def claim_unclaim(*, actor, claim) -> Claim:
    """Withdraw an owning claim (by its owner or a moderator): the record goes back to unclaimed L1."""
    claim = Claim.objects.get(pk=claim.pk)
    author = _lock_authors(claim.author_id)[claim.author_id]
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.user_id != actor.pk and not is_moderator(actor):
        raise NotAllowed("Only the owner or a moderator can unclaim this record.")
    if claim.status not in OWNING_STATUSES:
        raise Conflict("This claim does not own the record.")
    if author.claim_state == ClaimState.DISPUTED:
        raise Conflict(FROZEN_MESSAGE, dispute=_open_dispute(author.pk))
    before = _snapshot(authors=[author], claims=[claim])
    attributions = _release_owner(author)
    claim.status = ClaimStatus.WITHDRAWN
    claim.save(update_fields=["status", "updated_at"])
    _event(author=author, kind=EventKind.UNCLAIM, actor=actor, claim=claim, before=before, attributions=attributions,
           summary="Unclaimed: the record is public and unclaimed again")
    _emit([author.pk], "unclaim")
    return claim


@transaction.atomic
def claim_approve(*, moderator, claim, note="") -> Claim | Dispute:
    """A moderator approves a claim: it owns the record at L4 (a challenger's approval transfers it)."""
    if not is_moderator(moderator):
        raise NotAllowed("Only moderators can approve claims.")
    claim = Claim.objects.get(pk=claim.pk)
    dispute = _open_dispute(claim.author_id)
    if dispute is not None and dispute.claim_id == claim.pk:
        return dispute_resolve(moderator=moderator, dispute=dispute, outcome="transfer", note=note).claim
    if dispute is not None:
        raise Conflict("A dispute about this record is open; resolve the dispute instead.", dispute=dispute)
    author = _lock_authors(claim.author_id)[claim.author_id]
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.status == ClaimStatus.APPROVED:
        raise Conflict("This claim is already approved.")
    if claim.status not in (ClaimStatus.ACTIVE, ClaimStatus.PENDING):
        raise Conflict(f"A {claim.get_status_display().lower()} claim cannot be approved.")
    incumbent = _owning_claim(author.pk)
    if incumbent is not None and incumbent.pk != claim.pk:
        raise Conflict("Another claim owns this record; resolve it through a dispute.")
    before = _snapshot(authors=[author], claims=[claim])
    attributions = None
    was_pending = claim.status == ClaimStatus.PENDING
    if was_pending:
        mine = ClaimSlot.objects.filter(claim=claim, decision=SlotDecision.MINE).values_list("authorship_id", flat=True)
        attributions = _set_attribution(author_id=author.pk, ids=list(mine), from_values=["name", "initials", "orcid"],
                                        to_value="owner")
    claim.status = ClaimStatus.APPROVED
    claim.reviewed_by = moderator
    claim.reviewed_at = timezone.now()
    claim.review_note = note[:5000]
    claim.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    author.owner_id = claim.user_id
    author.claim_state = ClaimState.CLAIMED
    author.data_changed_at = timezone.now()
    author.save(update_fields=["owner", "claim_state", "data_changed_at", "updated_at"])
    _event(author=author, kind=EventKind.APPROVE, actor=moderator, claim=claim, before=before,
           attributions=attributions, summary="Approved by a moderator" + (f": {note[:200]}" if note else ""))
    if was_pending:
        # A claim that waited (an appeal) now owns the record, so its "not me" answers apply, as they
        # would have for a first claim. Only works the claimant did judge: a work imported after
        # the first claim stays until its owner decides.
        not_me = _confirmed_not_me(claim, current=set(_record_slot_ids(author.pk)))
        if not_me:
            target, move = _split(actor=moderator, author=author, ids=not_me, target=None, claim=claim)
            touched = affected_author_ids(author_ids=[author.pk, target.pk], moved_authorship_ids=move["ids"])
            author_aggregates_refresh(author_ids=touched, bump=touched)
    claim = claim_evidence_refresh(claim=claim)
    _emit([author.pk], "approve")
    _notify(notify_claim_reviewed_task, claim.pk)
    return claim


@transaction.atomic
def claim_reject(*, moderator, claim, note="") -> Claim | Dispute:
    """A moderator rejects a claim; an owning claim releases the record. The claimant may appeal once."""
    if not is_moderator(moderator):
        raise NotAllowed("Only moderators can reject claims.")
    claim = Claim.objects.get(pk=claim.pk)
    dispute = _open_dispute(claim.author_id)
    if dispute is not None and dispute.claim_id == claim.pk:
        return dispute_resolve(moderator=moderator, dispute=dispute, outcome="uphold", note=note).claim
    author = _lock_authors(claim.author_id)[claim.author_id]
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if dispute is not None:
        raise Conflict("A dispute about this record is open; resolve the dispute instead.", dispute=dispute)
    if claim.status not in (ClaimStatus.ACTIVE, ClaimStatus.APPROVED, ClaimStatus.PENDING):
        raise Conflict(f"A {claim.get_status_display().lower()} claim cannot be rejected.")
    before = _snapshot(authors=[author], claims=[claim])
    attributions = None
    was_owner = claim.status in OWNING_STATUSES
    if was_owner:
        attributions = _release_owner(author)
    claim.status = ClaimStatus.REJECTED
    claim.reviewed_by = moderator
    claim.reviewed_at = timezone.now()
    claim.review_note = note[:5000]
    claim.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    _event(author=author, kind=EventKind.REJECT, actor=moderator, claim=claim, before=before, attributions=attributions,
           summary="Claim rejected by a moderator" + (f": {note[:200]}" if note else ""))
    _emit([author.pk], "reject")
    _notify(notify_claim_reviewed_task, claim.pk)
    return claim


@transaction.atomic
def dispute_resolve(*, moderator, dispute, outcome, note="") -> Dispute:
    """A moderator ends a dispute: 'uphold' keeps the owner, 'transfer' gives the record to the challenger at L4."""
    if not is_moderator(moderator):
        raise NotAllowed("Only moderators can resolve disputes.")
    if outcome not in ("uphold", "transfer"):
        raise ServiceError("Outcome must be 'uphold' or 'transfer'.")
    author = _lock_authors(dispute.author_id)[dispute.author_id]
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict("This dispute is already resolved.")
    challenger = Claim.objects.select_for_update().get(pk=dispute.claim_id)
    incumbent = _owning_claim(author.pk)
    before = _snapshot(authors=[author], claims=[c for c in (challenger, incumbent) if c], disputes=[dispute])
    now = timezone.now()
    moves, attributions, touched = [], None, [author.pk]
    if outcome == "uphold":
        challenger.status = ClaimStatus.REJECTED
        dispute.status = DisputeStatus.UPHELD
        author.claim_state = ClaimState.CLAIMED if incumbent else ClaimState.UNCLAIMED
        summary = "Dispute resolved: the owner keeps the record"
    else:
        if incumbent is not None:
            incumbent.status = ClaimStatus.REJECTED
            incumbent.reviewed_by, incumbent.reviewed_at = moderator, now
            incumbent.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
        attributions = _set_attribution(author_id=author.pk, from_values=["owner"], to_value="name")
        challenger.status = ClaimStatus.APPROVED
        dispute.status = DisputeStatus.TRANSFERRED
        author.owner_id = challenger.user_id
        author.claim_state = ClaimState.CLAIMED
        summary = "Dispute resolved: ownership transferred to the challenger"
    challenger.reviewed_by, challenger.reviewed_at, challenger.review_note = moderator, now, note[:5000]
    challenger.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note", "updated_at"])
    dispute.resolved_by, dispute.resolved_at, dispute.resolution_note = moderator, now, note[:5000]
    dispute.save(update_fields=["status", "resolved_by", "resolved_at", "resolution_note"])
    author.data_changed_at = now
    author.save(update_fields=["owner", "claim_state", "data_changed_at", "updated_at"])
    if outcome == "transfer":
        # Now the challenger's slot answers apply, as they would have for a first claim.
        current = set(_record_slot_ids(author.pk))
        slots = ClaimSlot.objects.filter(claim=challenger).values_list("authorship_id", "decision")
        mine = [a for a, d in slots if d == SlotDecision.MINE and a in current]
        not_me = _confirmed_not_me(challenger, current=current)
        more = _set_attribution(author_id=author.pk, ids=mine, from_values=["name", "initials", "orcid"],
                                to_value="owner")
        for value, ids in more.items():
            attributions.setdefault(value, [])
            attributions[value] = sorted(set(attributions[value]) | set(ids))
        if not_me:
            target, move = _split(actor=moderator, author=author, ids=not_me, target=None, claim=challenger)
            touched = affected_author_ids(author_ids=[author.pk, target.pk], moved_authorship_ids=move["ids"])
    _event(author=author, kind=EventKind.RESOLVE, actor=moderator, claim=challenger, dispute=dispute, before=before,
           moves=moves, attributions=attributions, summary=summary + (f": {note[:200]}" if note else ""))
    author_aggregates_refresh(author_ids=touched, bump=touched)
    owning = _owning_claim(author.pk)
    if owning is not None:
        claim_evidence_refresh(claim=owning)
    else:
        Author.objects.filter(pk=author.pk).update(verification_level=1)
    _emit([author.pk], "resolve")
    _notify(notify_claim_reviewed_task, challenger.pk)
    if outcome == "transfer" and incumbent is not None:
        _notify(notify_claim_reviewed_task, incumbent.pk)
    dispute.refresh_from_db()
    return dispute


@transaction.atomic
def authorships_split(*, actor, author, authorship_ids, target=None) -> Author:
    """Owner or moderator moves works marked "not me" to `target` or a new "-N" record."""
    locked = _lock_authors(author.pk, *([target.pk] if target is not None else []))
    author = locked[author.pk]
    target = locked.get(target.pk) if target is not None else None
    if author.owner_id != actor.pk and not is_moderator(actor):
        raise NotAllowed("Only the record's owner or a moderator can split works off it.")
    if split_needs_review(actor=actor, target=target):
        raise NotAllowed("Moving works onto another existing record needs a moderator's review: ask for it instead.")
    if author.claim_state == ClaimState.DISPUTED:
        raise Conflict(FROZEN_MESSAGE, dispute=_open_dispute(author.pk))
    ids = sorted({int(i) for i in authorship_ids})
    if not ids:
        raise ServiceError("Pick at least one work to split off.")
    from papers.models import Authorship

    found = Authorship.objects.filter(pk__in=ids, author=author).count()
    if found != len(ids):
        raise ServiceError("Some of those works are not on this record.")
    target, move = _split(actor=actor, author=author, ids=ids, target=target)
    touched = affected_author_ids(author_ids=[author.pk, target.pk], moved_authorship_ids=move["ids"])
    author_aggregates_refresh(author_ids=touched, bump=touched)
    _emit([author.pk, target.pk], "split")
    return target


@transaction.atomic
def author_merge(*, actor, source, target) -> Author:
    """Move every authorship of `source` into `target` (moderator, or target's owner for an unclaimed source)."""
    if source.pk == target.pk:
        raise ServiceError("A record cannot be merged into itself.")
    locked = _lock_authors(source.pk, target.pk)
    source, target = locked[source.pk], locked[target.pk]
    moderator = is_moderator(actor)
    if not moderator and not (target.owner_id == actor.pk and source.owner_id in (None, actor.pk)):
        raise NotAllowed("Only a moderator, or the owner of the receiving record merging an unclaimed "
                         "record, can merge records.")
    if merge_needs_review(actor=actor, target=target):
        raise NotAllowed("Merging into a record below L3 needs a moderator's review: ask for it instead.")
    for rec in (source, target):
        if rec.claim_state == ClaimState.DISPUTED:
            raise Conflict(FROZEN_MESSAGE, dispute=_open_dispute(rec.pk))
    if source.merged_into_id:
        raise Conflict(f"{source.display_name} was already merged into another record.")
    ids = list(source.authorships.values_list("pk", flat=True))
    attribution = "owner" if target.owner_id and target.owner_id == actor.pk else "name"
    before = _snapshot(authors=[source, target])
    move = _move_authorships(ids=ids, from_id=source.pk, to_id=target.pk, attribution=attribution)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    variants = [v for v in source.name_variants if v not in target.name_variants]
    if variants:
        target.name_variants = [*target.name_variants, *variants]
        target.save(update_fields=["name_variants", "updated_at"])
    # Followers, their feed and digest, and invitations go where the works went; the log keeps the undo.
    social = author_social_move(source_id=source.pk, target_id=target.pk)
    _event(author=target, kind=EventKind.MERGE, actor=actor, other_author=source, before=before, moves=[move],
           summary=f"{source.display_name} ({source.slug}) merged in with {len(ids)} work(s)",
           extra={"social": social})
    touched = affected_author_ids(author_ids=[source.pk, target.pk], moved_authorship_ids=move["ids"])
    author_aggregates_refresh(author_ids=touched, bump=touched)
    _emit([source.pk, target.pk], "merge")
    return target


@transaction.atomic
def pending_authorships_accept(*, user, author, authorship_ids) -> int:
    """The owner accepts name-only matches from the review inbox onto the profile."""
    author = _lock_authors(author.pk)[author.pk]
    if author.owner_id != user.pk:
        raise NotAllowed("Only the record's owner reviews its inbox.")
    if author.claim_state == ClaimState.DISPUTED:
        raise Conflict(FROZEN_MESSAGE, dispute=_open_dispute(author.pk))
    ids = sorted({int(i) for i in authorship_ids})
    before = _snapshot(authors=[author])
    attributions = _set_attribution(author_id=author.pk, ids=ids, from_values=["pending"], to_value="owner")
    accepted = sum(len(v) for v in attributions.values())
    if not accepted:
        raise ServiceError("None of those works are waiting for your review.")
    _event(author=author, kind=EventKind.ACCEPT, actor=user, before=before, attributions=attributions,
           summary=f"Owner accepted {accepted} matched work(s)")
    touched = affected_author_ids(author_ids=[author.pk], moved_authorship_ids=ids)
    author_aggregates_refresh(author_ids=touched, bump=touched)
    return accepted


@transaction.atomic
def vouch_create(*, user, author) -> Vouch:
    """A coauthor who owns an L3+ record vouches for `author`'s current owner."""
    voucher_author = (Author.objects.filter(owner=user, verification_level__gte=3)
                      .order_by("-verification_level", "id").first())
    if voucher_author is None:
        raise NotAllowed("Only owners of an L3 or L4 record can vouch for coauthors.")
    target = _lock_authors(author.pk)[author.pk]
    if target.owner_id is None or target.claim_state != ClaimState.CLAIMED:
        raise Conflict("You can vouch only for a claimed record that is not under review.")
    if target.owner_id == user.pk:
        raise NotAllowed("You cannot vouch for your own record.")
    from papers.models import Authorship

    shared = Authorship.objects.filter(
        author=target, paper__authorships__author__owner=user,
        paper__authorships__author__verification_level__gte=3,
    ).values("paper__authorships__author").first()
    if shared is None:
        raise NotAllowed("Only coauthors can vouch: you share no paper with this record.")
    voucher_author = Author.objects.get(pk=shared["paper__authorships__author"])
    claim = _owning_claim(target.pk)
    vouch, created = Vouch.objects.get_or_create(
        author=target, voucher_author=voucher_author, defaults={"voucher": user, "claim": claim},
    )
    if not created:
        if vouch.claim_id == claim.pk:
            raise Conflict("You already vouched for this record.")
        vouch.claim, vouch.voucher = claim, user
        vouch.save(update_fields=["claim", "voucher"])
    claim_evidence_refresh(claim=claim)
    return vouch


# ---------------------------------------------------------------- revert

@transaction.atomic
def identity_event_revert(*, moderator, event, note="") -> IdentityEvent:
    """A moderator undoes one event from its recorded 'before' state; the revert is itself an event."""
    if not is_moderator(moderator):
        raise NotAllowed("Only moderators can revert identity events.")
    event = IdentityEvent.objects.get(pk=event.pk)
    if IdentityEvent.objects.filter(reverts=event).exists():
        raise Conflict("This event was already reverted; revert the revert instead.")
    payload = event.payload or {}
    before = payload.get("before", {})
    moves = payload.get("moves", [])
    author_ids = {event.author_id, *(a["id"] for a in before.get("authors", []))}
    for move in moves:
        author_ids.update((move["from"], move["to"]))
    locked = _lock_authors(*author_ids)
    owners = {a["owner_id"] for a in before.get("authors", []) if a.get("owner_id")}
    if owners and get_user_model().objects.filter(pk__in=owners).count() < len(owners):
        raise Conflict("The account that owned this record then has been deleted; its ownership cannot be restored.")
    claim_ids = [int(k) for k in before.get("claims", {})]
    dispute_ids = [int(k) for k in before.get("disputes", {})]
    claims = list(Claim.objects.select_for_update().filter(pk__in=claim_ids))
    disputes = list(Dispute.objects.select_for_update().filter(pk__in=dispute_ids))
    if len(claims) < len(set(claim_ids)) or len(disputes) < len(set(dispute_ids)):
        raise Conflict("A claim or dispute this event changed has been deleted with its account; it cannot be restored.")
    now_state = _snapshot(authors=[locked[i] for i in sorted(author_ids)], claims=claims, disputes=disputes)
    try:
        with transaction.atomic():
            # Claim statuses first, so the one-owner constraint judges the restored state.
            for claim in sorted(claims, key=lambda c: before["claims"][str(c.pk)] in OWNING_STATUSES):
                old = before["claims"][str(claim.pk)] or ClaimStatus.WITHDRAWN
                if claim.status != old:
                    claim.status = old
                    claim.save(update_fields=["status", "updated_at"])
            for dispute in disputes:
                old = before["disputes"][str(dispute.pk)] or DisputeStatus.WITHDRAWN
                if dispute.status != old:
                    dispute.status = old
                    dispute.save(update_fields=["status"])
    except IntegrityError:
        raise Conflict("Another claim owns or disputes this record now; revert the later event first.")
    attributions = payload.get("attributions") or {}
    current_attributions = _read_attributions([i for ids in attributions.values() for i in ids])
    reverse_moves = [_unmove(m) for m in reversed(moves)]
    _restore_attributions(attributions)
    for state in before.get("authors", []):
        author = locked[state["id"]]
        author.owner_id = state["owner_id"]
        author.claim_state = state["claim_state"]
        author.verification_level = state["verification_level"]
        author.merged_into_id = state.get("merged_into_id")
        author.auto_accept_name_matches = state.get("auto_accept_name_matches", author.auto_accept_name_matches)
        author.data_changed_at = timezone.now()
        author.save(update_fields=["owner", "claim_state", "verification_level", "merged_into",
                                   "auto_accept_name_matches", "data_changed_at", "updated_at"])
    social = author_social_restore(record=payload["social"]) if payload.get("social") else None
    # An owner's answer that came with this event goes with it; a revert of a revert brings it back.
    withdrawn = identity_constraints_withdraw(event=event)
    extra = {k: v for k, v in (("social", social), ("constraints", withdrawn)) if v}
    revert = _event(
        author=event.author, kind=EventKind.REVERT, actor=moderator, reverts=event, claim=event.claim,
        dispute=event.dispute, other_author=event.other_author, before=now_state, moves=reverse_moves,
        attributions=current_attributions or None, extra=extra or None,
        summary=f"Reverted: {event.summary}" + (f" ({note[:200]})" if note else ""),
    )
    identity_constraints_reinstate(rows=payload.get("constraints"), event=revert)
    moved = [i for m in moves for i in m["ids"]]
    touched = affected_author_ids(author_ids=author_ids, moved_authorship_ids=moved)
    author_aggregates_refresh(author_ids=touched, bump=touched)
    for author_id in author_ids:
        owning = _owning_claim(author_id)
        if owning is not None:
            claim_evidence_refresh(claim=owning)
    _emit(author_ids, "revert")
    return revert


def _read_attributions(ids):
    """{attribution: [ids]} as the rows hold now: the state a revert replaces."""
    if not ids:
        return {}
    with connection.cursor() as cur:
        cur.execute("SELECT id, attribution FROM papers_authorship WHERE id = ANY(%s) ORDER BY id", [list(ids)])
        grouped = {}
        for pk, value in cur.fetchall():
            grouped.setdefault(value, []).append(pk)
    return grouped


# Services import their tasks last, under a _task alias (HackSoft styleguide): the tasks modules
# import services inside their bodies, so neither module needs the other while it loads.
from researchers.outbox.services import task_enqueue_on_commit  # noqa: E402
from researchers.tasks import (  # noqa: E402
    notify_claim_reviewed as notify_claim_reviewed_task,
    notify_dispute_opened as notify_dispute_opened_task,
)
