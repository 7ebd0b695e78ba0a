from django.contrib import admin

# The services module is imported where an action runs, not here: admin.autodiscover() imports
# this file in every process (web, worker, each management command), and the services pull in
# networkx and the trust model's numpy/scipy stack, a second of start-up none of them needs.
from .models import TrustFlag, TrustRun, TrustScore


@admin.register(TrustScore)
class TrustScoreAdmin(admin.ModelAdmin):
    """Read-only: scores are only ever written by the recompute."""

    list_display = ("author", "total", "tier", "identity", "consistency", "vouching", "penalties",
                    "under_review", "model_version", "computed_at")
    list_filter = ("tier", "under_review", "model_version")
    search_fields = ("author__display_name", "author__slug")
    list_select_related = ("author",)
    raw_id_fields = ("author",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# TrustSnapshot has a composite primary key, which the Django 5.2 admin cannot register; the
# history is visible per record on the profile sparkline and in the trust API.


@admin.register(TrustFlag)
class TrustFlagAdmin(admin.ModelAdmin):
    """Moderator flags: a published penalty on a record until lifted."""

    list_display = ("author", "reason", "points", "created_by", "created_at", "lifted_at")
    list_filter = ("lifted_at",)
    raw_id_fields = ("author",)
    search_fields = ("author__display_name", "reason")
    actions = ["lift_flags"]
    fields = ("author", "reason", "points")

    def save_model(self, request, obj, form, change):
        from . import services

        if change:
            super().save_model(request, obj, form, change)
            services.trust_schedule_author_recompute(author_id=obj.author_id)
            return
        flag = services.trust_flag_add(author=obj.author, reason=obj.reason, points=obj.points,
                                       created_by=request.user)
        obj.pk = flag.pk

    @admin.action(description="Lift the selected flags")
    def lift_flags(self, request, queryset):
        from . import services

        for flag in queryset.filter(lifted_at__isnull=True):
            services.trust_flag_lift(flag=flag)


@admin.register(TrustRun)
class TrustRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "finished_at", "model_version", "records", "written", "snapshots", "seeds")
    readonly_fields = ("started_at", "finished_at", "model_version", "records", "written", "snapshots", "seeds",
                       "timings")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
