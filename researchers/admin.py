from django import forms
from django.contrib import admin, messages

from papers.ingest.keys import strip_format_chars

from .models import (
    Author,
    Block,
    Claim,
    ClaimEvidence,
    ClaimSlot,
    Dispute,
    Follow,
    IdentityChangeRequest,
    IdentityEvent,
    Invitation,
    Report,
    Vouch,
)
from .permissions import is_moderator


class AuthorAdminForm(forms.ModelForm):
    def clean_display_name(self):
        # The same normalisation as import: no invisible format characters in a name.
        return strip_format_chars(self.cleaned_data["display_name"]).strip()


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    form = AuthorAdminForm
    list_display = (
        "display_name", "slug", "works_count", "followers_count", "claim_state",
        "verification_level", "is_collaboration", "orcid", "look_alike",
    )
    list_filter = ("claim_state", "verification_level", "is_collaboration", "open_to_collaborate")
    search_fields = ("display_name", "slug", "name_key", "orcid", "arxiv_author_id", "name_variants")
    # Ownership, claim state, merges and the level change only through the claims services (the
    # actions below), which write IdentityEvents and keep the owning Claim consistent.
    readonly_fields = (
        "owner", "claim_state", "merged_into", "verification_level",
        "works_count", "followers_count", "topics_count", "close_collaborators_count",
        "first_year", "last_year", "data_changed_at", "created_at", "updated_at", "topics",
    )
    list_select_related = ("owner",)
    actions = ["unclaim_records", "refresh_levels"]

    @admin.display(description="Topics (by weight, with the works on each)")
    def topics(self, obj):
        # The maintained author-topic rows, recomputed by every refresh (their key is (author, topic),
        # which the admin cannot list as a model of its own).
        from .selectors import topics_for_profile

        return ", ".join(f"{at.topic.name} ({at.papers_count})" for at in topics_for_profile(author=obj)) or "-"

    @admin.display(description="Look-alike name")
    def look_alike(self, obj):
        return ", ".join(f"{ch} ({script.title()}, not {latin})" for ch, script, latin in obj.look_alike_letters)

    @admin.action(description="Unclaim (release the selected records from their owners)")
    def unclaim_records(self, request, queryset):
        from .models import OWNING_STATUSES
        from .services.claims import claim_unclaim

        owning = Claim.objects.filter(author__in=queryset, status__in=OWNING_STATUSES)
        _run(self, request, owning, lambda c: claim_unclaim(actor=request.user, claim=c), "record(s) unclaimed")

    @admin.action(description="Recompute the verification level from the owning claim's evidence")
    def refresh_levels(self, request, queryset):
        from .models import OWNING_STATUSES
        from .services.claims import claim_evidence_refresh

        owning = Claim.objects.filter(author__in=queryset, status__in=OWNING_STATUSES)
        _run(self, request, owning, lambda c: claim_evidence_refresh(claim=c), "level(s) recomputed")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_moderator(request.user):
            for name in ("unclaim_records", "refresh_levels", "merge_into_largest"):
                actions.pop(name, None)
        return actions


# ---------------------------------------------------------------- moderation (claims/follow issue)
# Every action calls the same services as the site, so the rules and the event log are identical.


def _run(modeladmin, request, items, action, done):
    from .services.errors import ServiceError

    ok = 0
    for item in items:
        try:
            action(item)
            ok += 1
        except ServiceError as exc:
            modeladmin.message_user(request, f"{item}: {exc.message}", level=messages.ERROR)
    if ok:
        modeladmin.message_user(request, f"{ok} {done}.", level=messages.SUCCESS)


class ModeratorOnly:
    def has_module_permission(self, request):
        return is_moderator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_moderator(request.user)


class ModerationQueue(ModeratorOnly):
    """A queue moderators work through with actions: rows are never added or deleted by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return is_moderator(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


class ClaimEvidenceInline(admin.TabularInline):
    model = ClaimEvidence
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "level", "summary", "detail", "observed_at", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(ModerationQueue, admin.ModelAdmin):
    """The moderation queue: pending appeals and challenges first, then unreviewed owners."""

    list_display = ("id", "author", "user", "status", "level", "is_appeal", "created_at", "reviewed_at")
    list_filter = ("status", "level")
    search_fields = ("author__display_name", "author__slug", "user__email")
    ordering = ("status", "created_at")
    list_select_related = ("author", "user")
    raw_id_fields = ("author", "user", "appeal_of", "reviewed_by")
    readonly_fields = ("author", "user", "status", "level", "appeal_of", "statement", "reviewed_by", "reviewed_at",
                       "review_note", "created_at", "updated_at", "slots_summary")
    inlines = [ClaimEvidenceInline]
    actions = ["approve", "reject", "unclaim"]

    @admin.display(boolean=True, description="Appeal")
    def is_appeal(self, obj):
        return obj.appeal_of_id is not None

    @admin.display(description="Slots")
    def slots_summary(self, obj):
        mine = ClaimSlot.objects.filter(claim=obj, decision="mine").count()
        not_me = ClaimSlot.objects.filter(claim=obj, decision="not_me").count()
        return f"{mine} mine, {not_me} not me"


    @admin.action(description="Approve (L4; a challenger's approval transfers the record)")
    def approve(self, request, queryset):
        from .services.claims import claim_approve

        _run(self, request, queryset, lambda c: claim_approve(moderator=request.user, claim=c), "claim(s) approved")

    @admin.action(description="Reject (the claimant may appeal once)")
    def reject(self, request, queryset):
        from .services.claims import claim_reject

        _run(self, request, queryset, lambda c: claim_reject(moderator=request.user, claim=c), "claim(s) rejected")

    @admin.action(description="Unclaim (release the record)")
    def unclaim(self, request, queryset):
        from .services.claims import claim_unclaim

        _run(self, request, queryset, lambda c: claim_unclaim(actor=request.user, claim=c), "claim(s) unclaimed")


@admin.register(Dispute)
class DisputeAdmin(ModerationQueue, admin.ModelAdmin):
    list_display = ("id", "author", "opened_by", "status", "created_at", "resolved_at")
    list_filter = ("status",)
    search_fields = ("author__display_name", "author__slug", "opened_by__email")
    ordering = ("status", "created_at")
    list_select_related = ("author", "opened_by")
    readonly_fields = ("author", "claim", "incumbent_claim", "opened_by", "reason", "status", "resolved_by",
                       "resolved_at", "resolution_note", "created_at")
    actions = ["uphold", "transfer"]


    @admin.action(description="Resolve: the current owner keeps the record")
    def uphold(self, request, queryset):
        from .services.claims import dispute_resolve

        _run(self, request, queryset,
             lambda d: dispute_resolve(moderator=request.user, dispute=d, outcome="uphold"), "dispute(s) resolved")

    @admin.action(description="Resolve: transfer the record to the challenger (L4)")
    def transfer(self, request, queryset):
        from .services.claims import dispute_resolve

        _run(self, request, queryset,
             lambda d: dispute_resolve(moderator=request.user, dispute=d, outcome="transfer"), "dispute(s) resolved")


@admin.register(IdentityEvent)
class IdentityEventAdmin(ModeratorOnly, admin.ModelAdmin):
    """Append-only: no add, change or delete here; "revert" writes a new event."""

    list_display = ("created_at", "author", "kind", "summary", "actor", "reverted")
    list_filter = ("kind",)
    search_fields = ("author__display_name", "author__slug", "summary")
    list_select_related = ("author", "actor")
    readonly_fields = ("author", "kind", "actor", "claim", "dispute", "other_author", "reverts", "summary",
                       "payload", "created_at")
    actions = ["revert"]

    @admin.display(boolean=True)
    def reverted(self, obj):
        return IdentityEvent.objects.filter(reverts=obj).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # Django hides actions when change permission is off; revert is an append, so keep it.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Revert (writes a revert event)", permissions=["view"])
    def revert(self, request, queryset):
        from .services.claims import identity_event_revert

        _run(self, request, queryset.order_by("-created_at", "-id"),
             lambda e: identity_event_revert(moderator=request.user, event=e), "event(s) reverted")


@admin.register(Report)
class ReportAdmin(ModeratorOnly, admin.ModelAdmin):
    list_display = ("created_at", "reporter", "reported_user", "reason", "status")
    list_filter = ("status", "reason")
    raw_id_fields = ("reporter", "reported_user", "invitation", "message")

    def has_change_permission(self, request, obj=None):
        return is_moderator(request.user)


class ReadOnly:
    """Endorsements feed claim levels and trust: only the site's services create or change them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Vouch)
class VouchAdmin(ReadOnly, ModeratorOnly, admin.ModelAdmin):
    list_display = ("created_at", "author", "voucher_author", "voucher")
    raw_id_fields = ("author", "voucher", "voucher_author", "claim")


@admin.register(Follow)
class FollowAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("created_at", "user", "author")
    raw_id_fields = ("user", "author")


@admin.register(Invitation)
class InvitationAdmin(ModeratorOnly, admin.ModelAdmin):
    """Who invited whom and when; the message body is private to its two people, so never shown."""

    list_display = ("created_at", "sender_author", "recipient_author", "subject", "status")
    list_filter = ("status",)
    fields = ("sender", "sender_author", "recipient", "recipient_author", "subject", "status", "created_at",
              "responded_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IdentityChangeRequest)
class IdentityChangeRequestAdmin(ModerationQueue, admin.ModelAdmin):
    """Merges into records below L3 and splits onto existing records, waiting for a moderator."""

    list_display = ("created_at", "kind", "author", "other_author", "works", "requested_by", "status")
    list_filter = ("status", "kind")
    ordering = ("-status", "created_at")
    list_select_related = ("author", "other_author", "requested_by")
    readonly_fields = ("kind", "requested_by", "author", "other_author", "authorship_ids", "status", "reviewed_by",
                       "reviewed_at", "review_note", "created_at")
    actions = ["approve", "reject"]

    @admin.display(description="Works")
    def works(self, obj):
        return len(obj.authorship_ids) if obj.kind == "split" else obj.other_author.works_count


    @admin.action(description="Approve (apply the merge or split)")
    def approve(self, request, queryset):
        from .services.identity_requests import identity_request_approve

        _run(self, request, queryset,
             lambda r: identity_request_approve(moderator=request.user, request=r), "request(s) approved")

    @admin.action(description="Reject (nothing moves)")
    def reject(self, request, queryset):
        from .services.identity_requests import identity_request_reject

        _run(self, request, queryset,
             lambda r: identity_request_reject(moderator=request.user, request=r), "request(s) rejected")


admin.site.register(Block, list_display=("created_at", "blocker", "blocked"), raw_id_fields=("blocker", "blocked"))


@admin.action(description="Merge the selected records into the one with the most works (moderators)")
def merge_into_largest(modeladmin, request, queryset):
    from .services.claims import author_merge

    records = sorted(queryset, key=lambda a: (-a.works_count, a.pk))
    if len(records) < 2:
        modeladmin.message_user(request, "Select at least two records to merge.", level=messages.WARNING)
        return
    target = records[0]
    _run(modeladmin, request, records[1:],
         lambda source: author_merge(actor=request.user, source=source, target=target),
         f"record(s) merged into {target.display_name} ({target.slug})")


AuthorAdmin.actions = [*(AuthorAdmin.actions or []), merge_into_largest]


# The task outbox's admin (read-only rows) lives with the outbox.
import researchers.outbox.admin  # noqa: E402, F401
