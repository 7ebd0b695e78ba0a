"""Every API write × every role: allowed writes happen; refusals are problem+json and change nothing.

Roles as in tests/test_permission_matrix.py: anonymous, unverified email, verified-but-unclaimed,
claimant (a claim awaiting review), owner (owns the target record), other owner (owns a different
record), moderator. Signed-in roles call with `Authorization: Token …` obtained from
POST /api/auth/token/; the unverified account cannot obtain a token (mandatory email
verification), so it calls with a session, as a browser whose login predates the rule would.

Private objects (an invitation or conversation you are not part of) answer 404, not 403: the API
does not disclose that they exist.
"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from researchers.models import Author, Dispute, Follow, FollowRateEvent, Invitation, Message
from researchers.services import claims, follows
from tests.factories import ModeratorFactory, UserFactory, VerifiedUserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
ROLES = ["anonymous", "unverified", "verified", "claimant", "owner", "other_owner", "moderator"]
ACTIONS = ["claim", "dispute", "follow", "unfollow", "edit", "invite", "accept", "decline", "message"]

ok, created = 200, 201
EXPECTED = {
    #               claim    dispute  follow unfollow edit invite   accept decline message
    "anonymous":   (401,     401,     401,   401,     401, 401,     401,   401,    401),
    "unverified":  (403,     403,     ok,    ok,      403, 403,     404,   404,    404),
    "verified":    (created, 409,     ok,    ok,      403, 403,     404,   404,    404),
    "claimant":    (created, 409,     ok,    ok,      403, 403,     404,   404,    404),
    # Owners cannot dispute their own record nor invite themselves.
    "owner":       (created, 409,     ok,    ok,      ok,  403,     ok,    ok,     created),
    "other_owner": (created, 409,     ok,    ok,      403, created, 404,   404,    created),
    # Moderators act through the admin; they own no record and read no private conversations.
    "moderator":   (created, 409,     ok,    ok,      403, 403,     404,   404,    404),
}
# The owner's 409 is a plain refusal; everyone else's 409 carries the dispute it opened.
DISPUTE_OPENED = {"verified", "claimant", "other_owner", "moderator"}


def _user(role, world):
    return {
        "anonymous": None, "unverified": UserFactory(), "verified": VerifiedUserFactory(),
        "claimant": world.claimant, "owner": world.owner, "other_owner": world.other_owner,
        "moderator": ModeratorFactory(),
    }[role]


def _client_for(user):
    client = APIClient()
    if user is None:
        return client
    if user.emailaddress_set.filter(verified=True).exists():
        response = client.post("/api/auth/token/", {"email": user.email, "password": PASSWORD}, format="json")
        assert response.status_code == 200, response.content
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    else:
        client.force_login(user)
    return client


def _do(action, client, world, user):
    """Perform the write; return (response, effect_happened)."""
    owned = world.owned.slug
    if action == "claim":
        r = client.post(f"/api/researchers/{world.unclaimed.slug}/claim/", {}, format="json")
        return r, Author.objects.get(pk=world.unclaimed.pk).owner_id is not None
    if action == "dispute":
        r = client.post(f"/api/researchers/{owned}/claim/", {"statement": "These are mine."}, format="json")
        return r, Dispute.objects.filter(author=world.owned).exists()
    if action == "follow":
        r = client.post(f"/api/researchers/{owned}/follow/")
        return r, Follow.objects.filter(author=world.owned).exists()
    if action == "unfollow":
        if user is not None:
            follows.follow_create(user=user, author=world.owned)
        r = client.post(f"/api/researchers/{owned}/unfollow/")
        return r, user is not None and not Follow.objects.filter(author=world.owned, user=user).exists()
    if action == "edit":
        r = client.patch(f"/api/researchers/{owned}/profile/", {"bio": "edited"}, format="json")
        return r, Author.objects.get(pk=world.owned.pk).bio == "edited"
    if action == "invite":
        r = client.post("/api/invitations/", {"to": owned, "subject": "Project", "message": "Shall we?"},
                        format="json")
        return r, Invitation.objects.filter(recipient_author=world.owned, subject="Project").exists()
    if action in ("accept", "decline"):
        r = client.post(f"/api/invitations/{world.invitation.pk}/{action}/")
        status = Invitation.objects.get(pk=world.invitation.pk).status
        return r, status == {"accept": "accepted", "decline": "declined"}[action]
    if action == "message":
        r = client.post(f"/api/conversations/{world.conversation.pk}/messages/", {"body": "ping"}, format="json")
        return r, Message.objects.filter(conversation=world.conversation, body="ping").exists()
    raise AssertionError(action)


def _assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"].startswith("https://")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix(role, action, world):
    expected = EXPECTED[role][ACTIONS.index(action)]
    user = _user(role, world)
    response, happened = _do(action, _client_for(user), world, user)
    assert response.status_code < 500
    if action == "dispute" and expected == 409:
        _assert_problem(response, 409)
        assert happened == (role in DISPUTE_OPENED)
        if role in DISPUTE_OPENED:
            assert response.json()["dispute"]["status"] == "open"
        return
    if expected in (200, 201):
        assert response.status_code == expected, f"{role}/{action}: {response.status_code} {response.content}"
        assert response["Content-Type"] == "application/json"
        assert happened, f"{role} should be able to {action}"
        return
    assert not happened, f"{role} must not be able to {action}"
    _assert_problem(response, expected)
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"


def test_the_sender_cannot_answer_their_own_invitation(world):
    response = _client_for(world.third_owner).post(f"/api/invitations/{world.invitation.pk}/accept/")
    _assert_problem(response, 403)
    assert Invitation.objects.get(pk=world.invitation.pk).status == "pending"


def test_answering_an_invitation_twice_is_a_409(world):
    client = _client_for(world.owner)
    assert client.post(f"/api/invitations/{world.invitation.pk}/accept/").status_code == 200
    _assert_problem(client.post(f"/api/invitations/{world.invitation.pk}/decline/"), 409)
    assert Invitation.objects.get(pk=world.invitation.pk).status == "accepted"


def test_editing_a_disputed_record_is_a_409(world):
    claims.claim_submit(user=world.other_owner, author=world.owned)  # opens a dispute
    response = _client_for(world.owner).patch(f"/api/researchers/{world.owned.slug}/profile/", {"bio": "x"},
                                               format="json")
    _assert_problem(response, 409)
    assert Author.objects.get(pk=world.owned.pk).bio != "x"


def test_bad_input_is_a_400_problem_listing_the_fields(world):
    response = _client_for(world.owner).patch(
        f"/api/researchers/{world.owned.slug}/profile/", {"bio": "x" * 301, "open_to_collaborate": "maybe"},
        format="json",
    )
    _assert_problem(response, 400)
    assert set(response.json()["errors"]) == {"bio", "open_to_collaborate"}


def test_follows_past_the_hourly_limit_are_a_429_problem(world):
    user = VerifiedUserFactory()
    FollowRateEvent.objects.bulk_create([FollowRateEvent(user=user) for _ in range(follows.FOLLOWS_PER_HOUR)])
    response = _client_for(user).post(f"/api/researchers/{world.owned.slug}/follow/")
    _assert_problem(response, 429)
    assert not Follow.objects.filter(user=user).exists()


@pytest.fixture
def low_throttles(monkeypatch):
    # DRF reads rates into a class attribute at import; patch it there, and start from an empty history.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "3/min"})
    cache.clear()
    yield
    cache.clear()


def test_anonymous_and_user_throttles_answer_429_problems_with_retry_after(world, low_throttles):
    anonymous = APIClient()
    statuses = [anonymous.get("/api/researchers/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    signed_in = _client_for(world.owner)
    statuses = [signed_in.post(f"/api/researchers/{world.owned.slug}/follow/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = signed_in.get("/api/researchers/")
    _assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0


def test_token_endpoint_refuses_wrong_passwords_and_unverified_accounts(world, low_throttles):
    client = APIClient()
    wrong = client.post("/api/auth/token/", {"email": world.owner.email, "password": "nope"}, format="json")
    _assert_problem(wrong, 401)
    assert wrong["WWW-Authenticate"] == "Token"
    unverified = UserFactory()
    refused = client.post("/api/auth/token/", {"email": unverified.email, "password": PASSWORD}, format="json")
    _assert_problem(refused, 403)
    _assert_problem(client.post("/api/auth/token/", {"email": "not-an-email"}, format="json"), 400)


def test_token_endpoint_throttles_password_guessing(world, low_throttles):
    client = APIClient()
    # The token rate is a tenth of the anonymous rate, at least 5 a minute.
    codes = [client.post("/api/auth/token/", {"email": world.owner.email, "password": "guess"},
                         format="json").status_code for _ in range(6)]
    assert codes == [401] * 5 + [429]


def test_a_token_is_stable_and_works_without_a_session(world):
    client = APIClient()
    body = {"email": world.owner.email, "password": PASSWORD}
    first = client.post("/api/auth/token/", body, format="json").json()["token"]
    assert client.post("/api/auth/token/", body, format="json").json()["token"] == first
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    response = client.get("/api/invitations/", {"box": "received"})
    assert response.status_code == 200
    assert [i["id"] for i in response.json()["results"]] == [world.invitation.pk] + [
        i.pk for i in Invitation.objects.filter(recipient=world.owner).exclude(pk=world.invitation.pk)
        .order_by("-id")
    ]
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    _assert_problem(bad.get("/api/invitations/"), 401)


def test_session_writes_still_need_csrf(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.other_owner)
    response = client.post(f"/api/researchers/{world.owned.slug}/follow/")
    _assert_problem(response, 403)
    assert not Follow.objects.filter(user=world.other_owner).exists()
