"""Forged evidence, unreviewed merges and endless appeals (issue 15, items 2, 3 and 4)."""

import pytest
from django.urls import reverse

from papers.models import Authorship
from researchers.models import Author, Claim, Follow, IdentityEvent
from researchers.services import claims
from researchers.services.errors import Conflict, NotAllowed
from researchers.services.evidence import match_email_to_affiliations
from tests.factories import AuthorFactory, ModeratorFactory, VerifiedUserFactory, author_with_works
from trust import services as trust_services

pytestmark = pytest.mark.django_db


def _requests():
    """The moderation queue's model and services (imported late: this file also runs against code without them)."""
    from researchers.models import IdentityChangeRequest
    from researchers.services import identity_requests

    return IdentityChangeRequest, identity_requests


# ---------------------------------------------------------------- item 2: institutional email evidence

@pytest.mark.parametrize("email", [
    "mallory@cnrs.attacker-owned.io",     # the institution as a subdomain label of the attacker's domain
    "mallory@attacker-cnrs.fr",           # inside a hyphenated registrable label
    "mallory@cnrs.fr.attacker.io",        # the real domain as a prefix
    "mallory@cnrs-fr.com",
])
def test_an_attacker_owned_domain_never_corroborates_an_institution(email):
    assert match_email_to_affiliations(email, ["CNRS, Laboratoire de Physique"]) is None


def test_a_claim_from_an_attacker_owned_cnrs_subdomain_stays_at_l2():
    author = author_with_works(3, affiliation="CNRS, Université Paris-Saclay")
    claim = claims.claim_submit(user=VerifiedUserFactory(email="mallory@cnrs.attacker-owned.io"), author=author)
    assert claim.level == 2
    author.refresh_from_db()
    assert author.verification_level == 2


def test_a_real_cnrs_address_matching_the_affiliation_gives_l3():
    author = author_with_works(2, affiliation="CNRS, Université Paris-Saclay")
    claim = claims.claim_submit(user=VerifiedUserFactory(email="a.b@lps.cnrs.fr"), author=author)
    assert claim.level == 3


def test_registrable_domains_come_from_the_public_suffix_list_without_network():
    from researchers.services.evidence import registrable_domain

    assert registrable_domain("cnrs.attacker-owned.io") == "attacker-owned.io"
    assert registrable_domain("physics.ox.ac.uk") == "ox.ac.uk"
    assert registrable_domain("co.uk") == ""


def test_a_known_domain_needs_its_own_institution_in_the_affiliation():
    assert match_email_to_affiliations("a@stanford.edu", ["Harvard University"]) is None
    assert match_email_to_affiliations("a@mit.edu", ["MITRE Corporation"]) is None
    assert match_email_to_affiliations("a@mit.edu", ["MIT CSAIL"]) == "MIT CSAIL"


def test_following_a_record_you_own_from_another_of_your_records_is_no_endorsement():
    user = VerifiedUserFactory()
    AuthorFactory(owner=user, claim_state="claimed", verification_level=3)
    second = author_with_works(3)
    Author.objects.filter(pk=second.pk).update(owner=user, claim_state="claimed", verification_level=3)
    Follow.objects.create(user=user, author=second)
    score = trust_services.trust_recompute_author(author_id=second.pk)
    assert score.parts["vouching"]["facts"]["follows"] == 0


def test_a_follow_from_another_accounts_l3_record_still_counts():
    other = VerifiedUserFactory()
    AuthorFactory(owner=other, claim_state="claimed", verification_level=3)
    record = author_with_works(3)
    Author.objects.filter(pk=record.pk).update(owner=VerifiedUserFactory(), claim_state="claimed",
                                                verification_level=3)
    Follow.objects.create(user=other, author=record)
    score = trust_services.trust_recompute_author(author_id=record.pk)
    assert score.parts["vouching"]["facts"]["follows"] == 1


# ---------------------------------------------------------------- item 3: merges and splits wait for review

def _owner_at_l2(client, name="Nathaniel Reed", slug="nathaniel-reed"):
    user = VerifiedUserFactory()
    record = author_with_works(2, display_name=name, slug=slug)
    claims.claim_submit(user=user, author=record)
    record.refresh_from_db()
    assert record.verification_level == 2
    client.force_login(user)
    return user, record


def test_an_l2_owner_merging_someone_elses_unclaimed_record_only_files_a_request(client):
    IdentityChangeRequest, identity_requests = _requests()
    user, record = _owner_at_l2(client)
    victim = author_with_works(5, display_name="Nathaniel F. Reed", slug="nathaniel-f-reed")
    response = client.post(reverse("researchers:merge", kwargs={"slug": record.slug}), {"source": victim.slug},
                           follow=True)
    assert "needs a moderator" in response.content.decode()
    victim.refresh_from_db()
    assert victim.merged_into_id is None and victim.authorships.count() == 5
    request = IdentityChangeRequest.objects.get()
    assert (request.kind, request.author_id, request.other_author_id, request.status) == (
        "merge", record.pk, victim.pk, "pending")
    assert not IdentityEvent.objects.filter(kind="merge").exists()


def test_a_moderator_applies_or_rejects_a_queued_merge(client):
    IdentityChangeRequest, identity_requests = _requests()
    user, record = _owner_at_l2(client)
    victim = author_with_works(3, display_name="Nathaniel F. Reed", slug="nathaniel-f-reed")
    client.post(reverse("researchers:merge", kwargs={"slug": record.slug}), {"source": victim.slug})
    moderator = ModeratorFactory()
    identity_requests.identity_request_reject(moderator=moderator, request=IdentityChangeRequest.objects.get())
    victim.refresh_from_db()
    assert victim.merged_into_id is None

    client.post(reverse("researchers:merge", kwargs={"slug": record.slug}), {"source": victim.slug})
    pending = IdentityChangeRequest.objects.get(status="pending")
    identity_requests.identity_request_approve(moderator=moderator, request=pending)
    victim.refresh_from_db()
    assert victim.merged_into_id == record.pk
    assert IdentityEvent.objects.get(kind="merge").actor == moderator


def test_the_merge_service_itself_refuses_an_unreviewed_merge_below_l3(client):
    user, record = _owner_at_l2(client)
    victim = author_with_works(1)
    with pytest.raises(NotAllowed, match="review"):
        claims.author_merge(actor=user, source=victim, target=record)


def test_moderators_approve_queued_requests_from_the_admin(client):
    IdentityChangeRequest, identity_requests = _requests()
    user, record = _owner_at_l2(client)
    victim = author_with_works(2, display_name="N. Reed", slug="n-reed")
    client.post(reverse("researchers:merge", kwargs={"slug": record.slug}), {"source": victim.slug})
    request = IdentityChangeRequest.objects.get()
    moderator = ModeratorFactory()
    client.force_login(moderator)
    listing = client.get("/admin/researchers/identitychangerequest/")
    assert listing.status_code == 200 and "n-reed" in listing.content.decode().lower()
    client.post("/admin/researchers/identitychangerequest/",
                {"action": "approve", "_selected_action": [request.pk]})
    victim.refresh_from_db()
    assert victim.merged_into_id == record.pk


def test_splitting_works_onto_another_existing_record_waits_for_a_moderator(client):
    IdentityChangeRequest, identity_requests = _requests()
    user, record = _owner_at_l2(client)
    other = author_with_works(1, display_name="Someone Else", slug="someone-else")
    moved = record.authorships.order_by("id").first()
    response = client.post(reverse("researchers:split", kwargs={"slug": record.slug}),
                           {"authorship": [moved.pk], "split_to": other.slug}, follow=True)
    assert "needs a moderator" in response.content.decode()
    assert Authorship.objects.get(pk=moved.pk).author_id == record.pk
    request = IdentityChangeRequest.objects.get()
    assert (request.kind, request.authorship_ids) == ("split", [moved.pk])
    identity_requests.identity_request_approve(moderator=ModeratorFactory(), request=request)
    assert Authorship.objects.get(pk=moved.pk).author_id == other.pk


def test_splitting_works_off_to_a_new_record_still_applies_at_once(client):
    IdentityChangeRequest, identity_requests = _requests()
    user, record = _owner_at_l2(client)
    moved = record.authorships.order_by("id").first()
    client.post(reverse("researchers:split", kwargs={"slug": record.slug}), {"authorship": [moved.pk]})
    assert Authorship.objects.get(pk=moved.pk).author_id != record.pk
    assert not IdentityChangeRequest.objects.exists()


def test_the_claimed_badge_names_no_person(client):
    user, record = _owner_at_l2(client)
    user.first_name, user.last_name = "Nathaniel", "Reed"
    user.save(update_fields=["first_name", "last_name"])
    html = client.get(record.get_absolute_url()).content.decode()
    assert "Claimed · verified L2 by an account" in html
    assert "Claimed by Nathaniel Reed" not in html


# ---------------------------------------------------------------- item 4: one appeal per rejected claim

def _rejected_appeal(user, author):
    moderator = ModeratorFactory()
    claim = claims.claim_submit(user=user, author=author)
    claims.claim_reject(moderator=moderator, claim=claim, note="No evidence")
    appeal = claims.claim_appeal(user=user, claim=claim, evidence=[{"kind": "link", "value": "https://a.org/cv"}])
    claims.claim_reject(moderator=moderator, claim=appeal, note="Still no evidence")
    return appeal


def test_a_rejected_appeal_cannot_itself_be_appealed():
    user, author = VerifiedUserFactory(), author_with_works(2)
    appeal = _rejected_appeal(user, author)
    with pytest.raises(NotAllowed, match="rejected appeal cannot be appealed"):
        claims.claim_appeal(user=user, claim=appeal, evidence=[{"kind": "link", "value": "https://b.org/new"}])
    assert Claim.objects.filter(author=author, user=user).count() == 2


def test_the_appeal_page_refuses_a_second_appeal_with_a_clear_message(client):
    user, author = VerifiedUserFactory(), author_with_works(2)
    _rejected_appeal(user, author)
    client.force_login(user)
    url = reverse("researchers:claim_appeal", kwargs={"slug": author.slug})
    page = client.get(url)
    assert page.status_code == 403
    assert "rejected appeal cannot be appealed again" in page.content.decode()
    posted = client.post(url, {"statement": "Please, again", "links": "https://c.org/x"})
    assert posted.status_code == 403
    assert Claim.objects.filter(author=author, user=user).count() == 2


def test_levels_granted_under_the_old_domain_rule_are_rejudged_by_the_refresh_command():
    from io import StringIO

    from django.core.management import call_command

    author = author_with_works(2, affiliation="CNRS")
    claim = claims.claim_submit(user=VerifiedUserFactory(email="mallory@cnrs.attacker-owned.io"), author=author)
    Claim.objects.filter(pk=claim.pk).update(level=3)
    Author.objects.filter(pk=author.pk).update(verification_level=3)  # as the old matcher left it
    out = StringIO()
    call_command("refresh_claim_evidence", stdout=out)
    assert "1 changed level" in out.getvalue()
    author.refresh_from_db()
    assert author.verification_level == 2


def test_a_queued_merge_is_not_applied_once_the_other_record_has_a_new_owner(client):
    IdentityChangeRequest, identity_requests = _requests()
    user, record = _owner_at_l2(client)
    victim = author_with_works(2, display_name="N. Reed", slug="n-reed")
    client.post(reverse("researchers:merge", kwargs={"slug": record.slug}), {"source": victim.slug})
    claims.claim_submit(user=VerifiedUserFactory(), author=victim)
    with pytest.raises(Conflict, match="changed owner"):
        identity_requests.identity_request_approve(moderator=ModeratorFactory(),
                                                   request=IdentityChangeRequest.objects.get())
    victim.refresh_from_db()
    assert victim.merged_into_id is None


def test_the_requester_sees_the_pending_merge_on_my_records(client):
    user, record = _owner_at_l2(client)
    victim = author_with_works(2, display_name="N. Reed", slug="n-reed")
    client.post(reverse("researchers:merge", kwargs={"slug": record.slug}), {"source": victim.slug})
    html = client.get(reverse("me:home")).content.decode()
    assert "data-identity-requests" in html and "Merge <a" in html and "Awaiting review" in html


def test_my_records_offers_no_appeal_of_a_rejected_appeal(client):
    user, author = VerifiedUserFactory(), author_with_works(2)
    _rejected_appeal(user, author)
    client.force_login(user)
    html = client.get(reverse("me:home")).content.decode()
    assert "Appeal with new evidence" not in html
