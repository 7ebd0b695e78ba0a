"""Merges and splits keep everything: follows, the feed, invitations and counts move with the works."""

import pytest
from django.urls import reverse

from researchers.models import Author, EventKind, Follow, IdentityEvent, Invitation
from researchers.services import claims, follows
from tests.factories import (
    AuthorshipFactory,
    ModeratorFactory,
    UserFactory,
    VerifiedUserFactory,
    author_with_works,
)

pytestmark = pytest.mark.django_db


def _follow(user, author):
    follows.follow_create(user=user, author=author)


def _counts(*authors):
    return [Author.objects.get(pk=a.pk).followers_count for a in authors]


def test_a_merge_moves_the_follower_to_the_survivor_and_recounts_both(client):
    target, source = author_with_works(1), author_with_works(2)
    reader = UserFactory()
    _follow(reader, source)
    claims.author_merge(actor=ModeratorFactory(), source=source, target=target)
    assert _counts(source, target) == [0, 1]
    assert list(Follow.objects.filter(user=reader).values_list("author_id", flat=True)) == [target.pk]
    client.force_login(reader)
    html = client.get(reverse("me:following")).content.decode()
    assert "3 works · 1 follower" in html and "0 works" not in html


def test_a_follower_of_both_records_is_counted_once_on_the_survivor():
    target, source = author_with_works(1), author_with_works(1)
    both, only_source, only_target = UserFactory(), UserFactory(), UserFactory()
    for user, author in [(both, source), (both, target), (only_source, source), (only_target, target)]:
        _follow(user, author)
    claims.author_merge(actor=ModeratorFactory(), source=source, target=target)
    assert _counts(source, target) == [0, 3]
    assert Follow.objects.filter(author=target).count() == 3 and not Follow.objects.filter(author=source).exists()


def test_the_feed_shows_the_merged_works_to_the_follower_of_the_merged_away_record(client):
    target, source = author_with_works(1), author_with_works(0)
    merged_work = AuthorshipFactory(author=source, paper__title="A paper written under a name variant")
    reader = UserFactory()
    _follow(reader, source)
    claims.author_merge(actor=ModeratorFactory(), source=source, target=target)
    client.force_login(reader)
    html = client.get(reverse("me:feed")).content.decode()
    assert merged_work.paper.title in html
    assert target.authorships.first().paper.title in html


def test_invitations_to_and_from_the_merged_away_record_follow_it():
    owner = VerifiedUserFactory()
    target = author_with_works(1, owner=owner, claim_state="claimed")
    source = author_with_works(1, owner=owner, claim_state="claimed")
    other_user = VerifiedUserFactory()
    other = author_with_works(1, owner=other_user, claim_state="claimed")
    received = Invitation.objects.create(sender=other_user, sender_author=other, recipient=owner,
                                         recipient_author=source, subject="Collaborate?", message="Hi")
    sent = Invitation.objects.create(sender=owner, sender_author=source, recipient=other_user,
                                     recipient_author=other, subject="Us?", message="Hello")
    claims.author_merge(actor=ModeratorFactory(), source=source, target=target)
    received.refresh_from_db()
    sent.refresh_from_db()
    assert received.recipient_author_id == target.pk and sent.sender_author_id == target.pk


def test_a_second_pending_invitation_to_the_same_survivor_stays_on_the_merged_away_record():
    owner = VerifiedUserFactory()
    target = author_with_works(1, owner=owner, claim_state="claimed")
    source = author_with_works(1, owner=owner, claim_state="claimed")
    sender = VerifiedUserFactory()
    sender_author = author_with_works(1, owner=sender, claim_state="claimed")
    to_target = Invitation.objects.create(sender=sender, sender_author=sender_author, recipient=owner,
                                          recipient_author=target, subject="a", message="a")
    to_source = Invitation.objects.create(sender=sender, sender_author=sender_author, recipient=owner,
                                          recipient_author=source, subject="b", message="b")
    claims.author_merge(actor=ModeratorFactory(), source=source, target=target)  # no unique violation
    to_target.refresh_from_db()
    to_source.refresh_from_db()
    assert (to_target.recipient_author_id, to_source.recipient_author_id) == (target.pk, source.pk)


def test_reverting_a_merge_puts_followers_and_invitations_back_exactly():
    target, source = author_with_works(1), author_with_works(1)
    both, only_source, only_target = UserFactory(), UserFactory(), UserFactory()
    for user, author in [(both, source), (both, target), (only_source, source), (only_target, target)]:
        _follow(user, author)
    claims.author_merge(actor=ModeratorFactory(), source=source, target=target)
    claims.identity_event_revert(moderator=ModeratorFactory(), event=IdentityEvent.objects.get(kind=EventKind.MERGE))
    assert set(Follow.objects.filter(author=source).values_list("user_id", flat=True)) == {both.pk, only_source.pk}
    assert set(Follow.objects.filter(author=target).values_list("user_id", flat=True)) == {both.pk, only_target.pk}
    assert _counts(source, target) == [2, 2]


def test_reverting_the_revert_moves_the_followers_to_the_survivor_again():
    target, source = author_with_works(1), author_with_works(1)
    reader = UserFactory()
    _follow(reader, source)
    moderator = ModeratorFactory()
    claims.author_merge(actor=moderator, source=source, target=target)
    claims.identity_event_revert(moderator=moderator, event=IdentityEvent.objects.get(kind=EventKind.MERGE))
    claims.identity_event_revert(moderator=moderator, event=IdentityEvent.objects.get(kind=EventKind.REVERT))
    assert _counts(source, target) == [0, 1]


def test_a_split_leaves_the_follows_with_the_original_record():
    owner = VerifiedUserFactory()
    author = author_with_works(3, owner=owner, claim_state="claimed")
    reader = UserFactory()
    _follow(reader, author)
    one = author.authorships.order_by("id").first()
    new = claims.authorships_split(actor=owner, author=author, authorship_ids=[one.pk])
    assert _counts(author, new) == [1, 0]
    assert Follow.objects.get(user=reader).author_id == author.pk


def test_the_move_service_for_the_engine_is_idempotent_and_returns_its_undo_record():
    source, target = author_with_works(1), author_with_works(1)
    reader = UserFactory()
    _follow(reader, source)
    record = follows.author_followers_move(source_id=source.pk, target_id=target.pk)
    assert record == {"from": source.pk, "to": target.pk, "user_ids": [reader.pk], "added": [reader.pk]}
    again = follows.author_followers_move(source_id=source.pk, target_id=target.pk)
    assert again["user_ids"] == [] and _counts(source, target) == [0, 1]


def test_the_social_move_runs_in_a_fixed_number_of_queries_whatever_the_followers(django_assert_num_queries):
    source, target = author_with_works(1), author_with_works(1)
    for user in UserFactory.create_batch(40):
        _follow(user, source)
    # follows moved (1) and both counts recounted (1); invitations sent (1) and received (1) re-pointed;
    # plus the savepoint pair of each of the two atomic services (4).
    with django_assert_num_queries(8):
        follows.author_social_move(source_id=source.pk, target_id=target.pk)
    assert _counts(source, target) == [0, 40]
