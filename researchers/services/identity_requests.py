"""Merges and splits that wait for a moderator.

An owner whose record is below L3 could otherwise merge anybody's unclaimed record into their own
and collect its works, and any owner could push works onto somebody else's record. So merges
into a record below `MERGE_UNREVIEWED_MIN_LEVEL`, and every split onto an existing record, are
queued as IdentityChangeRequests; a moderator's approval applies them through the claims services
(which write the IdentityEvents). Moderators' own merges and splits apply at once.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from researchers.models import Author, ClaimState, IdentityChangeRequest, RequestKind, RequestStatus
from researchers.permissions import is_moderator

from .errors import Conflict, NotAllowed, ServiceError

# Owners of records at this level or above merge unclaimed records without review.
MERGE_UNREVIEWED_MIN_LEVEL = 3


def merge_needs_review(*, actor, target: Author) -> bool:
    return not is_moderator(actor) and target.verification_level < MERGE_UNREVIEWED_MIN_LEVEL


def split_needs_review(*, actor, target: Author | None) -> bool:
    return target is not None and not is_moderator(actor)


def _check_request(*, actor, kind, author, other_author, authorship_ids):
    if author.pk == other_author.pk:
        raise ServiceError("Pick a different record.")
    for record in (author, other_author):
        if record.claim_state == ClaimState.DISPUTED:
            raise Conflict(f"{record.display_name} is under review: a dispute about its owner is open.")
        if record.merged_into_id:
            raise Conflict(f"{record.display_name} was already merged into another record.")
    if author.owner_id != actor.pk:
        raise NotAllowed("Only the record's owner can ask for this change.")
    if other_author.owner_id not in (None, actor.pk):
        if kind == RequestKind.MERGE:
            raise NotAllowed("Only a moderator, or the owner of the receiving record merging an unclaimed "
                             "record, can merge records.")
        raise NotAllowed(f"{other_author.display_name} is owned by someone else; works can only move to "
                         "an unclaimed record or one you own.")
    if kind == RequestKind.SPLIT:
        if not authorship_ids:
            raise ServiceError("Pick at least one work to split off.")
        from papers.models import Authorship

        if Authorship.objects.filter(pk__in=authorship_ids, author=author).count() != len(authorship_ids):
            raise ServiceError("Some of those works are not on this record.")


@transaction.atomic
def identity_request_submit(*, actor, kind: str, author: Author, other_author: Author,
                            authorship_ids=()) -> IdentityChangeRequest:
    """Queue a merge (other_author into author) or split (works of author onto other_author) for review."""
    from .claims import _lock_authors

    locked = _lock_authors(author.pk, other_author.pk)
    author, other_author = locked[author.pk], locked[other_author.pk]
    ids = sorted({int(i) for i in authorship_ids})
    _check_request(actor=actor, kind=kind, author=author, other_author=other_author, authorship_ids=ids)
    try:
        with transaction.atomic():
            return IdentityChangeRequest.objects.create(
                kind=kind, requested_by=actor, author=author, other_author=other_author, authorship_ids=ids,
            )
    except IntegrityError:
        raise Conflict("The same request is already waiting for a moderator.")


def author_merge_or_request(*, actor, source: Author, target: Author) -> IdentityChangeRequest | None:
    """Merge `source` into `target` now when the actor may do so unreviewed; else queue it (returned)."""
    from .claims import author_merge

    if merge_needs_review(actor=actor, target=target):
        return identity_request_submit(actor=actor, kind=RequestKind.MERGE, author=target, other_author=source)
    author_merge(actor=actor, source=source, target=target)
    return None


def authorships_split_or_request(*, actor, author: Author, authorship_ids, target: Author | None = None):
    """Split now (onto a new record, or by a moderator); a split onto an existing record is queued.

    Returns (record the works moved to, None) or (None, the queued request).
    """
    from .claims import authorships_split

    if split_needs_review(actor=actor, target=target):
        return None, identity_request_submit(actor=actor, kind=RequestKind.SPLIT, author=author,
                                             other_author=target, authorship_ids=authorship_ids)
    return authorships_split(actor=actor, author=author, authorship_ids=authorship_ids, target=target), None


def _review(*, moderator, request, status, note):
    request.status = status
    request.reviewed_by = moderator
    request.reviewed_at = timezone.now()
    request.review_note = (note or "")[:2000]
    request.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])


@transaction.atomic
def identity_request_approve(*, moderator, request: IdentityChangeRequest, note: str = "") -> IdentityChangeRequest:
    """A moderator applies a queued merge or split (as an event of their own) and closes the request."""
    from .claims import author_merge, authorships_split

    if not is_moderator(moderator):
        raise NotAllowed("Only moderators can approve merge and split requests.")
    request = IdentityChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise Conflict("This request was already reviewed.")
    # Judged on today's owners: a record claimed by someone else since the request is not the requester's to take.
    author, other = Author.objects.get(pk=request.author_id), Author.objects.get(pk=request.other_author_id)
    if author.owner_id != request.requested_by_id or other.owner_id not in (None, request.requested_by_id):
        raise Conflict("One of these records changed owner since the request; reject it instead.")
    if request.kind == RequestKind.MERGE:
        author_merge(actor=moderator, source=request.other_author, target=request.author)
    else:
        from papers.models import Authorship

        # Works that left the record since the request are not the requester's to move any more.
        ids = list(Authorship.objects.filter(pk__in=request.authorship_ids, author_id=request.author_id)
                   .values_list("pk", flat=True))
        if not ids:
            raise Conflict("None of the requested works are on the record any more.")
        authorships_split(actor=moderator, author=request.author, authorship_ids=ids, target=request.other_author)
    _review(moderator=moderator, request=request, status=RequestStatus.APPROVED, note=note)
    return request


@transaction.atomic
def identity_request_reject(*, moderator, request: IdentityChangeRequest, note: str = "") -> IdentityChangeRequest:
    """A moderator declines a queued merge or split; nothing moves."""
    if not is_moderator(moderator):
        raise NotAllowed("Only moderators can reject merge and split requests.")
    request = IdentityChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise Conflict("This request was already reviewed.")
    _review(moderator=moderator, request=request, status=RequestStatus.REJECTED, note=note)
    return request
