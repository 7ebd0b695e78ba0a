"""Who may do what in the researchers app: one place for the rules views, API and services share."""

from django.db.models import Exists, OuterRef

MODERATE_PERMISSION = "researchers.moderate"

INVITATIONS_PER_DAY = 10
FOLLOWS_PER_HOUR = 100


def is_moderator(user):
    """Staff with the 'moderate' permission (superusers have every permission)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff
                and user.has_perm(MODERATE_PERMISSION))


def user_has_verified_email(user):
    from allauth.account.models import EmailAddress

    return bool(user and user.is_authenticated
                and EmailAddress.objects.filter(user_id=user.pk, verified=True).exists())


def users_blocked_either_way(a_id, b_id):
    from researchers.models import Block

    return Block.objects.filter(blocker_id=a_id, blocked_id=b_id).exists() or Block.objects.filter(
        blocker_id=b_id, blocked_id=a_id).exists()


# The collaboration panel's explanations, in the order they are checked: the first that applies
# is what the viewer reads, so each names exactly the one thing missing.
COLLAB_REASONS = {
    "target_unclaimed": "Claim this author entity first to unlock direct invitations.",
    "target_disputed": "This record is under review; invitations are paused until a moderator resolves the dispute.",
    "own_record": "This is your record. Other claimed researchers can invite you from here.",
    "anonymous": "Log in with a claimed author record to send a direct invitation.",
    "viewer_unclaimed": "Claim your own author record (verified email, L2 or higher) to send direct invitations.",
    "target_closed": "{name} is not open to collaborate right now.",
    "blocked": "You can't send invitations to this researcher.",
    "pending": "Your invitation is waiting for {name}'s answer.",
    "rate_limited": "You've sent 10 invitations in the last 24 hours; you can send more tomorrow.",
}


def collab_state(*, author, viewer_state):
    """(can_invite, reason_code, message) for the collaboration panel, from the one-query viewer state."""
    name = author.display_name
    if author.claim_state == "disputed":
        code = "target_disputed"
    elif not author.owner_id:
        code = "target_unclaimed"
    elif viewer_state.get("is_owner"):
        code = "own_record"
    elif not viewer_state.get("authenticated"):
        code = "anonymous"
    elif not viewer_state.get("viewer_owned_level"):
        code = "viewer_unclaimed"
    elif not author.open_to_collaborate:
        code = "target_closed"
    elif viewer_state.get("blocked"):
        code = "blocked"
    elif viewer_state.get("invitation_pending"):
        code = "pending"
    elif (viewer_state.get("invitations_today") or 0) >= INVITATIONS_PER_DAY:
        code = "rate_limited"
    else:
        return True, "ok", ""
    return False, code, COLLAB_REASONS[code].format(name=name)


def viewer_state_annotations(user):
    """Exists/Subquery annotations that give a profile everything viewer-specific in one query."""
    from django.db.models import Count, IntegerField, Max, Subquery
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from allauth.account.models import EmailAddress

    from researchers.models import Author, Block, Claim, Follow, Invitation

    day_ago = timezone.now() - timezone.timedelta(days=1)
    owned_level = (Author.objects.filter(owner_id=user.pk).values("owner_id")
                   .annotate(m=Max("verification_level")).values("m")[:1])
    sent_today = (Invitation.objects.filter(sender_id=user.pk, created_at__gte=day_ago).values("sender_id")
                  .annotate(n=Count("id")).values("n")[:1])
    return {
        "v_verified": Exists(EmailAddress.objects.filter(user_id=user.pk, verified=True)),
        "v_following": Exists(Follow.objects.filter(user_id=user.pk, author_id=OuterRef("pk"))),
        "v_owned_level": Subquery(owned_level, output_field=IntegerField()),
        "v_my_claim_status": Subquery(
            Claim.objects.filter(user_id=user.pk, author_id=OuterRef("pk")).order_by("-created_at")
            .values("status")[:1]),
        "v_my_claim_id": Subquery(
            Claim.objects.filter(user_id=user.pk, author_id=OuterRef("pk")).order_by("-created_at")
            .values("id")[:1]),
        "v_blocked": Exists(Block.objects.filter(blocker_id=user.pk, blocked_id=OuterRef("owner_id")))
        | Exists(Block.objects.filter(blocker_id=OuterRef("owner_id"), blocked_id=user.pk)),
        "v_invitation_pending": Exists(Invitation.objects.filter(
            sender_id=user.pk, recipient_author_id=OuterRef("pk"), status="pending")),
        "v_invitations_today": Coalesce(Subquery(sent_today, output_field=IntegerField()), 0),
    }
