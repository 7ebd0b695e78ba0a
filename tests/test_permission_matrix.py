"""Every write × every role: allowed outcomes happen, refusals are 403 or a login redirect with a message.

Roles: anonymous, unverified email, verified-but-unclaimed, claimant (a claim awaiting review),
owner (owns the target record), other owner (owns a different record), moderator.
"""

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from researchers.models import Author, Claim, Dispute, Follow, Invitation, Message
from tests.factories import ModeratorFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unverified", "verified", "claimant", "owner", "other_owner", "moderator"]
ACTIONS = ["claim", "approve", "dispute", "follow", "invite", "message", "edit"]

LOGIN = "login"
ALLOWED = "allowed"
FORBIDDEN = 403
CONFLICT = 409

EXPECTED = {
    #               claim    approve   dispute   follow   invite     message    edit
    "anonymous":   (LOGIN,   LOGIN,    LOGIN,    LOGIN,   LOGIN,     LOGIN,     LOGIN),
    "unverified":  (FORBIDDEN, LOGIN,  FORBIDDEN, ALLOWED, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "verified":    (ALLOWED, LOGIN,    ALLOWED,  ALLOWED, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "claimant":    (ALLOWED, LOGIN,    ALLOWED,  ALLOWED, FORBIDDEN, FORBIDDEN, FORBIDDEN),
    # The owner cannot dispute their own record (409) nor invite themselves.
    "owner":       (ALLOWED, LOGIN,    CONFLICT, ALLOWED, FORBIDDEN, ALLOWED,   ALLOWED),
    "other_owner": (ALLOWED, LOGIN,    ALLOWED,  ALLOWED, ALLOWED,   ALLOWED,   FORBIDDEN),
    # Moderators act through the admin; they own no record and read no private messages.
    "moderator":   (ALLOWED, ALLOWED,  ALLOWED,  ALLOWED, FORBIDDEN, FORBIDDEN, FORBIDDEN),
}


def _user(role, world):
    return {
        "anonymous": None, "unverified": UserFactory(), "verified": VerifiedUserFactory(),
        "claimant": world.claimant, "owner": world.owner, "other_owner": world.other_owner,
        "moderator": ModeratorFactory(),
    }[role]


def _do(action, client, world):
    """Perform the write; return (response, effect_happened)."""
    if action == "claim":
        r = client.post(reverse("researchers:claim", kwargs={"slug": world.unclaimed.slug}),
                        {"mine": list(world.unclaimed.authorships.values_list("pk", flat=True))})
        if r.status_code == 302 and r["Location"].endswith("/claim/evidence/"):
            client.post(r["Location"], {"statement": ""})
            r = client.post(reverse("researchers:claim_review", kwargs={"slug": world.unclaimed.slug}))
        return r, Author.objects.get(pk=world.unclaimed.pk).owner_id is not None
    if action == "approve":
        r = client.post(reverse("admin:researchers_claim_changelist"),
                        {"action": "approve", "_selected_action": [world.pending_claim.pk]})
        return r, Claim.objects.get(pk=world.pending_claim.pk).status == "approved"
    if action == "dispute":
        r = client.post(reverse("api-researcher-claim", kwargs={"slug": world.owned.slug}), {},
                        content_type="application/json")
        return r, Dispute.objects.filter(author=world.owned).exists()
    if action == "follow":
        r = client.post(reverse("researchers:follow", kwargs={"slug": world.owned.slug}))
        return r, Follow.objects.filter(author=world.owned).exists()
    if action == "invite":
        r = client.post(reverse("researchers:invite", kwargs={"slug": world.owned.slug}),
                        {"subject": "Project", "message": "Shall we?"})
        return r, Invitation.objects.filter(recipient_author=world.owned, subject="Project").exists()
    if action == "message":
        r = client.post(reverse("me:conversation", kwargs={"pk": world.conversation.pk}), {"body": "ping"})
        return r, Message.objects.filter(conversation=world.conversation, body="ping").exists()
    if action == "edit":
        r = client.post(reverse("me:edit_profile", kwargs={"slug": world.owned.slug}),
                        {"bio": "edited", "open_to_collaborate": "on"})
        return r, Author.objects.get(pk=world.owned.pk).bio == "edited"
    raise AssertionError(action)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, action, world, client):
    expected = EXPECTED[role][ACTIONS.index(action)]
    user = _user(role, world)
    if user is not None:
        client.force_login(user)
    response, happened = _do(action, client, world)
    assert response.status_code < 500
    if expected == ALLOWED:
        assert happened, f"{role} should be able to {action} (got {response.status_code})"
        if action == "dispute":
            assert response.status_code == 409 and response.json()["dispute"]["status"] == "open"
        return
    assert not happened, f"{role} must not be able to {action}"
    if expected == LOGIN:
        assert response.status_code in (302, 401, 403)
        if response.status_code == 302:
            assert "/login/" in response["Location"]
            if "/admin/" not in response["Location"]:
                notes = [str(m) for m in get_messages(response.wsgi_request)]
                assert any("Log in" in n for n in notes), notes
        else:
            assert "credentials" in response.content.decode() or "Log in" in response.content.decode()
    else:
        assert response.status_code == expected, f"{role}/{action}: {response.status_code}"
        text = response.content.decode()
        assert len(text) > 0


@pytest.mark.parametrize(("method", "url_name", "kwargs_key"), [
    ("post", "researchers:follow", "slug"),
    ("post", "researchers:unfollow", "slug"),
    ("post", "researchers:claim", "slug"),
    ("post", "researchers:invite", "slug"),
    ("post", "researchers:unclaim", "slug"),
    ("post", "researchers:vouch", "slug"),
    ("post", "api-researcher-claim", "slug"),
    ("post", "api-researcher-follow", "slug"),
])
def test_every_write_requires_csrf(method, url_name, kwargs_key, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.other_owner)
    response = getattr(client, method)(reverse(url_name, kwargs={kwargs_key: world.owned.slug}))
    assert response.status_code == 403


def test_refusal_pages_say_why(world, client):
    client.force_login(VerifiedUserFactory())
    response = client.post(reverse("me:edit_profile", kwargs={"slug": world.owned.slug}), {"bio": "x"})
    assert response.status_code == 403 and b"Only the record&#x27;s owner can edit this profile." in response.content
