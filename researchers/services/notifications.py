"""Emails: the follow digest and collaboration notifications, each a subject/text/html template triple."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from papers.discovery.models import TopicFollow
from researchers.models import (
    DigestFrequency,
    DigestPreference,
    Follow,
    Invitation,
    Message,
)

from .profile import digest_unsubscribe_token

DIGEST_MAX_PAPERS = 50
DIGEST_PERIOD = {DigestFrequency.DAILY: timezone.timedelta(days=1), DigestFrequency.WEEKLY: timezone.timedelta(days=7)}


def _base_url():
    domain = getattr(settings, "SITE_URL", "") or f"http://{Site.objects.get_current().domain}"
    return domain.rstrip("/")


def send_templated(*, name, to, context, headers=None) -> None:
    """Render researchers/email/<name>_subject.txt, <name>.txt and <name>.html and send them."""
    context = {"base_url": _base_url(), **context}
    subject = " ".join(render_to_string(f"researchers/email/{name}_subject.txt", context).split())
    text = render_to_string(f"researchers/email/{name}.txt", context)
    html = render_to_string(f"researchers/email/{name}.html", context)
    mail = EmailMultiAlternatives(subject=subject, body=text, to=[to], headers=headers or {})
    mail.attach_alternative(html, "text/html")
    mail.send()


def digest_papers(*, user, since) -> QuerySet:
    """Papers new to BZPEER since `since` by researchers or on topics the user follows, newest first."""
    from papers.discovery.selectors import followed_papers_q
    from papers.models import Paper

    # Followed people and followed topics (discovery.TopicFollow) alike.
    return (
        Paper.objects.filter(followed_papers_q(user=user), created_at__gt=since, deleted=False)
        .only("id", "arxiv_id", "title", "submitted", "authors_count")
        .order_by("-submitted", "-id")
    )


@transaction.atomic
def digest_send(*, user_id, now=None) -> int:
    """Send one user's digest if it is due and has papers; returns the number of papers sent."""
    now = now or timezone.now()
    pref = DigestPreference.objects.select_for_update().filter(user_id=user_id).select_related("user").first()
    if pref is None or pref.frequency == DigestFrequency.OFF or not pref.user.email or not pref.user.is_active:
        return 0
    period = DIGEST_PERIOD[pref.frequency]
    if pref.last_sent_at and pref.last_sent_at > now - period + timezone.timedelta(minutes=30):
        return 0
    since = pref.last_sent_at or (now - period)
    papers = list(digest_papers(user=pref.user, since=since)[: DIGEST_MAX_PAPERS + 1])
    pref.last_sent_at = now
    pref.save(update_fields=["last_sent_at", "updated_at"])
    if not papers:
        return 0
    token = digest_unsubscribe_token(pref.user)
    unsubscribe = _base_url() + reverse("me:unsubscribe", kwargs={"token": token})
    send_templated(
        name="digest", to=pref.user.email,
        context={"papers": papers[:DIGEST_MAX_PAPERS], "more": len(papers) > DIGEST_MAX_PAPERS,
                 "frequency": pref.get_frequency_display().lower(), "unsubscribe_url": unsubscribe,
                 "since": since, "user": pref.user},
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )
    return len(papers[:DIGEST_MAX_PAPERS])


def digests_due(*, now=None) -> list[int]:
    """Ids of users whose digest is due now (set-based; the task fans out one job per id)."""
    now = now or timezone.now()
    ids = []
    for frequency, period in DIGEST_PERIOD.items():
        due = DigestPreference.objects.filter(frequency=frequency).filter(
            last_sent_at__isnull=True) | DigestPreference.objects.filter(
            frequency=frequency, last_sent_at__lte=now - period + timezone.timedelta(minutes=30))
        ids.extend(due.filter(Exists(Follow.objects.filter(user_id=OuterRef("user_id")))
                              | Exists(TopicFollow.objects.filter(user_id=OuterRef("user_id"))))
                   .values_list("user_id", flat=True))
    return sorted(set(ids))


def notify_invitation(*, invitation_id) -> None:
    """Email the recipient that an invitation arrived."""
    inv = Invitation.objects.select_related("recipient", "sender_author", "recipient_author").get(pk=invitation_id)
    if inv.recipient.email:
        send_templated(name="invitation", to=inv.recipient.email, context={
            "invitation": inv, "url": _base_url() + reverse("me:invitations")})


def notify_invitation_accepted(*, invitation_id) -> None:
    """Email the sender that the invitation was accepted, with a link to the conversation."""
    inv = Invitation.objects.select_related("sender", "recipient_author", "conversation").get(pk=invitation_id)
    if inv.sender.email:
        send_templated(name="invitation_accepted", to=inv.sender.email, context={
            "invitation": inv,
            "url": _base_url() + reverse("me:conversation", kwargs={"pk": inv.conversation.pk})})


def notify_message(*, message_id) -> bool:
    """Email the other participant about a new message unless they turned message emails off."""
    msg = Message.objects.select_related("conversation", "sender").get(pk=message_id)
    other_id = msg.conversation.other_participant_id(msg.sender)
    other = get_user_model().objects.filter(pk=other_id).first()
    pref = DigestPreference.objects.filter(user_id=other_id).first()
    if other is None or not other.email or (pref is not None and not pref.notify_messages):
        return False
    send_templated(name="message", to=other.email, context={
        "message": msg, "sender_name": _display_name(msg.sender),
        "url": _base_url() + reverse("me:conversation", kwargs={"pk": msg.conversation_id})})
    return True


def _display_name(user):
    from researchers.models import Author

    record = Author.objects.filter(owner=user).order_by("-verification_level", "id").first()
    return record.display_name if record else (user.get_full_name() or user.email.split("@")[0])


def notify_dispute_opened(*, dispute_id) -> bool:
    """Tell the current owner that their record is under review, and what happens next."""
    from researchers.models import Dispute

    dispute = Dispute.objects.select_related("author", "incumbent_claim__user").get(pk=dispute_id)
    owner = dispute.incumbent_claim.user if dispute.incumbent_claim else None
    if owner is None or not owner.email:
        return False
    send_templated(name="dispute_opened", to=owner.email, context={
        "dispute": dispute, "author": dispute.author,
        "url": _base_url() + dispute.author.get_absolute_url()})
    return True


def notify_claim_reviewed(*, claim_id) -> bool:
    """Tell a claimant a moderator's decision; a rejection links to the one appeal."""
    from researchers.models import Claim

    claim = Claim.objects.select_related("author", "user").get(pk=claim_id)
    if not claim.user.email or claim.status not in ("approved", "rejected"):
        return False
    appeal_url = None
    if claim.status == "rejected" and claim.appeal_of_id is None and not Claim.objects.filter(appeal_of=claim).exists():
        appeal_url = _base_url() + reverse("researchers:claim_appeal", kwargs={"slug": claim.author.slug})
    send_templated(name="claim_reviewed", to=claim.user.email, context={
        "claim": claim, "author": claim.author, "appeal_url": appeal_url,
        "url": _base_url() + claim.author.get_absolute_url()})
    return True
