"""Deleting an account releases what it held: no record stays "claimed" by nobody or frozen by a vanished dispute."""

import pytest

from papers.models import Authorship
from researchers.models import Author, EventKind, IdentityEvent
from researchers.services import claims
from researchers.services.errors import Conflict
from tests.factories import ModeratorFactory, VerifiedUserFactory, author_with_works

pytestmark = pytest.mark.django_db


def test_deleting_an_owner_returns_their_record_to_unclaimed_level_1():
    author = author_with_works(3)
    owner = VerifiedUserFactory()
    claims.claim_submit(user=owner, author=author)
    assert Authorship.objects.filter(author=author, attribution="owner").exists()

    owner.delete()

    author.refresh_from_db()
    assert (author.owner_id, author.claim_state, author.verification_level) == (None, "unclaimed", 1)
    assert not Authorship.objects.filter(author=author, attribution="owner").exists()
    event = IdentityEvent.objects.get(author=author, kind=EventKind.UNCLAIM)
    assert event.actor is None and "account" in event.summary


def test_deleting_the_incumbent_of_a_dispute_leaves_it_for_a_moderator_to_resolve():
    author = author_with_works(2)
    owner, challenger = VerifiedUserFactory(), VerifiedUserFactory()
    claims.claim_submit(user=owner, author=author)
    challenge = claims.claim_submit(user=challenger, author=author)

    owner.delete()

    author.refresh_from_db()
    assert (author.owner_id, author.claim_state) == (None, "disputed")
    claims.dispute_resolve(moderator=ModeratorFactory(), dispute=challenge.dispute, outcome="transfer")
    author.refresh_from_db()
    assert (author.owner_id, author.claim_state) == (challenger.pk, "claimed")


def test_deleting_a_challenger_unfreezes_the_record_for_its_owner():
    author = author_with_works(2)
    owner, challenger = VerifiedUserFactory(), VerifiedUserFactory()
    claims.claim_submit(user=owner, author=author)
    claims.claim_submit(user=challenger, author=author)

    challenger.delete()

    author.refresh_from_db()
    assert (author.owner_id, author.claim_state) == (owner.pk, "claimed")
    assert author.verification_level == 2


def test_release_of_a_deleted_account_cannot_be_reverted_onto_it():
    author = author_with_works(2)
    owner = VerifiedUserFactory()
    claims.claim_submit(user=owner, author=author)
    owner.delete()
    release = IdentityEvent.objects.get(author=author, kind=EventKind.UNCLAIM)

    with pytest.raises(Conflict, match="deleted"):
        claims.identity_event_revert(moderator=ModeratorFactory(), event=release)

    assert Author.objects.get(pk=author.pk).claim_state == "unclaimed"


def test_deleting_an_account_without_records_changes_no_record():
    author = author_with_works(1)
    VerifiedUserFactory().delete()
    assert not IdentityEvent.objects.filter(author=author).exists()
