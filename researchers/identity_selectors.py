"""Reads for claims, follows and collaboration pages (the profile's viewer-specific state included)."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import JSONObject

from papers.models import Authorship, Paper

from .models import (
    OWNING_STATUSES,
    Author,
    Claim,
    ClaimEvidence,
    ClaimStatus,
    Conversation,
    Follow,
    IdentityEvent,
    Invitation,
    Message,
)
from .permissions import collab_state, viewer_state_annotations

ANONYMOUS_STATE = {"authenticated": False, "verified": False, "following": False, "is_owner": False, "viewer_owned_level": None,
                   "my_claim_status": None, "my_claim_id": None, "blocked": False, "invitation_pending": False,
                   "invitations_today": 0}


def _evidence_array():
    """The owning claim's evidence worth a level, as one ARRAY(json) column on the author row."""
    return ArraySubquery(
        ClaimEvidence.objects.filter(claim__author_id=OuterRef("pk"), claim__status__in=OWNING_STATUSES,
                                     level__gt=0)
        .order_by("-level", "kind", "id")
        .values(json=JSONObject(kind="kind", level="level", summary="summary"))
    )


def _identity_row(*, user, author):
    """One query for the viewer's state and the record's evidence; none when there is nothing to ask."""
    annotations = {}
    if author.owner_id:
        annotations["evidence"] = _evidence_array()
    if user.is_authenticated:
        annotations.update(viewer_state_annotations(user))
    if not annotations:
        return {}
    return Author.objects.filter(pk=author.pk).annotate(**annotations).values(*annotations).first() or {}


def _viewer_from_row(user, author, row):
    if not user.is_authenticated:
        return dict(ANONYMOUS_STATE)
    return {
        "authenticated": True,
        "verified": bool(row.get("v_verified")),
        "following": bool(row.get("v_following")),
        "is_owner": author.owner_id == user.pk,
        "viewer_owned_level": row.get("v_owned_level"),
        "my_claim_status": row.get("v_my_claim_status"),
        "my_claim_id": row.get("v_my_claim_id"),
        "blocked": bool(row.get("v_blocked")),
        "invitation_pending": bool(row.get("v_invitation_pending")),
        "invitations_today": row.get("v_invitations_today") or 0,
    }


def viewer_state(*, user, author):
    """Everything the pages need about this viewer and this record, in one query (none if anonymous)."""
    if not user.is_authenticated:
        return dict(ANONYMOUS_STATE)
    return _viewer_from_row(user, author, _identity_row(user=user, author=author))


def profile_evidence(*, author):
    """The owning claim's evidence worth a level, for "L3 · ORCID … · email at … matches …" (1 query)."""
    if not author.owner_id:
        return []
    row = _identity_row(user=AnonymousUser(), author=author)
    return row.get("evidence") or []


def claim_panel(*, author, state):
    """The claim panel's state name: anonymous, claimable, owner, pending, rejected, disputed, claimed."""
    if author.claim_state == "disputed":
        return "disputed"
    if state["is_owner"]:
        return "owner"
    if state["my_claim_status"] == ClaimStatus.PENDING:
        return "pending"
    if state["my_claim_status"] == ClaimStatus.REJECTED:
        return "rejected"
    if not state["authenticated"]:
        return "anonymous"
    if author.owner_id:
        return "claimed"
    return "claimable"


def profile_identity_context(*, user, author):
    """Context for the trust evidence, follow, claim and collaboration panels.

    One query at most: the viewer's state (signed-in viewers) and the owning claim's evidence
    (claimed records) come back as columns of a single SELECT on the author row.
    """
    row = _identity_row(user=user, author=author)  # query: viewer state + evidence (when there is either)
    state = _viewer_from_row(user, author, row)
    can_invite, collab_code, collab_message = collab_state(author=author, viewer_state=state)
    return {
        "viewer": state,
        "viewer_follows": state["following"] if state["authenticated"] else None,
        "claim_panel_state": claim_panel(author=author, state=state),
        "verification_evidence": row.get("evidence") or [],
        "collab": {"can_invite": can_invite, "code": collab_code, "message": collab_message},
    }


def record_slots(*, author):
    """The record's claimable works for the wizard, oldest first."""
    return list(
        Authorship.objects.filter(author=author).exclude(attribution="pending")
        .select_related("paper").only("id", "affiliation", "raw_name", "attribution", "paper__arxiv_id",
                                      "paper__title", "paper__year", "paper__submitted")
        .order_by("-paper__submitted", "id")
    )


def history_events(*, author):
    return (
        IdentityEvent.objects.filter(Q(author=author) | Q(other_author=author))
        .select_related("author", "other_author", "actor", "reverts")
        .annotate(is_reverted=Exists(IdentityEvent.objects.filter(reverts_id=OuterRef("pk"))))
        .order_by("-created_at", "-id")
    )


def following(*, user):
    return Follow.objects.filter(user=user).select_related("author").order_by("-created_at", "-id")


def feed(*, user):
    """Papers by followed researchers, newest first (one EXISTS over the follow list)."""
    followed = Follow.objects.filter(user=user).values("author_id")
    return (
        Paper.objects.filter(Exists(
            Authorship.objects.filter(paper_id=OuterRef("pk"), author_id__in=followed).exclude(attribution="pending")
        ), deleted=False)
        .only("id", "arxiv_id", "title", "abstract", "submitted", "year", "authors_count", "primary_category",
              "journal_ref", "doi")
        .prefetch_related(Prefetch(
            "authorships", queryset=Authorship.objects.select_related("author").only(
                "id", "paper_id", "position", "raw_name", "author__slug", "author__display_name"
            ).order_by("position"),
        ))
        .order_by("-submitted", "-id")
    )


def invitations_received(*, user):
    return (Invitation.objects.filter(recipient=user)
            .select_related("sender_author", "recipient_author", "conversation").order_by("-created_at"))


def invitations_sent(*, user):
    return (Invitation.objects.filter(sender=user)
            .select_related("sender_author", "recipient_author", "conversation").order_by("-created_at"))


def conversations(*, user):
    return (Conversation.objects.filter(Q(initiator=user) | Q(recipient=user))
            .select_related("invitation__sender_author", "invitation__recipient_author")
            .order_by("-last_message_at", "-id"))


def conversation_messages(*, conversation):
    return Message.objects.filter(conversation=conversation).select_related("sender").order_by("created_at", "id")


def owned_records(*, user):
    return Author.objects.filter(owner=user).annotate(
        pending_count=Count("authorships", filter=Q(authorships__attribution="pending"))
    ).order_by("display_name")


def my_claims(*, user):
    return (Claim.objects.filter(user=user).select_related("author", "appeal")
            .annotate(has_appeal=Exists(Claim.objects.filter(appeal_of_id=OuterRef("pk"))))
            .order_by("-created_at"))


def my_identity_requests(*, user):
    """The merges and splits the user asked for, newest first (issue 15: they wait for a moderator)."""
    from .models import IdentityChangeRequest

    return (IdentityChangeRequest.objects.filter(requested_by=user)
            .select_related("author", "other_author").order_by("-created_at", "-id"))


def pending_inbox(*, user):
    return (Authorship.objects.filter(author__owner=user, attribution="pending")
            .select_related("paper", "author").order_by("author_id", "-paper__submitted"))
