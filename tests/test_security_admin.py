"""Staff powers and private content (issue 15, items 5 and 9).

Identity fields change only through the services (admin actions call them); moderators do not
read private invitation bodies; the report page shows only an invitation the viewer sent or got.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from researchers.models import Claim, IdentityEvent
from researchers.services import claims, collaboration, profile
from tests.factories import ModeratorFactory, UserFactory, VerifiedUserFactory, author_with_works

pytestmark = pytest.mark.django_db


def _claimed(open_to_collaborate=True):
    user = VerifiedUserFactory()
    author = author_with_works(1)
    claims.claim_submit(user=user, author=author)
    if open_to_collaborate:
        profile.author_profile_update(user=user, author=author, open_to_collaborate=True)
    author.refresh_from_db()
    return user, author


def _author_editor(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="researchers", codename__in=["change_author", "view_author"]))
    client.force_login(staff)
    return staff


# ---------------------------------------------------------------- item 5

def test_staff_with_change_author_cannot_set_owner_claim_state_merge_or_level(client):
    _author_editor(client)
    owner, record = _claimed(open_to_collaborate=False)
    stranger = UserFactory()
    other = author_with_works(1)
    url = reverse("admin:researchers_author_change", args=[record.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert not {"owner", "claim_state", "merged_into", "verification_level"} & set(form.fields)
    data = {name: form.initial.get(name, "") for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["name_variants"] = record.name_variants
    data.update(owner=stranger.pk, claim_state="unclaimed", merged_into=other.pk, verification_level=4)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record.refresh_from_db()
    assert (record.owner_id, record.claim_state, record.merged_into_id, record.verification_level) == (
        owner.pk, "claimed", None, 2)
    assert Claim.objects.get(author=record).status == "active"


def test_the_admin_unclaim_action_goes_through_the_service_and_logs_an_event(client):
    moderator = ModeratorFactory()
    moderator.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="researchers", codename__in=["change_author", "view_author"]))
    client.force_login(moderator)
    owner, record = _claimed(open_to_collaborate=False)
    client.post(reverse("admin:researchers_author_changelist"),
                {"action": "unclaim_records", "_selected_action": [record.pk]})
    record.refresh_from_db()
    assert record.owner_id is None and record.claim_state == "unclaimed"
    assert Claim.objects.get(author=record).status == "withdrawn"
    assert IdentityEvent.objects.filter(author=record, kind="unclaim", actor=moderator).exists()


def test_identity_actions_are_hidden_from_staff_who_are_not_moderators(client):
    _author_editor(client)
    page = client.get(reverse("admin:researchers_author_changelist"))
    assert page.status_code == 200
    assert "unclaim_records" not in page.content.decode()


def test_moderators_cannot_read_a_private_invitation_body(client):
    alice, _ = _claimed()
    bob, bob_rec = _claimed()
    invitation = collaboration.invitation_send(sender=alice, recipient_author=bob_rec, subject="Joint paper?",
                                               message="PRIVATE-BODY-7f3a: my unpublished result is ...")
    client.force_login(ModeratorFactory())
    listing = client.get(reverse("admin:researchers_invitation_changelist")).content.decode()
    detail = client.get(reverse("admin:researchers_invitation_change", args=[invitation.pk]))
    assert detail.status_code == 200
    assert "PRIVATE-BODY-7f3a" not in listing + detail.content.decode()


# ---------------------------------------------------------------- item 9

def test_the_report_page_shows_an_invitation_only_to_its_sender_and_recipient(client):
    alice, _ = _claimed()
    bob, bob_rec = _claimed()
    invitation = collaboration.invitation_send(sender=alice, recipient_author=bob_rec, subject="SECRET-SUBJECT-91",
                                               message="Hello")
    url = reverse("me:report", kwargs={"user_id": alice.pk}) + f"?invitation={invitation.pk}"
    client.force_login(VerifiedUserFactory())
    response = client.get(url)
    assert response.status_code == 404
    assert "SECRET-SUBJECT-91" not in response.content.decode()

    client.force_login(bob)
    assert "SECRET-SUBJECT-91" in client.get(url).content.decode()
    client.force_login(alice)
    assert client.get(url).status_code == 200


def test_a_non_numeric_invitation_id_is_a_404_not_a_500(client):
    alice, _ = _claimed()
    client.force_login(VerifiedUserFactory())
    assert client.get(reverse("me:report", kwargs={"user_id": alice.pk}) + "?invitation=abc").status_code == 404



def test_staff_cannot_forge_follows_or_vouches_in_the_admin(client):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="researchers",
        codename__in=["add_follow", "change_follow", "view_follow", "add_vouch", "change_vouch", "view_vouch"]))
    client.force_login(staff)
    assert client.get(reverse("admin:researchers_follow_add")).status_code == 403
    assert client.get(reverse("admin:researchers_vouch_add")).status_code == 403
