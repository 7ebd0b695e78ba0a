"""Direct collaboration: only claimed researchers invite claimed, open researchers; accept opens a thread."""

import pytest
from django.core import mail
from django.urls import reverse

from researchers.models import Conversation, Invitation, Message, Report
from researchers.services import claims, collaboration, profile
from researchers.services.errors import Conflict, NotAllowed, RateLimited
from tests.factories import VerifiedUserFactory, author_with_works

pytestmark = pytest.mark.django_db


def _claimed(open_to_collaborate=True, **kwargs):
    user = VerifiedUserFactory(**kwargs)
    author = author_with_works(1)
    claims.claim_submit(user=user, author=author)
    if open_to_collaborate:
        profile.author_profile_update(user=user, author=author, open_to_collaborate=True)
    author.refresh_from_db()
    return user, author


def test_claimed_researcher_invites_an_open_claimed_researcher_who_accepts_and_they_talk(
    django_capture_on_commit_callbacks,
):
    alice, alice_rec = _claimed()
    bob, bob_rec = _claimed()
    with django_capture_on_commit_callbacks(execute=True):
        inv = collaboration.invitation_send(sender=alice, recipient_author=bob_rec, subject="Quantization",
                                            message="Join?")
    assert inv.recipient == bob and inv.sender_author == alice_rec
    assert mail.outbox[-1].to == [bob.email] and "invites you" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        convo = collaboration.invitation_accept(user=bob, invitation=inv)
    assert convo.initiator == alice and convo.recipient == bob
    assert Message.objects.filter(conversation=convo).count() == 1
    assert mail.outbox[-1].to == [alice.email] and "accepted" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        collaboration.message_send(user=bob, conversation=convo, body="Happy to!")
    assert mail.outbox[-1].to == [alice.email] and "New message" in mail.outbox[-1].subject
    assert "Happy to!" in mail.outbox[-1].body and mail.outbox[-1].alternatives


def test_unclaimed_target_cannot_receive_invitations():
    alice, _ = _claimed()
    with pytest.raises(NotAllowed, match="Claim this author entity first to unlock direct invitations"):
        collaboration.invitation_send(sender=alice, recipient_author=author_with_works(1), subject="s", message="m")


def test_viewer_without_a_claimed_record_cannot_invite():
    _, bob_rec = _claimed()
    with pytest.raises(NotAllowed, match="Claim your own author record"):
        collaboration.invitation_send(sender=VerifiedUserFactory(), recipient_author=bob_rec, subject="s", message="m")


def test_target_not_open_to_collaborate_is_refused():
    alice, _ = _claimed()
    _, bob_rec = _claimed(open_to_collaborate=False)
    with pytest.raises(NotAllowed, match="not open to collaborate"):
        collaboration.invitation_send(sender=alice, recipient_author=bob_rec, subject="s", message="m")


def test_ten_invitations_a_day():
    alice, _ = _claimed()
    targets = [_claimed()[1] for _ in range(11)]
    for rec in targets[:10]:
        collaboration.invitation_send(sender=alice, recipient_author=rec, subject="s", message="m")
    with pytest.raises(RateLimited, match="10 invitations"):
        collaboration.invitation_send(sender=alice, recipient_author=targets[10], subject="s", message="m")


def test_one_pending_invitation_per_pair():
    alice, _ = _claimed()
    _, bob_rec = _claimed()
    collaboration.invitation_send(sender=alice, recipient_author=bob_rec, subject="s", message="m")
    with pytest.raises(Conflict, match="waiting"):
        collaboration.invitation_send(sender=alice, recipient_author=bob_rec, subject="s2", message="m2")


def test_block_stops_invitations_and_messages_both_ways():
    alice, alice_rec = _claimed()
    bob, bob_rec = _claimed()
    inv = collaboration.invitation_send(sender=alice, recipient_author=bob_rec, subject="s", message="m")
    convo = collaboration.invitation_accept(user=bob, invitation=inv)
    collaboration.block_create(user=bob, blocked_user_id=alice.pk)
    with pytest.raises(NotAllowed):
        collaboration.message_send(user=alice, conversation=convo, body="hello?")
    with pytest.raises(NotAllowed):
        collaboration.invitation_send(sender=bob, recipient_author=alice_rec, subject="s", message="m")


def test_only_the_recipient_answers_and_only_participants_read(client):
    alice, _ = _claimed()
    bob, bob_rec = _claimed()
    inv = collaboration.invitation_send(sender=alice, recipient_author=bob_rec, subject="s", message="m")
    with pytest.raises(NotAllowed):
        collaboration.invitation_accept(user=alice, invitation=inv)
    convo = collaboration.invitation_accept(user=bob, invitation=inv)
    client.force_login(VerifiedUserFactory())
    assert client.get(reverse("me:conversation", kwargs={"pk": convo.pk})).status_code == 403
    assert client.post(reverse("me:conversation", kwargs={"pk": convo.pk}), {"body": "x"}).status_code == 403
    assert not Message.objects.filter(body="x").exists()


def test_report_reaches_the_moderators(client):
    alice, _ = _claimed()
    bob, bob_rec = _claimed()
    inv = collaboration.invitation_send(sender=alice, recipient_author=bob_rec, subject="Buy now", message="spam")
    client.force_login(bob)
    response = client.post(reverse("me:report", kwargs={"user_id": alice.pk}),
                           {"reason": "spam", "details": "unsolicited", "invitation": inv.pk})
    assert response.status_code == 302
    assert Report.objects.get(reporter=bob, reported_user=alice, invitation=inv).reason == "spam"


def test_invitation_pages_flow(client):
    alice, _ = _claimed()
    bob, bob_rec = _claimed()
    client.force_login(alice)
    url = reverse("researchers:invite", kwargs={"slug": bob_rec.slug})
    assert client.get(url).status_code == 200
    assert client.post(url, {"subject": "Let's work", "message": "On binarization"}).status_code == 302
    inv = Invitation.objects.get(sender=alice)
    client.force_login(bob)
    page = client.get("/me/invitations")
    assert page.status_code == 200 and b"Let&#x27;s work" in page.content
    response = client.post(reverse("me:invitation_accept", kwargs={"pk": inv.pk}))
    convo = Conversation.objects.get(invitation=inv)
    assert response.status_code == 302 and response["Location"] == reverse("me:conversation", kwargs={"pk": convo.pk})
    response = client.post(response["Location"], {"body": "Sounds great"})
    assert response.status_code == 302
    assert Message.objects.filter(conversation=convo, sender=bob, body="Sounds great").exists()


def test_invite_page_explains_what_is_missing(client):
    client.force_login(VerifiedUserFactory())
    target = author_with_works(1)
    response = client.get(reverse("researchers:invite", kwargs={"slug": target.slug}))
    assert response.status_code == 403
    assert b"Claim this author entity first to unlock direct invitations." in response.content


def test_owner_edits_profile_fields(client):
    user, rec = _claimed(open_to_collaborate=False)
    client.force_login(user)
    url = reverse("me:edit_profile", kwargs={"slug": rec.slug})
    assert client.get(url).status_code == 200
    response = client.post(url, {"bio": "Efficient deep learning", "role": "Research scientist",
                                 "affiliation": "Meta AI", "links": "Homepage | https://example.org/me",
                                 "open_to_collaborate": "on"})
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.bio == "Efficient deep learning" and rec.open_to_collaborate and rec.affiliation == "Meta AI"
    assert rec.links == [{"label": "Homepage", "url": "https://example.org/me"}]
    bad = client.post(url, {"links": "javascript:alert(1)"})
    assert bad.status_code == 400
    rec.refresh_from_db()
    assert rec.links == [{"label": "Homepage", "url": "https://example.org/me"}]


def test_api_invitation_accept_and_message(client):
    alice, _ = _claimed()
    bob, bob_rec = _claimed()
    client.force_login(alice)
    response = client.post("/api/invitations/", {"to": bob_rec.slug, "subject": "Hi", "message": "Collab?"},
                           content_type="application/json")
    assert response.status_code == 201
    inv_id = response.json()["id"]
    client.force_login(bob)
    body = client.post(f"/api/invitations/{inv_id}/accept/").json()
    assert body["status"] == "accepted" and body["conversation"]
    response = client.post(f"/api/conversations/{body['conversation']}/messages/", {"body": "Yes"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["mine"] is True


def test_api_profile_edit_is_owner_only_and_validates_links(client):
    user, rec = _claimed(open_to_collaborate=False)
    url = f"/api/researchers/{rec.slug}/profile/"
    client.force_login(VerifiedUserFactory())
    assert client.patch(url, {"bio": "hijack"}, content_type="application/json").status_code == 403
    client.force_login(user)
    response = client.patch(url, {"bio": "Binary networks", "open_to_collaborate": True,
                                  "links": [{"label": "Lab", "url": "https://example.org/lab"}]},
                            content_type="application/json")
    assert response.status_code == 200 and response.json()["open_to_collaborate"] is True
    bad = client.patch(url, {"links": [{"url": "javascript:alert(1)"}]}, content_type="application/json")
    assert bad.status_code == 400 and "not an http(s) link" in bad.json()["detail"]
    rec.refresh_from_db()
    assert rec.bio == "Binary networks" and rec.links == [{"label": "Lab", "url": "https://example.org/lab"}]
