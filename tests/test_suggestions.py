"""“Are these yours?”: records and papers near an owner's record, each with a reason; answers become constraints."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from papers.models import Authorship, Paper
from researchers.models import Author, ConstraintKind, EventKind, IdentityConstraint, IdentityEvent
from researchers.suggestion_selectors import suggestions_for_record
from tests.factories import (
    AuthorFactory,
    AuthorshipFactory,
    InstitutionFactory,
    PaperFactory,
    VerifiedUserFactory,
)

pytestmark = pytest.mark.django_db


def paper(*authors, year=2024, categories=("cs.LG",), institution=None):
    """One paper whose byline is exactly `authors`; the first author's slot gets `institution`."""
    p = PaperFactory(submitted=timezone.now().replace(year=year, month=6, day=1), year=year,
                     categories=list(categories), primary_category=categories[0])
    slots = [AuthorshipFactory(paper=p, author=a, position=i, institution=institution if i == 0 else None)
             for i, a in enumerate(authors)]
    Paper.objects.filter(pk=p.pk).update(authors_count=len(authors))
    return slots[0]


@pytest.fixture
def world():
    """Nathaniel F. Reed owns his record; his block holds a variant, a namesake and two neighbours."""
    owner = VerifiedUserFactory()
    mit = InstitutionFactory(name="MIT")
    xu = AuthorFactory(display_name="Xu Coauthor", slug="xu-coauthor")
    me = AuthorFactory(display_name="Nathaniel F. Reed", slug="nathaniel-f-reed", owner=owner, claim_state="claimed",
                       name_variants=["Nathaniel F. Reed", "N. Reed"])
    paper(me, xu, year=2024, institution=mit)
    paper(me, xu, year=2025, institution=mit)
    unsure = paper(me, year=2023, categories=("math.AG",))
    Authorship.objects.filter(pk=unsure.pk).update(confidence=0.2, evidence="math.AG")
    # Same block, shares a coauthor and the institution: very likely him.
    near = AuthorFactory(display_name="Nathaniel Reed", slug="nathaniel-reed")
    paper(near, xu, year=2025, institution=mit)
    # Another spelling of his name.
    variant = AuthorFactory(display_name="N. Reed", slug="n-reed", name_variants=["N. Reed"])
    paper(variant, year=2024)
    # A mixed record: one work with his coauthor, two of somebody else's.
    mixed = AuthorFactory(display_name="Nathan Reed", slug="nathan-reed")
    close_work = paper(mixed, xu, year=2024)
    paper(mixed, year=2001, categories=("hep-th",))
    paper(mixed, year=2002, categories=("hep-th",))
    # Same block, nothing in common: a namesake.
    namesake = AuthorFactory(display_name="Nina Reed", slug="nina-reed")
    paper(namesake, year=2001, categories=("hep-th",))
    # Owned by someone else: never offered.
    taken = AuthorFactory(display_name="Nat Reed", slug="nat-reed", owner=VerifiedUserFactory(), claim_state="claimed")
    paper(taken, xu, year=2025, institution=mit)
    return {"owner": owner, "me": me, "near": near, "variant": variant, "mixed": mixed, "close_work": close_work,
            "namesake": namesake, "taken": taken, "unsure": unsure}


def test_records_near_the_owners_record_come_first_with_their_reasons(world):
    s = suggestions_for_record(author=world["me"], user=world["owner"])
    records = {r.author.slug: r for r in s.records}
    assert list(records) == ["nathaniel-reed", "n-reed"]
    assert records["nathaniel-reed"].reason == "1 shared coauthor · same institution · cs.LG · overlapping years"
    assert "also written “N. Reed”" in records["n-reed"].reason
    assert s.block == "n reed"


def test_a_mixed_record_offers_only_its_close_work_and_namesakes_or_owned_records_never_show(world):
    s = suggestions_for_record(author=world["me"], user=world["owner"])
    assert [p.authorship_id for p in s.papers] == [world["close_work"].pk]
    assert s.papers[0].on_author.slug == "nathan-reed" and s.papers[0].reason.startswith("1 shared coauthor")
    slugs = {r.author.slug for r in s.records} | {p.on_author.slug for p in s.papers}
    assert not slugs & {"nina-reed", "nat-reed"}


def test_the_owners_own_low_confidence_works_are_offered_with_the_models_evidence(world):
    s = suggestions_for_record(author=world["me"], user=world["owner"])
    assert [u.authorship_id for u in s.uncertain] == [world["unsure"].pk]
    assert s.uncertain[0].reason == "Model confidence 20%: math.AG"


def test_the_suggestions_cost_three_queries_whatever_the_block(world, django_assert_num_queries):
    for i in range(20):
        paper(AuthorFactory(display_name=f"Noah Reed{i}", slug=f"noah-reed-{i}", initials_key="reed|n"), year=2024)
    # query 1: the block's candidate records; 2: their evidence, aggregated in SQL; 3: own uncertain works
    with django_assert_num_queries(3):
        suggestions_for_record(author=world["me"], user=world["owner"])


def test_in_a_block_larger_than_the_cap_records_sharing_a_coauthor_are_still_found(world, monkeypatch):
    from researchers import suggestion_selectors

    monkeypatch.setattr(suggestion_selectors, "MAX_CANDIDATE_RECORDS", 2)
    for i in range(3):  # bigger records with nothing in common take the "largest first" places
        big = AuthorFactory(display_name=f"Ned Reed{i}", slug=f"ned-reed-{i}", initials_key="reed|n", works_count=50)
        paper(big, year=2001, categories=("hep-th",))
    s = suggestions_for_record(author=world["me"], user=world["owner"])
    assert "nathaniel-reed" in {r.author.slug for r in s.records}


def _post(client, url):
    return client.post(url, HTTP_HX_REQUEST="true")


def _paper_url(world, authorship, action):
    return reverse("researchers:suggestion_paper", args=[world["me"].slug, authorship.pk, action])


def _record_url(world, other, action):
    return reverse("researchers:suggestion_record", args=[world["me"].slug, other.slug, action])


def test_accepting_a_paper_moves_it_to_the_owners_record_as_a_must_link(client, world):
    client.force_login(world["owner"])
    response = _post(client, _paper_url(world, world["close_work"], "accept"))
    assert response.status_code == 200 and 'data-answered="accept"' in response.content.decode()
    slot = Authorship.objects.get(pk=world["close_work"].pk)
    assert (slot.author_id, slot.attribution) == (world["me"].pk, "owner")
    constraint = IdentityConstraint.objects.get(authorship=slot)
    assert (constraint.author_id, constraint.kind, constraint.created_by_id) == (
        world["me"].pk, ConstraintKind.MUST, world["owner"].pk)
    assert Author.objects.get(pk=world["me"].pk).works_count == 4
    assert Author.objects.get(pk=world["mixed"].pk).works_count == 2
    event = IdentityEvent.objects.get(kind=EventKind.ACCEPT)
    assert event.other_author_id == world["mixed"].pk and event.payload["moves"][0]["ids"] == [slot.pk]


def test_rejecting_a_paper_records_a_cannot_link_and_it_is_not_suggested_again(client, world):
    client.force_login(world["owner"])
    assert _post(client, _paper_url(world, world["close_work"], "reject")).status_code == 200
    assert Authorship.objects.get(pk=world["close_work"].pk).author_id == world["mixed"].pk
    assert IdentityConstraint.objects.get(authorship=world["close_work"]).kind == ConstraintKind.CANNOT
    assert not suggestions_for_record(author=world["me"], user=world["owner"]).papers


def test_rejecting_an_own_uncertain_work_splits_it_off_and_keeps_it_off(client, world):
    client.force_login(world["owner"])
    response = _post(client, _paper_url(world, world["unsure"], "reject"))
    assert "moved to Nathaniel F. Reed (nathaniel-f-reed-2)" in response.content.decode()
    assert Authorship.objects.get(pk=world["unsure"].pk).author.slug == "nathaniel-f-reed-2"
    constraint = IdentityConstraint.objects.get(authorship=world["unsure"])
    assert (constraint.author_id, constraint.kind) == (world["me"].pk, ConstraintKind.CANNOT)
    assert not suggestions_for_record(author=world["me"], user=world["owner"]).uncertain


def test_accepting_an_own_uncertain_work_confirms_it_as_the_owners(client, world):
    client.force_login(world["owner"])
    assert _post(client, _paper_url(world, world["unsure"], "accept")).status_code == 200
    slot = Authorship.objects.get(pk=world["unsure"].pk)
    assert (slot.author_id, slot.attribution) == (world["me"].pk, "owner")
    assert IdentityConstraint.objects.get(authorship=slot).kind == ConstraintKind.MUST


def test_a_moderators_revert_of_an_accept_withdraws_the_must_link_and_its_revert_brings_it_back(client, world):
    from researchers.services import claims
    from tests.factories import ModeratorFactory

    client.force_login(world["owner"])
    _post(client, _paper_url(world, world["close_work"], "accept"))
    moderator = ModeratorFactory()
    claims.identity_event_revert(moderator=moderator, event=IdentityEvent.objects.get(kind=EventKind.ACCEPT))
    assert Authorship.objects.get(pk=world["close_work"].pk).author_id == world["mixed"].pk
    assert not IdentityConstraint.objects.exists()  # the engine will not pull it back over the moderator
    claims.identity_event_revert(moderator=moderator, event=IdentityEvent.objects.get(kind=EventKind.REVERT))
    assert Authorship.objects.get(pk=world["close_work"].pk).author_id == world["me"].pk
    assert IdentityConstraint.objects.get(authorship=world["close_work"]).kind == ConstraintKind.MUST


def test_a_moderators_revert_of_a_not_me_split_withdraws_the_cannot_link(client, world):
    from researchers.services import claims
    from tests.factories import ModeratorFactory

    client.force_login(world["owner"])
    _post(client, _paper_url(world, world["unsure"], "reject"))
    split = IdentityEvent.objects.get(kind=EventKind.SPLIT)
    assert IdentityConstraint.objects.get(authorship=world["unsure"]).event_id == split.pk
    claims.identity_event_revert(moderator=ModeratorFactory(), event=split)
    assert Authorship.objects.get(pk=world["unsure"].pk).author_id == world["me"].pk
    assert not IdentityConstraint.objects.exists()


def test_accepting_a_record_goes_through_the_merge_service(client, world):
    # An L3 owner: merges below L3 may wait for a moderator, and that rule is author_merge's to apply.
    Author.objects.filter(pk=world["me"].pk).update(verification_level=3)
    client.force_login(world["owner"])
    response = _post(client, _record_url(world, world["near"], "accept"))
    assert response.status_code == 200 and "merged into your record" in response.content.decode()
    near = Author.objects.get(pk=world["near"].pk)
    assert near.merged_into_id == world["me"].pk
    assert IdentityEvent.objects.filter(kind=EventKind.MERGE, other_author=near).exists()
    # The merged work is the owner's now (must-link); the fixture's own works stay name matches.
    assert list(Authorship.objects.filter(author=world["me"], attribution="owner").values_list("author_id", flat=True)
                ) == [world["me"].pk]


def test_rejecting_a_record_rules_out_every_work_it_holds(client, world):
    client.force_login(world["owner"])
    assert _post(client, _record_url(world, world["near"], "reject")).status_code == 200
    rows = IdentityConstraint.objects.filter(author=world["me"], other_author=world["near"])
    assert rows.count() == 1 and {r.kind for r in rows} == {ConstraintKind.CANNOT}
    s = suggestions_for_record(author=world["me"], user=world["owner"])
    assert "nathaniel-reed" not in {r.author.slug for r in s.records}


def test_only_the_owner_answers_and_the_answer_needs_the_csrf_token(world):
    other = Client()
    other.force_login(VerifiedUserFactory())
    assert _post(other, _paper_url(world, world["close_work"], "accept")).status_code == 403
    assert Authorship.objects.get(pk=world["close_work"].pk).author_id == world["mixed"].pk
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["owner"])
    assert _post(strict, _paper_url(world, world["close_work"], "accept")).status_code == 403
    assert not IdentityConstraint.objects.exists()


def test_a_plain_form_post_answers_and_redirects_back(client, world):
    client.force_login(world["owner"])
    url = _paper_url(world, world["close_work"], "reject")
    response = client.post(url, {"next": "/me/"})
    assert response.status_code == 302 and response["Location"] == "/me/"


def test_after_claiming_the_wizard_asks_are_these_yours(client):
    user = VerifiedUserFactory()
    xu = AuthorFactory(display_name="Xu Coauthor", slug="xu-coauthor")
    mine = AuthorFactory(display_name="Ana Ruiz", slug="ana-ruiz")
    paper(mine, xu, year=2024)
    other = AuthorFactory(display_name="A. Ruiz", slug="a-ruiz")
    paper(other, xu, year=2024)
    client.force_login(user)
    claim = reverse("researchers:claim", kwargs={"slug": mine.slug})
    client.post(claim, {"mine": list(mine.authorships.values_list("pk", flat=True))})
    client.post(reverse("researchers:claim_evidence", kwargs={"slug": mine.slug}), {"statement": ""})
    response = client.post(reverse("researchers:claim_review", kwargs={"slug": mine.slug}))
    assert response["Location"] == reverse("researchers:claim_suggestions", kwargs={"slug": mine.slug})
    html = client.get(response["Location"]).content.decode()
    assert "4 · Are these yours?" in html and 'data-slug="a-ruiz"' in html and "1 shared coauthor" in html


def test_the_wizard_goes_straight_to_the_profile_when_there_is_nothing_to_suggest(client):
    user = VerifiedUserFactory()
    mine = AuthorFactory(display_name="Solo Writer", slug="solo-writer")
    paper(mine)
    client.force_login(user)
    client.post(reverse("researchers:claim", kwargs={"slug": mine.slug}),
                {"mine": list(mine.authorships.values_list("pk", flat=True))})
    client.post(reverse("researchers:claim_evidence", kwargs={"slug": mine.slug}), {"statement": ""})
    response = client.post(reverse("researchers:claim_review", kwargs={"slug": mine.slug}))
    assert response["Location"] == mine.get_absolute_url()


def test_my_page_loads_the_panel_lazily_and_the_panel_has_a_fixed_query_count(
    client, world, django_assert_num_queries
):
    client.force_login(world["owner"])
    html = client.get(reverse("me:home")).content.decode()
    panel_url = reverse("researchers:suggestions", kwargs={"slug": world["me"].slug})
    assert f'hx-get="{panel_url}"' in html
    client.get(panel_url)
    # session, user, the record; then the 3 suggestion queries (candidates, evidence, own uncertain works)
    with django_assert_num_queries(6):
        response = client.get(panel_url, HTTP_HX_REQUEST="true")
    assert re.search(r'data-suggestion="record" data-slug="nathaniel-reed"', response.content.decode())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_owner_answers_suggestions_on_my_page_without_leaving_it(live_server, page, world, screenshot):
    page.goto(f"{live_server.url}/accounts/login/?next=/me/")
    page.get_by_label("Email").fill(world["owner"].email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/me/$"))
    panel = page.locator('[data-suggestions="nathaniel-f-reed"]')
    paper_row = panel.locator(f'[data-authorship="{world["close_work"].pk}"]')
    paper_row.get_by_role("button", name="Yes, mine").click()
    page.locator(f'#suggestion-paper-{world["close_work"].pk}[data-answered="accept"]').wait_for()
    panel.locator('[data-slug="nathaniel-reed"]').get_by_role("button", name="Not me").click()
    page.locator(f'#suggestion-record-{world["near"].pk}[data-answered="reject"]').wait_for()
    screenshot(page, "suggestions-answered")
    assert page.url.endswith("/me/")  # answered in place, no navigation
    assert Authorship.objects.get(pk=world["close_work"].pk).author_id == world["me"].pk
    assert IdentityConstraint.objects.filter(author=world["me"], other_author=world["near"],
                                             kind=ConstraintKind.CANNOT).exists()
