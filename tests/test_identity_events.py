"""The identity log: append-only, shown on the history page, and any event revertible by a moderator."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from papers.models import Authorship
from researchers.models import Author, Claim, EventKind, IdentityEvent
from researchers.services import claims
from researchers.services.errors import Conflict, NotAllowed
from tests.factories import ModeratorFactory, VerifiedUserFactory, author_with_works

pytestmark = pytest.mark.django_db


def test_identity_events_cannot_be_updated_or_deleted():
    author = author_with_works(1)
    claims.claim_submit(user=VerifiedUserFactory(), author=author)
    event = IdentityEvent.objects.get(author=author)
    event.summary = "rewritten"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        IdentityEvent.objects.filter(pk=event.pk).update(summary="x")
    with pytest.raises(PermissionDenied):
        IdentityEvent.objects.filter(pk=event.pk).delete()
    assert IdentityEvent.objects.get(pk=event.pk).summary != "rewritten"


def test_reverting_a_claim_releases_the_record_and_logs_a_revert():
    author = author_with_works(2)
    user = VerifiedUserFactory()
    claim = claims.claim_submit(user=user, author=author)
    event = IdentityEvent.objects.get(author=author, kind=EventKind.CLAIM)
    revert = claims.identity_event_revert(moderator=ModeratorFactory(), event=event)
    author.refresh_from_db()
    claim.refresh_from_db()
    assert (author.owner, author.claim_state, author.verification_level) == (None, "unclaimed", 1)
    assert claim.status == "withdrawn"
    assert set(author.authorships.values_list("attribution", flat=True)) == {"name"}
    assert revert.kind == EventKind.REVERT and revert.reverts == event


def test_reverting_a_split_moves_the_works_back_and_refreshes_counts():
    author = author_with_works(3)
    keep = author.authorships.order_by("id").first()
    claims.claim_submit(user=VerifiedUserFactory(), author=author, authorship_ids=[keep.pk])
    split_off = Author.objects.get(slug=f"{author.slug}-2")
    event = IdentityEvent.objects.get(author=author, kind=EventKind.SPLIT)
    claims.identity_event_revert(moderator=ModeratorFactory(), event=event)
    author.refresh_from_db()
    split_off.refresh_from_db()
    assert author.works_count == 3 and split_off.works_count == 0
    assert Authorship.objects.filter(author=author).count() == 3


def test_reverting_an_approval_drops_the_level_back():
    author = author_with_works(1)
    claim = claims.claim_submit(user=VerifiedUserFactory(), author=author)
    claims.claim_approve(moderator=ModeratorFactory(), claim=claim)
    event = IdentityEvent.objects.get(author=author, kind=EventKind.APPROVE)
    claims.identity_event_revert(moderator=ModeratorFactory(), event=event)
    author.refresh_from_db()
    claim.refresh_from_db()
    assert claim.status == "active" and author.verification_level == 2


def test_reverting_a_merge_restores_both_records():
    target, source = author_with_works(1), author_with_works(2)
    claims.author_merge(actor=ModeratorFactory(), source=source, target=target)
    event = IdentityEvent.objects.get(kind=EventKind.MERGE)
    claims.identity_event_revert(moderator=ModeratorFactory(), event=event)
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.merged_into is None and source.works_count == 2 and target.works_count == 1


def test_reverting_a_dispute_unfreezes_the_record():
    author = author_with_works(1)
    owner = VerifiedUserFactory()
    claims.claim_submit(user=owner, author=author)
    challenge = claims.claim_submit(user=VerifiedUserFactory(), author=author)
    event = IdentityEvent.objects.get(author=author, kind=EventKind.DISPUTE)
    claims.identity_event_revert(moderator=ModeratorFactory(), event=event)
    author.refresh_from_db()
    challenge.refresh_from_db()
    assert author.claim_state == "claimed" and author.owner == owner
    assert challenge.status == "withdrawn" and challenge.dispute.status == "withdrawn"


def test_a_revert_can_itself_be_reverted():
    author = author_with_works(1)
    user = VerifiedUserFactory()
    claims.claim_submit(user=user, author=author)
    moderator = ModeratorFactory()
    revert = claims.identity_event_revert(moderator=moderator, event=IdentityEvent.objects.get(kind=EventKind.CLAIM))
    claims.identity_event_revert(moderator=moderator, event=revert)
    author.refresh_from_db()
    assert author.owner == user and author.claim_state == "claimed" and author.verification_level == 2
    assert set(author.authorships.values_list("attribution", flat=True)) == {"owner"}
    with pytest.raises(Conflict, match="already reverted"):
        claims.identity_event_revert(moderator=moderator, event=revert)


def test_restoring_an_owner_while_another_owns_the_record_is_refused():
    author = author_with_works(1)
    first = VerifiedUserFactory()
    claim = claims.claim_submit(user=first, author=author)
    claims.claim_unclaim(actor=first, claim=claim)
    claims.claim_submit(user=VerifiedUserFactory(), author=author)
    unclaim = IdentityEvent.objects.get(author=author, kind=EventKind.UNCLAIM)
    with pytest.raises(Conflict, match="revert the later event first"):
        claims.identity_event_revert(moderator=ModeratorFactory(), event=unclaim)
    assert Claim.objects.filter(author=author, status__in=["active", "approved"]).count() == 1


def test_only_moderators_revert():
    author = author_with_works(1)
    user = VerifiedUserFactory()
    claims.claim_submit(user=user, author=author)
    with pytest.raises(NotAllowed):
        claims.identity_event_revert(moderator=user, event=IdentityEvent.objects.get(author=author))


def test_history_page_shows_split_on_both_records_and_revert_button_to_moderators(client):
    author = author_with_works(2)
    keep = author.authorships.order_by("id").first()
    claims.claim_submit(user=VerifiedUserFactory(), author=author, authorship_ids=[keep.pk])
    other = Author.objects.get(slug=f"{author.slug}-2")
    page = client.get(reverse("researchers:history", kwargs={"slug": other.slug}))
    assert page.status_code == 200 and b'data-event-kind="split"' in page.content
    assert b"Revert</button>" not in page.content
    client.force_login(ModeratorFactory())
    page = client.get(reverse("researchers:history", kwargs={"slug": author.slug}))
    assert b"Revert</button>" in page.content
    event = IdentityEvent.objects.get(author=author, kind=EventKind.SPLIT)
    response = client.post(reverse("researchers:history_revert", kwargs={"slug": author.slug, "event_id": event.pk}))
    assert response.status_code == 302
    assert IdentityEvent.objects.filter(kind=EventKind.REVERT, reverts=event).exists()


def test_admin_refuses_to_change_or_delete_events_and_reverts_through_an_action(client):
    author = author_with_works(1)
    claims.claim_submit(user=VerifiedUserFactory(), author=author)
    event = IdentityEvent.objects.get(author=author)
    moderator = ModeratorFactory()
    client.force_login(moderator)
    change_url = reverse("admin:researchers_identityevent_change", args=[event.pk])
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"summary": "rewritten"}).status_code == 403
    assert client.post(reverse("admin:researchers_identityevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:researchers_identityevent_changelist"),
                           {"action": "revert", "_selected_action": [event.pk]})
    assert response.status_code == 302
    assert IdentityEvent.objects.filter(reverts=event).exists()


def test_admin_moderation_queue_approves_claims_through_the_service(client):
    author = author_with_works(1)
    claim = claims.claim_submit(user=VerifiedUserFactory(), author=author)
    client.force_login(ModeratorFactory())
    assert client.get(reverse("admin:researchers_claim_changelist")).status_code == 200
    response = client.post(reverse("admin:researchers_claim_changelist"),
                           {"action": "approve", "_selected_action": [claim.pk]})
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.verification_level == 4
    assert IdentityEvent.objects.filter(author=author, kind=EventKind.APPROVE).exists()


def test_the_database_refuses_to_rewrite_or_delete_events_even_with_raw_sql():
    from django.db import DatabaseError, connection, transaction

    author = author_with_works(1)
    claims.claim_submit(user=VerifiedUserFactory(), author=author)
    event = IdentityEvent.objects.get(author=author)
    for sql in ("UPDATE researchers_identityevent SET summary = 'x' WHERE id = %s",
                "DELETE FROM researchers_identityevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [event.pk])
    assert IdentityEvent.objects.get(pk=event.pk).summary == event.summary


def test_deleting_the_actor_account_keeps_the_event():
    author = author_with_works(1)
    user = VerifiedUserFactory()
    claims.claim_submit(user=user, author=author)
    claims.claim_unclaim(actor=user, claim=Claim.objects.get(user=user))
    user.delete()
    assert IdentityEvent.objects.filter(author=author, actor__isnull=True).count() == 2
