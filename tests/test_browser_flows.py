"""Claim, moderation, dispute, follow and collaboration flows in a real browser (Playwright + Chromium).

Each test saves screenshots under var/screenshots/ (claim-*, follow-*, collab-*).
"""

import re

import pytest
from django.core import mail

from researchers.models import Author, Claim
from researchers.services import claims, profile
from tests.browser import log_in
from tests.factories import ModeratorFactory, VerifiedUserFactory, author_with_works

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]



@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = False


def walk_claim_wizard(page, submit_label, screenshot=None, prefix="claim-wizard"):
    page.get_by_role("link", name=re.compile(r"Claim this record|Open a dispute")).first.click()
    page.wait_for_url(re.compile(r"/claim/$"))
    if screenshot:
        screenshot(page, f"{prefix}-1-papers")
    page.get_by_role("button", name="Next: add evidence").click()
    page.wait_for_url(re.compile(r"/claim/evidence/$"))
    if screenshot:
        screenshot(page, f"{prefix}-2-evidence")
    page.get_by_role("button", name="Next: review and submit").click()
    page.wait_for_url(re.compile(r"/claim/review/$"))
    if screenshot:
        screenshot(page, f"{prefix}-3-review")
    page.get_by_role("button", name=submit_label).click()


def test_sign_up_claim_see_l2_then_moderator_approves_to_l4_then_a_second_claim_disputes(
    live_server, page, browser, screenshot
):
    author = author_with_works(3, display_name="Zechun Liu", slug="zechun-liu")
    # Sign up and verify the email from the locmem outbox.
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Email").fill("zechun@example.org")
    page.get_by_label("Password", exact=True).fill("a-Long-unusual-passphrase-42")
    page.get_by_label("Password (again)").fill("a-Long-unusual-passphrase-42")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(live_server.url + "/")

    # Claim the record through the wizard.
    page.goto(live_server.url + author.get_absolute_url())
    walk_claim_wizard(page, "Submit claim", screenshot)
    page.wait_for_url(live_server.url + author.get_absolute_url())
    snapshot = page.locator("[data-verification-level]")
    assert snapshot.get_attribute("data-verification-level") == "L2"
    assert page.get_by_text("Verification L2").first.is_visible()
    screenshot(page, "claim-l2")

    # A moderator approves it in the admin moderation queue.
    moderator = ModeratorFactory()
    claim = Claim.objects.get(author=author)
    mod_context = browser.new_context(viewport={"width": 1280, "height": 900})
    mod_page = mod_context.new_page()
    mod_page.set_default_timeout(15_000)
    try:
        log_in(mod_page, live_server, moderator)
        mod_page.goto(live_server.url + "/admin/researchers/claim/")
        mod_page.locator(f'input[name="_selected_action"][value="{claim.pk}"]').check()
        mod_page.locator('select[name="action"]').select_option("approve")
        mod_page.get_by_role("button", name="Go").click()
        mod_page.get_by_text("1 claim(s) approved.").wait_for()
        screenshot(mod_page, "claim-moderation-queue")
    finally:
        mod_context.close()
    page.goto(live_server.url + author.get_absolute_url())
    assert page.locator("[data-verification-level]").get_attribute("data-verification-level") == "L4"
    assert page.get_by_text("Verification L4").first.is_visible()
    screenshot(page, "claim-l4")

    # A second user claims the owned record: a dispute opens and shows publicly.
    rival = VerifiedUserFactory()
    rival_context = browser.new_context(viewport={"width": 1280, "height": 900})
    rival_page = rival_context.new_page()
    rival_page.set_default_timeout(15_000)
    try:
        log_in(rival_page, live_server, rival, author.get_absolute_url())
        walk_claim_wizard(rival_page, "Submit and open a dispute", screenshot, "claim-dispute-wizard")
        rival_page.wait_for_url(live_server.url + author.get_absolute_url())
        assert rival_page.get_by_text("opened a dispute").first.is_visible()
    finally:
        rival_context.close()
    page.context.clear_cookies()
    page.goto(live_server.url + author.get_absolute_url())
    assert page.locator("[data-claim-state]").first.get_attribute("data-claim-state") == "disputed"
    assert page.get_by_text(re.compile("under review", re.I)).first.is_visible()
    screenshot(page, "claim-dispute-public")
    assert Author.objects.get(pk=author.pk).claim_state == "disputed"


def test_follow_updates_the_count_without_a_reload(live_server, page, screenshot):
    author = author_with_works(1, display_name="Vikas Chandra", slug="vikas-chandra")
    user = VerifiedUserFactory()
    log_in(page, live_server, user, author.get_absolute_url())
    count = page.locator("[data-follower-count]").first
    assert count.inner_text().strip() == "0"
    page.evaluate("window.__noReload = 'still here'")
    page.get_by_role("button", name=re.compile(r"^Follow")).first.click()
    page.locator("[data-follower-count]", has_text="1").first.wait_for()
    assert page.evaluate("window.__noReload") == "still here"
    assert page.get_by_role("button", name=re.compile(r"^Following")).first.is_visible()
    screenshot(page, "follow-after-click")
    page.get_by_role("button", name=re.compile(r"^Following")).first.click()
    page.locator("[data-follower-count]", has_text="0").first.wait_for()
    assert page.evaluate("window.__noReload") == "still here"
    assert Author.objects.get(pk=author.pk).followers_count == 0


def test_invitation_between_claimed_users_is_accepted_and_a_message_exchanged(live_server, browser, screenshot):
    alice, alice_rec = VerifiedUserFactory(), author_with_works(1, display_name="Alice Researcher")
    bob, bob_rec = VerifiedUserFactory(), author_with_works(1, display_name="Bob Researcher")
    for user, record in ((alice, alice_rec), (bob, bob_rec)):
        claims.claim_submit(user=user, author=record)
        profile.author_profile_update(user=user, author=record, open_to_collaborate=True)

    alice_context = browser.new_context(viewport={"width": 1280, "height": 900})
    bob_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        a = alice_context.new_page()
        a.set_default_timeout(15_000)
        log_in(a, live_server, alice, bob_rec.get_absolute_url())
        a.get_by_role("link", name="Invite to collaborate").click()
        a.get_by_label("Subject").fill("Binary transformers")
        a.get_by_label("Message").fill("Would you like to work on 1-bit attention with us?")
        screenshot(a, "collab-invite-form")
        a.get_by_role("button", name="Send invitation").click()
        a.wait_for_url(live_server.url + bob_rec.get_absolute_url())
        assert a.get_by_text("Invitation sent").first.is_visible()

        b = bob_context.new_page()
        b.set_default_timeout(15_000)
        log_in(b, live_server, bob, "/me/invitations")
        assert b.get_by_text("Binary transformers").first.is_visible()
        screenshot(b, "collab-invitations")
        b.get_by_role("button", name="Accept").click()
        b.wait_for_url(re.compile(r"/me/conversations/\d+/$"))
        b.get_by_label("Your message").fill("Yes! Let's start next week.")
        b.get_by_role("button", name="Send").click()
        b.locator("#thread").get_by_text("Yes! Let's start next week.").wait_for()
        screenshot(b, "collab-conversation-bob")

        a.goto(b.url)
        assert a.get_by_text("Yes! Let's start next week.").first.is_visible()
        a.get_by_label("Your message").fill("Great, I'll send a draft.")
        a.get_by_role("button", name="Send").click()
        a.locator("#thread").get_by_text("Great, I'll send a draft.").wait_for()
        screenshot(a, "collab-conversation-alice")
    finally:
        alice_context.close()
        bob_context.close()
    assert any("New message" in m.subject for m in mail.outbox)
