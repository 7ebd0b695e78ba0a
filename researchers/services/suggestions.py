"""“Are these yours?”: an owner's answer to a suggestion becomes a constraint the disambiguation engine honours.

- A paper accepted moves to the owner's record as attribution 'owner' and gets a must-link row.
- A paper rejected gets a cannot-link row; if it sat on the owner's own record it is split off first.
- A record accepted is merged through `author_merge` (its permission rules apply, whatever they are).
- A record rejected gets a cannot-link row for every slot it holds (`other_author` names it).

The moves reuse the claim services' set-based helpers and write an IdentityEvent, so a moderator
can revert them like any split or merge.
"""

from django.db import connection, transaction
from django.utils import timezone

from researchers.models import Author, ClaimState, ConstraintKind, EventKind, IdentityEvent

from .aggregates import affected_author_ids, author_aggregates_refresh
from .claims import (
    FROZEN_MESSAGE,
    _emit,
    _event,
    _lock_authors,
    _move_authorships,
    _open_dispute,
    _set_attribution,
    _snapshot,
    author_merge,
    authorships_split,
)
from .errors import Conflict, NotAllowed, ServiceError

OWNER_ONLY = "Only the record's owner answers its suggestions."
# Attributions an owner's "yes" upgrades to 'owner' on their own record.
UPGRADABLE = ["name", "initials", "orcid", "pending"]


def _slot_author_id(authorship_id: int) -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT author_id FROM papers_authorship WHERE id = %s", [int(authorship_id)])
        row = cur.fetchone()
    if row is None:
        raise ServiceError(f"Authorship {authorship_id} does not exist.")
    return row[0]


def _check_owner(author: Author, user) -> None:
    if not user.is_authenticated or author.owner_id != user.pk:
        raise NotAllowed(OWNER_ONLY)
    if author.claim_state == ClaimState.DISPUTED:
        raise Conflict(FROZEN_MESSAGE, dispute=_open_dispute(author.pk))


def _constrain(*, author_id: int, authorship_ids, kind: str, user, other_author_id=None, event=None) -> int:
    """Record the answer set-based; a later answer on the same (person, slot) replaces the earlier one.

    `event` is the identity event of the move the answer came with, so that reverting it withdraws the answer."""
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO researchers_identityconstraint (author_id, authorship_id, kind, other_author_id,"
            " created_by_id, event_id, created_at)"
            " SELECT %s, id, %s, %s, %s, %s, %s FROM papers_authorship WHERE id = ANY(%s)"
            " ON CONFLICT (author_id, authorship_id) DO UPDATE SET kind = EXCLUDED.kind,"
            " other_author_id = EXCLUDED.other_author_id, created_by_id = EXCLUDED.created_by_id,"
            " event_id = EXCLUDED.event_id, created_at = EXCLUDED.created_at",
            [author_id, kind, other_author_id, user.pk if user.is_authenticated else None,
             event.pk if event is not None else None, timezone.now(), list(authorship_ids)],
        )
        return cur.rowcount


@transaction.atomic
def suggestion_paper_accept(*, user, author: Author, authorship_id: int) -> Author:
    """The owner says a suggested work is theirs: the slot joins their record as 'owner' (must-link)."""
    source_id = _slot_author_id(authorship_id)
    locked = _lock_authors(author.pk, source_id)
    author, source = locked[author.pk], locked[source_id]
    _check_owner(author, user)
    if source.pk == author.pk:
        before = _snapshot(authors=[author])
        attributions = _set_attribution(author_id=author.pk, ids=[authorship_id], from_values=UPGRADABLE,
                                        to_value="owner")
        event = _event(author=author, kind=EventKind.ACCEPT, actor=user, before=before, attributions=attributions,
                       summary="Owner confirmed a work the model was unsure of")
        touched = [author.pk]
    else:
        if source.owner_id and source.owner_id != user.pk:
            raise NotAllowed(f"{source.display_name} is owned by someone else: ask its owner or a moderator.")
        if source.claim_state == ClaimState.DISPUTED:
            raise Conflict(FROZEN_MESSAGE, dispute=_open_dispute(source.pk))
        before = _snapshot(authors=[author, source])
        move = _move_authorships(ids=[authorship_id], from_id=source.pk, to_id=author.pk, attribution="owner")
        event = _event(author=author, kind=EventKind.ACCEPT, actor=user, other_author=source, before=before,
                       moves=[move], summary=f"Owner accepted a suggested work from {source.display_name} ({source.slug})")
        touched = affected_author_ids(author_ids=[author.pk, source.pk], moved_authorship_ids=move["ids"])
    _constrain(author_id=author.pk, authorship_ids=[authorship_id], kind=ConstraintKind.MUST, user=user, event=event)
    author_aggregates_refresh(author_ids=touched, bump=touched)
    _emit([author.pk, source.pk], "accept")
    return author


@transaction.atomic
def suggestion_paper_reject(*, user, author: Author, authorship_id: int) -> Author | None:
    """The owner says a suggested work is not theirs (cannot-link); one on their own record is split off.

    Returns the record the work now sits on when it was split off, else None."""
    author = _lock_authors(author.pk)[author.pk]
    _check_owner(author, user)
    moved_to = event = None
    if _slot_author_id(authorship_id) == author.pk:
        moved_to = authorships_split(actor=user, author=author, authorship_ids=[authorship_id])
        event = (IdentityEvent.objects.filter(author=author, kind=EventKind.SPLIT, other_author=moved_to)
                 .order_by("-id").first())
    _constrain(author_id=author.pk, authorship_ids=[authorship_id], kind=ConstraintKind.CANNOT, user=user,
               event=event)
    return moved_to


@transaction.atomic
def suggestion_record_accept(*, user, author: Author, other: Author) -> Author:
    """The owner says a suggested record is theirs: merged through `author_merge` and its rules."""
    _check_owner(_lock_authors(author.pk)[author.pk], user)
    return author_merge(actor=user, source=other, target=author)


@transaction.atomic
def suggestion_record_reject(*, user, author: Author, other: Author) -> int:
    """The owner says a suggested record is someone else: every slot it holds becomes cannot-link."""
    author = _lock_authors(author.pk)[author.pk]
    _check_owner(author, user)
    if other.pk == author.pk:
        raise ServiceError("That is this record itself.")
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM papers_authorship WHERE author_id = %s", [other.pk])
        ids = [r[0] for r in cur.fetchall()]
    if not ids:
        raise ServiceError(f"{other.display_name} holds no works to rule out.")
    return _constrain(author_id=author.pk, authorship_ids=ids, kind=ConstraintKind.CANNOT, user=user,
                      other_author_id=other.pk)
