"""The owner's answers that came with an identity event go and come back with that event's revert."""

from researchers.models import IdentityConstraint

_FIELDS = ("author_id", "authorship_id", "kind", "other_author_id", "created_by_id")


def identity_constraints_withdraw(*, event) -> list[dict]:
    """Delete the constraints written with `event` (it is being reverted); returns them for the revert's log."""
    rows = IdentityConstraint.objects.filter(event=event)
    found = [dict(zip(_FIELDS, r)) for r in rows.order_by("id").values_list(*_FIELDS)]
    if found:
        rows.delete()
    return found


def identity_constraints_reinstate(*, rows, event) -> int:
    """Write back constraints a revert withdrew (a revert of that revert), now tied to `event`."""
    if not rows:
        return 0
    IdentityConstraint.objects.bulk_create(
        [IdentityConstraint(event=event, **row) for row in rows],
        update_conflicts=True, unique_fields=["author", "authorship"],
        update_fields=["kind", "other_author", "created_by", "event"],
    )
    return len(rows)
