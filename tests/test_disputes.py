"""Disputes: a second claim freezes the record, shows "under review", and a moderator resolves it."""

import pytest
from django.urls import reverse

from researchers.models import Author, Claim, Dispute, EventKind, IdentityEvent
from researchers.services import claims, profile
from researchers.services.errors import Conflict
from tests.factories import ModeratorFactory, VerifiedUserFactory, author_with_works

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputed():
    author = author_with_works(3)
    owner, challenger = VerifiedUserFactory(), VerifiedUserFactory()
    claims.claim_submit(user=owner, author=author)
    challenge = claims.claim_submit(user=challenger, author=author, statement="That's my thesis work")
    author.refresh_from_db()
    return author, owner, challenger, challenge


def test_second_claim_on_an_owned_record_opens_a_dispute(disputed):
    author, owner, challenger, challenge = disputed
    assert challenge.status == "pending" and challenge.dispute.status == "open"
    assert author.claim_state == "disputed" and author.owner == owner
    assert IdentityEvent.objects.filter(author=author, kind=EventKind.DISPUTE).exists()


def test_disputed_record_is_frozen(disputed):
    author, owner, challenger, _ = disputed
    with pytest.raises(Conflict, match="under review"):
        claims.authorships_split(actor=owner, author=author, authorship_ids=[author.authorships.first().pk])
    with pytest.raises(Conflict, match="under review"):
        profile.author_profile_update(user=owner, author=author, bio="changed")
    with pytest.raises(Conflict, match="under review"):
        claims.claim_unclaim(actor=owner, claim=Claim.objects.get(author=author, status="active"))
    with pytest.raises(Conflict) as third:
        claims.claim_submit(user=VerifiedUserFactory(), author=author)
    assert third.value.dispute == Dispute.objects.get(author=author)


def test_moderator_upholding_keeps_the_owner(disputed):
    author, owner, challenger, challenge = disputed
    dispute = claims.dispute_resolve(moderator=ModeratorFactory(), dispute=challenge.dispute, outcome="uphold")
    author.refresh_from_db()
    challenge.refresh_from_db()
    assert dispute.status == "upheld" and challenge.status == "rejected"
    assert author.claim_state == "claimed" and author.owner == owner


def test_moderator_transferring_gives_the_challenger_l4(disputed):
    author, owner, challenger, challenge = disputed
    claims.claim_approve(moderator=ModeratorFactory(), claim=challenge)
    author.refresh_from_db()
    assert author.owner == challenger and author.verification_level == 4 and author.claim_state == "claimed"
    assert Claim.objects.get(author=author, user=owner).status == "rejected"
    assert Claim.objects.filter(author=author, status__in=["active", "approved"]).count() == 1


def test_dispute_shows_publicly_as_under_review(client, disputed):
    author = disputed[0]
    response = client.get(author.get_absolute_url())
    assert response.status_code == 200
    assert b"Under review" in response.content or b"under review" in response.content
    assert b'data-claim-state="disputed"' in response.content


def test_api_claim_answers_201_with_state_and_level(client):
    author = author_with_works(2)
    client.force_login(VerifiedUserFactory())
    response = client.post(reverse("api-researcher-claim", kwargs={"slug": author.slug}), {}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "active" and body["level"] == 2 and body["verification_level"] == 2
    assert body["evidence"][0]["summary"] == "verified email at example.org"


def test_api_claim_on_an_owned_record_answers_409_with_the_dispute(client):
    author = author_with_works(2)
    claims.claim_submit(user=VerifiedUserFactory(), author=author)
    client.force_login(VerifiedUserFactory())
    url = reverse("api-researcher-claim", kwargs={"slug": author.slug})
    response = client.post(url, {"evidence": [{"kind": "link", "value": "https://example.org/cv"}]},
                           content_type="application/json")
    assert response.status_code == 409
    dispute = response.json()["dispute"]
    assert dispute["status"] == "open" and dispute["author"] == author.slug
    client.force_login(VerifiedUserFactory())
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["dispute"]["id"] == dispute["id"]


def test_api_claim_with_chosen_authorships_splits_the_rest(client):
    author = author_with_works(3)
    keep = list(author.authorships.order_by("id").values_list("pk", flat=True))[:1]
    client.force_login(VerifiedUserFactory())
    response = client.post(reverse("api-researcher-claim", kwargs={"slug": author.slug}), {"authorships": keep},
                           content_type="application/json")
    assert response.status_code == 201
    assert Author.objects.get(slug=f"{author.slug}-2").works_count == 2


def test_api_claim_rejects_bad_input_clearly(client):
    author = author_with_works(1)
    client.force_login(VerifiedUserFactory())
    url = reverse("api-researcher-claim", kwargs={"slug": author.slug})
    response = client.post(url, {"authorships": ["x"]}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(url, {"authorships": [999999]}, content_type="application/json")
    assert response.status_code == 400 and "not one of this record's works" in response.json()["detail"]
    response = client.post(url, {"evidence": [{"kind": "orcid", "value": "0000-0002-1825-0097"}]},
                           content_type="application/json")
    assert response.status_code == 400
    assert not Claim.objects.exists()


def test_api_claim_refuses_anonymous_and_unverified(client):
    from tests.factories import UserFactory

    author = author_with_works(1)
    url = reverse("api-researcher-claim", kwargs={"slug": author.slug})
    assert client.post(url, {}, content_type="application/json").status_code in (401, 403)
    client.force_login(UserFactory())
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 403 and "Verify your email" in response.json()["detail"]


def test_approving_the_incumbent_during_a_dispute_is_refused(disputed):
    author, owner, _, _ = disputed
    with pytest.raises(Conflict, match="resolve the dispute"):
        claims.claim_approve(moderator=ModeratorFactory(), claim=Claim.objects.get(author=author, user=owner))


def test_wizard_handles_a_record_with_more_than_a_thousand_works(client):
    from papers.models import Authorship, Paper

    author = author_with_works(0)
    papers = Paper.objects.bulk_create([Paper(arxiv_id=f"2501.{i:05d}", title=f"Paper {i}") for i in range(1100)])
    Authorship.objects.bulk_create([Authorship(paper=p, author=author, position=0, raw_name=author.display_name)
                                    for p in papers])
    client.force_login(VerifiedUserFactory())
    ids = list(author.authorships.values_list("pk", flat=True))
    response = client.post(reverse("researchers:claim", kwargs={"slug": author.slug}), {"mine": ids[:-1]})
    assert response.status_code == 302 and response["Location"].endswith("/claim/evidence/")


def test_owner_is_emailed_when_a_dispute_opens_and_the_challenger_when_it_is_decided(
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    author = author_with_works(1, display_name="Ken Thompson")
    owner, challenger = VerifiedUserFactory(), VerifiedUserFactory()
    claims.claim_submit(user=owner, author=author)
    with django_capture_on_commit_callbacks(execute=True):
        challenge = claims.claim_submit(user=challenger, author=author)
    assert mail.outbox[-1].to == [owner.email] and "under review" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        claims.claim_reject(moderator=ModeratorFactory(), claim=challenge, note="The ORCID does not match")
    message = mail.outbox[-1]
    assert message.to == [challenger.email] and "rejected" in message.subject
    assert "/researchers/ken-thompson/claim/appeal/" in message.body and "The ORCID does not match" in message.body
