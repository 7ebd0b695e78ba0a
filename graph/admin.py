from django.contrib import admin

# The services module is imported where an action runs, not here: admin.autodiscover() imports
# this file in every process (web, worker, each management command), and the services pull in
# networkx and the trust model's numpy/scipy stack, a second of start-up none of them needs.
from .models import GraphSlice


@admin.register(GraphSlice)
class GraphSliceAdmin(admin.ModelAdmin):
    list_display = ["author", "status", "revision", "built_at", "build_ms", "failed_at"]
    list_filter = ["status"]
    search_fields = ["author__display_name", "author__slug"]
    list_select_related = ["author"]
    raw_id_fields = ["author"]
    readonly_fields = ["author", "status", "elements", "format_version", "revision", "built_at", "build_ms",
                       "watermark", "watched_author_ids", "error", "failed_at", "updated_at"]
    actions = ["rebuild"]

    @admin.action(description="Rebuild the selected slices")
    def rebuild(self, request, queryset):
        from . import services

        for author_id in queryset.values_list("author_id", flat=True):
            services.graph_slice_retry(author_id=author_id, force=True)
        self.message_user(request, f"Queued {queryset.count()} rebuild(s).")

    def has_add_permission(self, request):
        return False
