"""Claims: evidence-derived levels, the wizard, splits, unclaim/reject/appeal and the pending inbox."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from papers.models import Authorship
from researchers.models import Author, Claim, ClaimEvidence, ClaimSlot, ClaimStatus, EventKind, IdentityEvent
from researchers.services import claims
from researchers.services.errors import Conflict, NotAllowed, ServiceError
from researchers.services.evidence import match_email_to_affiliations, registrable_domain
from tests.factories import (
    AuthorFactory,
    AuthorshipFactory,
    InstitutionFactory,
    ModeratorFactory,
    PaperFactory,
    UserFactory,
    VerifiedUserFactory,
    author_with_works,
)

pytestmark = pytest.mark.django_db


def test_claim_by_verified_user_makes_them_owner_at_l2():
    author = author_with_works(3)
    user = VerifiedUserFactory()
    claim = claims.claim_submit(user=user, author=author)
    author.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE
    assert author.owner == user and author.claim_state == "claimed" and author.verification_level == 2
    assert ClaimSlot.objects.filter(claim=claim, decision="mine").count() == 3
    assert set(author.authorships.values_list("attribution", flat=True)) == {"owner"}
    assert ClaimEvidence.objects.get(claim=claim, kind="verified_email").summary == "verified email at example.org"


def test_unverified_user_cannot_claim():
    with pytest.raises(NotAllowed, match="Verify your email"):
        claims.claim_submit(user=UserFactory(), author=author_with_works(1))


def test_claim_bumps_data_changed_at_and_logs_a_claim_event():
    author = author_with_works(2)
    before = author.data_changed_at
    claims.claim_submit(user=VerifiedUserFactory(), author=author)
    author.refresh_from_db()
    assert author.data_changed_at > before
    assert IdentityEvent.objects.filter(author=author, kind=EventKind.CLAIM).count() == 1


def test_orcid_through_oauth_matching_the_record_gives_l3():
    author = author_with_works(2, orcid="0000-0002-1825-0097")
    user = VerifiedUserFactory()
    SocialAccount.objects.create(user=user, provider="orcid", uid="0000-0002-1825-0097")
    claim = claims.claim_submit(user=user, author=author)
    author.refresh_from_db()
    assert claim.level == 3 and author.verification_level == 3
    summary = ClaimEvidence.objects.get(claim=claim, kind="orcid_oauth").summary
    assert summary.startswith("ORCID 0000-0002-1825-0097 authenticated ")


def test_orcid_that_differs_from_the_records_orcid_does_not_corroborate():
    author = author_with_works(2, orcid="0000-0002-1825-0097")
    user = VerifiedUserFactory()
    SocialAccount.objects.create(user=user, provider="orcid", uid="0000-0001-5109-3700")
    claim = claims.claim_submit(user=user, author=author)
    assert claim.level == 2


def test_typed_in_orcid_is_kept_as_a_statement_worth_no_level():
    user = VerifiedUserFactory()
    claim = claims.claim_submit(user=user, author=author_with_works(1, orcid="0000-0002-1825-0097"),
                                evidence=[{"kind": "statement", "value": "My ORCID is 0000-0002-1825-0097"}])
    assert claim.level == 2
    assert ClaimEvidence.objects.get(claim=claim, kind="statement").level == 0


def test_institutional_email_matching_an_affiliation_gives_l3():
    author = author_with_works(2, affiliation="Meta AI, Menlo Park")
    user = VerifiedUserFactory(email="zechun@meta.com")
    claim = claims.claim_submit(user=user, author=author)
    assert claim.level == 3
    assert ClaimEvidence.objects.get(claim=claim, kind="email_affiliation").summary == (
        "email at meta.com matches affiliation Meta AI, Menlo Park")


def test_institution_name_on_claimed_papers_counts_as_an_affiliation():
    inst = InstitutionFactory(name="Stanford University", key="stanford university")
    author = author_with_works(1, institution=inst)
    claim = claims.claim_submit(user=VerifiedUserFactory(email="ada@cs.stanford.edu"), author=author)
    assert claim.level == 3


def test_webmail_never_matches_an_affiliation():
    assert match_email_to_affiliations("someone@gmail.com", ["Google DeepMind", "Gmail Research"]) is None


@pytest.mark.parametrize(("email", "affiliation", "expected"), [
    ("a@meta.com", "Meta AI", True),
    ("a@cs.stanford.edu", "Stanford University", True),
    ("a@mit.edu", "Massachusetts Institute of Technology", True),
    ("a@ethz.ch", "ETH Zürich", True),
    ("a@uni-tuebingen.de", "Universität Tübingen", True),
    ("a@tuebingen.mpg.de", "MPI for Intelligent Systems, Tübingen", True),
    ("a@ox.ac.uk", "University of Oxford", True),
    ("a@ox.ac.uk", "Oxford Instruments", False),
    ("a@meta.com", "Metabolic Institute", False),
    ("a@tsinghua.edu.cn", "Tsinghua University", True),
])
def test_email_domain_matches_affiliation_sensibly(email, affiliation, expected):
    assert (match_email_to_affiliations(email, [affiliation]) is not None) is expected


def test_registrable_domains_skip_department_subdomains_and_keep_public_suffixes():
    assert registrable_domain("cs.stanford.edu") == "stanford.edu"
    assert registrable_domain("ox.ac.uk") == "ox.ac.uk"
    assert match_email_to_affiliations("a@andrew.cmu.edu", ["Carnegie Mellon University"])


def test_two_l3_coauthors_vouching_lift_a_claim_to_l3():
    target = author_with_works(0)
    claim = claims.claim_submit(user=VerifiedUserFactory(), author=_with_paper(target))
    paper = target.authorships.first().paper
    for i in range(2):
        voucher = VerifiedUserFactory()
        record = AuthorFactory(owner=voucher, claim_state="claimed", verification_level=3)
        AuthorshipFactory(paper=paper, author=record, position=10 + i)
        claims.vouch_create(user=voucher, author=target)
    claim.refresh_from_db()
    target.refresh_from_db()
    assert claim.level == 3 and target.verification_level == 3
    assert "vouched for by 2 L3 coauthors" in ClaimEvidence.objects.get(claim=claim, kind="coauthor_vouches").summary


def test_vouching_needs_a_shared_paper():
    target = author_with_works(1)
    claims.claim_submit(user=VerifiedUserFactory(), author=target)
    voucher = VerifiedUserFactory()
    _with_paper(AuthorFactory(owner=voucher, claim_state="claimed", verification_level=3))
    with pytest.raises(NotAllowed, match="coauthors"):
        claims.vouch_create(user=voucher, author=target)


def test_unticked_works_split_off_to_a_new_numbered_record():
    author = author_with_works(3, display_name="Grace Hopper")
    first, *rest = list(author.authorships.order_by("id"))
    before = author.data_changed_at
    claims.claim_submit(user=VerifiedUserFactory(), author=author, authorship_ids=[first.pk])
    author.refresh_from_db()
    split = Author.objects.get(slug="grace-hopper-2")
    assert split.display_name == "Grace Hopper" and split.owner is None
    assert set(split.authorships.values_list("pk", flat=True)) == {a.pk for a in rest}
    assert author.works_count == 1 and split.works_count == 2
    assert author.data_changed_at > before and split.data_changed_at > before
    event = IdentityEvent.objects.get(author=author, kind=EventKind.SPLIT)
    assert event.other_author == split and sorted(event.payload["moves"][0]["ids"]) == sorted(a.pk for a in rest)


def test_second_split_takes_the_next_free_number():
    AuthorFactory(display_name="Grace Hopper", slug="grace-hopper-2")
    author = author_with_works(2, display_name="Grace Hopper")
    keep = author.authorships.order_by("id").first()
    claims.claim_submit(user=VerifiedUserFactory(), author=author, authorship_ids=[keep.pk])
    assert Author.objects.filter(slug="grace-hopper-3", works_count=1).exists()


def test_unticked_works_can_go_to_another_existing_unclaimed_record_once_a_moderator_approves():
    from researchers.models import IdentityChangeRequest
    from researchers.services.identity_requests import identity_request_approve

    author = author_with_works(2)
    other = author_with_works(1)
    keep, moved = list(author.authorships.order_by("id"))
    claims.claim_submit(user=VerifiedUserFactory(), author=author, authorship_ids=[keep.pk], split_target=other)
    assert Authorship.objects.get(pk=moved.pk).author_id == author.pk
    identity_request_approve(moderator=ModeratorFactory(), request=IdentityChangeRequest.objects.get(author=author))
    other.refresh_from_db()
    assert other.works_count == 2 and Authorship.objects.get(pk=moved.pk).author_id == other.pk


def test_works_cannot_be_split_onto_someone_elses_record():
    owned = author_with_works(1)
    claims.claim_submit(user=VerifiedUserFactory(), author=owned)
    author = author_with_works(2)
    keep = author.authorships.first()
    with pytest.raises(NotAllowed, match="owned by someone else"):
        claims.claim_submit(user=VerifiedUserFactory(), author=author, authorship_ids=[keep.pk], split_target=owned)
    assert not Claim.objects.filter(author=author).exists()


def test_claiming_works_of_another_record_is_refused_and_changes_nothing():
    author = author_with_works(1)
    stranger = AuthorshipFactory()
    with pytest.raises(ServiceError, match="not one of this record's works"):
        claims.claim_submit(user=VerifiedUserFactory(), author=author, authorship_ids=[stranger.pk])
    assert not Claim.objects.exists()


def test_owner_can_unclaim_and_the_record_returns_to_l1():
    author = author_with_works(2)
    user = VerifiedUserFactory()
    claim = claims.claim_submit(user=user, author=author)
    claims.claim_unclaim(actor=user, claim=claim)
    author.refresh_from_db()
    assert (author.owner, author.claim_state, author.verification_level) == (None, "unclaimed", 1)
    assert set(author.authorships.values_list("attribution", flat=True)) == {"name"}


def test_moderator_approval_is_evidence_for_l4():
    author = author_with_works(1)
    claim = claims.claim_submit(user=VerifiedUserFactory(), author=author)
    claims.claim_approve(moderator=ModeratorFactory(), claim=claim)
    author.refresh_from_db()
    assert author.verification_level == 4
    assert ClaimEvidence.objects.get(claim=claim, kind="moderator_review").summary.startswith(
        "reviewed and approved by a moderator")


def test_non_moderator_cannot_approve():
    claim = claims.claim_submit(user=VerifiedUserFactory(), author=author_with_works(1))
    with pytest.raises(NotAllowed):
        claims.claim_approve(moderator=VerifiedUserFactory(is_staff=True), claim=claim)


def test_rejected_claimant_can_appeal_once_with_new_evidence():
    author = author_with_works(1)
    user = VerifiedUserFactory()
    claim = claims.claim_submit(user=user, author=author, statement="It's me")
    moderator = ModeratorFactory()
    claims.claim_reject(moderator=moderator, claim=claim, note="No evidence")
    author.refresh_from_db()
    assert author.owner is None and author.claim_state == "unclaimed"
    with pytest.raises(NotAllowed, match="appeal once"):
        claims.claim_submit(user=user, author=author)
    with pytest.raises(ServiceError, match="new evidence"):
        claims.claim_appeal(user=user, claim=claim, statement="It's me")
    appeal = claims.claim_appeal(user=user, claim=claim, evidence=[{"kind": "link", "value": "https://example.org/cv"}])
    assert appeal.status == ClaimStatus.PENDING and appeal.appeal_of == claim
    with pytest.raises(Conflict, match="already appealed"):
        claims.claim_appeal(user=user, claim=claim, statement="Please")
    claims.claim_approve(moderator=moderator, claim=appeal)
    author.refresh_from_db()
    assert author.owner == user and author.verification_level == 4


def test_approved_appeal_splits_off_the_works_the_claimant_marked_not_me():
    # The first claim met an owner, so it became a dispute and split nothing; the owner kept the
    # record, later let it go, and the appeal then waited for a moderator with no one to dispute.
    author = author_with_works(3)
    owner, user, moderator = VerifiedUserFactory(), VerifiedUserFactory(), ModeratorFactory()
    owning = claims.claim_submit(user=owner, author=author)
    keep, *not_mine = author.authorships.order_by("pk")
    challenge = claims.claim_submit(user=user, author=author, authorship_ids=[keep.pk])
    claims.dispute_resolve(moderator=moderator, dispute=challenge.dispute, outcome="uphold")
    claims.claim_unclaim(actor=owner, claim=owning)
    later = AuthorshipFactory(author=author)  # imported after the claim: the claimant never judged it
    appeal = claims.claim_appeal(user=user, claim=challenge, statement="My thesis is linked from my CV")

    claims.claim_approve(moderator=moderator, claim=appeal)

    author.refresh_from_db()
    assert author.owner == user and author.claim_state == "claimed"
    assert set(author.authorships.values_list("pk", flat=True)) == {keep.pk, later.pk}
    split = Author.objects.get(authorships=not_mine[0])
    assert split.pk != author.pk and split.owner is None
    assert set(split.authorships.values_list("pk", flat=True)) == {a.pk for a in not_mine}
    assert author.works_count == 2 and split.works_count == 2


def test_owner_accepts_pending_name_matches_from_the_inbox():
    author = author_with_works(1)
    user = VerifiedUserFactory()
    claims.claim_submit(user=user, author=author)
    pending = AuthorshipFactory(author=author, attribution="pending")
    author.refresh_from_db()
    assert author.works_count == 1
    assert claims.pending_authorships_accept(user=user, author=author, authorship_ids=[pending.pk]) == 1
    author.refresh_from_db()
    assert author.works_count == 2
    assert Authorship.objects.get(pk=pending.pk).attribution == "owner"


def test_owner_marks_a_pending_match_not_me_and_it_splits_off():
    author = author_with_works(1, display_name="Alan Turing")
    user = VerifiedUserFactory()
    claims.claim_submit(user=user, author=author)
    pending = AuthorshipFactory(author=author, attribution="pending")
    new = claims.authorships_split(actor=user, author=author, authorship_ids=[pending.pk])
    assert new.slug == "alan-turing-2" and Authorship.objects.get(pk=pending.pk).author_id == new.pk


def test_merge_moves_every_work_and_marks_the_source_merged():
    target = author_with_works(2)
    source = author_with_works(3)
    claims.author_merge(actor=ModeratorFactory(), source=source, target=target)
    source.refresh_from_db()
    target.refresh_from_db()
    assert target.works_count == 5 and source.works_count == 0 and source.merged_into == target
    assert IdentityEvent.objects.filter(author=target, kind=EventKind.MERGE, other_author=source).exists()


def test_close_collaborator_counts_follow_a_split():
    author = author_with_works(0)
    coauthor = AuthorFactory()
    for i in range(2):
        paper = PaperFactory()
        AuthorshipFactory(paper=paper, author=author, position=0)
        AuthorshipFactory(paper=paper, author=coauthor, position=1)
    keep = author.authorships.order_by("id").first()
    claims.claim_submit(user=VerifiedUserFactory(), author=author, authorship_ids=[keep.pk])
    author.refresh_from_db()
    coauthor.refresh_from_db()
    assert author.close_collaborators_count == 0 and coauthor.close_collaborators_count == 0


def test_claim_wizard_walks_papers_evidence_and_submit(client):
    author = author_with_works(2, display_name="Edsger Dijkstra")
    user = VerifiedUserFactory()
    client.force_login(user)
    url = reverse("researchers:claim", kwargs={"slug": author.slug})
    response = client.get(url)
    assert response.status_code == 200 and b"Not me" in response.content
    keep, drop = list(author.authorships.order_by("id"))
    response = client.post(url, {"mine": [keep.pk]})
    assert response.status_code == 302 and response["Location"].endswith("/claim/evidence/")
    response = client.post(response["Location"], {"statement": "My thesis is on this", "links": "https://example.org/me"})
    assert response.status_code == 302 and response["Location"].endswith("/claim/review/")
    assert b"1 of 2 works" in client.get(response["Location"]).content
    response = client.post(reverse("researchers:claim_review", kwargs={"slug": author.slug}))
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.owner == user
    assert Author.objects.get(slug="edsger-dijkstra-2").works_count == 1
    assert ClaimEvidence.objects.filter(kind="link", summary="https://example.org/me").exists()


def test_claim_wizard_asks_anonymous_visitors_to_log_in(client):
    author = author_with_works(1)
    response = client.get(reverse("researchers:claim", kwargs={"slug": author.slug}))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_history_page_lists_events(client):
    author = author_with_works(1)
    claims.claim_submit(user=VerifiedUserFactory(), author=author)
    response = client.get(reverse("researchers:history", kwargs={"slug": author.slug}))
    assert response.status_code == 200 and b"Claimed with 1 work" in response.content


def _with_paper(author):
    AuthorshipFactory(author=author, position=0)
    return author


def test_claimed_profile_shows_level_evidence_within_the_query_budget(client, settings, django_assert_num_queries):
    from tests.query_budgets import PROFILE_QUERIES

    settings.PROFILE_PAGE_CACHE_SECONDS = 0  # the render's budget; a cached copy's: tests/test_profile_page_cache.py
    author = author_with_works(3, affiliation="Meta AI")
    owner = VerifiedUserFactory(email="zl@meta.com")
    claims.claim_submit(user=owner, author=author)
    url = author.get_absolute_url()
    client.get(url)
    # The anonymous budget plus one query: the owning claim's evidence.
    with django_assert_num_queries(PROFILE_QUERIES + 1):
        html = client.get(url).content.decode()
    assert "L3 · email at meta.com matches affiliation Meta AI · verified email at meta.com" in html
    client.force_login(VerifiedUserFactory())
    client.get(url)
    # Session, user, and one identity query carrying both the viewer state and the evidence.
    with django_assert_num_queries(PROFILE_QUERIES + 3):
        html = client.get(url).content.decode()
    assert 'data-verification-level="L3"' in html and "Open a dispute" in html
    assert PROFILE_QUERIES + 3 <= 12


def test_collab_panel_explains_each_missing_step(client):
    from researchers.services import collaboration, profile

    target = author_with_works(1)
    html = client.get(target.get_absolute_url()).content.decode()
    assert "Claim this author entity first to unlock direct invitations." in html
    owner = VerifiedUserFactory()
    claims.claim_submit(user=owner, author=target)
    html = client.get(target.get_absolute_url()).content.decode()
    assert "Log in with a claimed author record" in html
    viewer = VerifiedUserFactory()
    client.force_login(viewer)
    assert "Claim your own author record" in client.get(target.get_absolute_url()).content.decode()
    claims.claim_submit(user=viewer, author=author_with_works(1))
    assert "is not open to collaborate right now" in client.get(target.get_absolute_url()).content.decode()
    profile.author_profile_update(user=owner, author=target, open_to_collaborate=True)
    html = client.get(target.get_absolute_url()).content.decode()
    assert 'data-collab-state="ok"' in html and "Invite to collaborate" in html
    collaboration.invitation_send(sender=viewer, recipient_author=target, subject="s", message="m")
    assert "waiting for" in client.get(target.get_absolute_url()).content.decode()
    collaboration.block_create(user=owner, blocked_user_id=viewer.pk)
    assert "You can&#x27;t send invitations" in client.get(target.get_absolute_url()).content.decode()


def test_claim_panel_states(client):
    author = author_with_works(1)
    assert "Log in to claim" in client.get(author.get_absolute_url()).content.decode()
    user = VerifiedUserFactory()
    client.force_login(user)
    assert "Claim this record" in client.get(author.get_absolute_url()).content.decode()
    claim = claims.claim_submit(user=user, author=author)
    html = client.get(author.get_absolute_url()).content.decode()
    assert 'data-claim-panel="owner"' in html and "Edit profile" in html
    claims.claim_reject(moderator=ModeratorFactory(), claim=claim)
    html = client.get(author.get_absolute_url()).content.decode()
    assert 'data-claim-panel="rejected"' in html and "Appeal with new evidence" in html


def test_confirming_an_institutional_email_lifts_an_existing_claim_to_l3(django_capture_on_commit_callbacks):
    from allauth.account.models import EmailAddress
    from allauth.account.signals import email_confirmed

    author = author_with_works(1, affiliation="Stanford University")
    user = VerifiedUserFactory()
    claims.claim_submit(user=user, author=author)
    address = EmailAddress.objects.create(user=user, email="ada@stanford.edu", verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    author.refresh_from_db()
    assert author.verification_level == 3


def test_owner_merges_an_unclaimed_variant_record_from_my_records(client):
    target = author_with_works(1, display_name="Alan Kay")
    user = VerifiedUserFactory()
    claims.claim_submit(user=user, author=target)
    # Below L3 a merge waits for a moderator (tests/test_security_claims.py); at L3 it applies at once.
    Author.objects.filter(pk=target.pk).update(verification_level=3)
    author_with_works(2, display_name="A. Kay", slug="a-kay")
    client.force_login(user)
    assert b"Merge into this record" in client.get(reverse("me:home")).content
    response = client.post(reverse("researchers:merge", kwargs={"slug": target.slug}), {"source": "a-kay"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.works_count == 3 and set(target.authorships.values_list("attribution", flat=True)) == {"owner"}
    assert client.get("/researchers/a-kay/").status_code == 302
    other = author_with_works(1)
    claims.claim_submit(user=VerifiedUserFactory(), author=other)
    refused = client.post(reverse("researchers:merge", kwargs={"slug": target.slug}), {"source": other.slug})
    assert refused.status_code == 403


def test_review_inbox_page_accepts_and_splits_pending_matches(client):
    author = author_with_works(1, display_name="Frances Allen")
    user = VerifiedUserFactory()
    claims.claim_submit(user=user, author=author)
    mine = AuthorshipFactory(author=author, attribution="pending", paper=PaperFactory(title="Compiler optimisation"))
    theirs = AuthorshipFactory(author=author, attribution="pending", paper=PaperFactory(title="Marine biology"))
    client.force_login(user)
    page = client.get(reverse("me:review"))
    assert b"Compiler optimisation" in page.content and b"Marine biology" in page.content
    client.post(reverse("me:review"), {"author": author.pk, "authorship": [mine.pk], "action": "accept"})
    client.post(reverse("me:review"), {"author": author.pk, "authorship": [theirs.pk], "action": "not_me"})
    author.refresh_from_db()
    assert author.works_count == 2
    assert Authorship.objects.get(pk=theirs.pk).author.slug == "frances-allen-2"
    assert b"Nothing to review" in client.get(reverse("me:review")).content
