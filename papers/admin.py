"""Curator admin for the papers app: papers, bylines, topics, institutions and import runs."""

import json

from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from papers.models import (
    Authorship,
    ImportRun,
    ImportState,
    Institution,
    Paper,
    PaperTopic,
    PendingAuthorRefresh,
    PendingTopicCount,
    Topic,
)


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 0
    fields = ("position", "raw_name", "author", "attribution", "affiliation", "institution")
    raw_id_fields = ("author", "institution")
    ordering = ("position",)
    show_change_link = True


class PaperTopicInline(admin.TabularInline):
    model = PaperTopic
    extra = 0
    raw_id_fields = ("topic",)
    ordering = ("-weight",)


class YearListFilter(admin.SimpleListFilter):
    """Years that actually have papers, newest first (a plain field filter would list none)."""

    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = Paper.objects.exclude(year=None).values_list("year", flat=True).distinct().order_by("-year")[:60]
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        return queryset.filter(year=self.value()) if self.value() else queryset


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ("arxiv_id", "title_short", "primary_category", "year", "version", "authors_count", "has_code",
                    "withdrawn", "deleted")
    list_filter = ("has_code", "withdrawn", "deleted", YearListFilter, "primary_category")
    search_fields = ("=arxiv_id", "title", "=doi")
    readonly_fields = ("search_vector", "content_hash", "created_at", "modified_at", "versions_pretty")
    exclude = ("versions",)
    inlines = [AuthorshipInline, PaperTopicInline]
    show_full_result_count = False  # COUNT(*) over millions of papers on every list page is too slow
    list_per_page = 50
    # A code URL typed without a scheme is a repository on the web: https, as Django 6 will assume.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="title", ordering="title")
    def title_short(self, obj):
        return obj.title[:90]

    @admin.display(description="versions")
    def versions_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.versions, indent=2, ensure_ascii=False))


@admin.register(Authorship)
class AuthorshipAdmin(admin.ModelAdmin):
    list_display = ("raw_name", "paper", "position", "author", "attribution", "affiliation")
    list_filter = ("attribution",)
    search_fields = ("raw_name", "=paper__arxiv_id", "author__display_name", "author__slug")
    raw_id_fields = ("paper", "author", "institution")
    list_select_related = ("paper", "author")
    show_full_result_count = False


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "authorships_count")
    search_fields = ("name", "key", "slug")
    readonly_fields = ("authorships_count",)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "code", "slug", "papers_count")
    list_filter = ("kind",)
    search_fields = ("name", "=code", "slug")
    readonly_fields = ("papers_count",)
    ordering = ("kind", "-papers_count")


@admin.register(PaperTopic)
class PaperTopicAdmin(admin.ModelAdmin):
    list_display = ("paper", "topic", "weight")
    list_filter = ("topic__kind",)
    search_fields = ("=paper__arxiv_id", "topic__name")
    raw_id_fields = ("paper", "topic")
    list_select_related = ("paper", "topic")
    show_full_result_count = False


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("id", "source_short", "format", "state", "progress_bar", "seen", "created", "updated",
                    "unchanged", "failed", "authors_created", "started_at", "finished_at")
    list_filter = ("state", "format")
    search_fields = ("source", "message")
    date_hierarchy = "created_at"
    readonly_fields = ("seen", "created", "updated", "unchanged", "failed", "authors_created", "errors_pretty",
                       "checkpoint", "started_at", "finished_at", "created_at", "heartbeat_at", "progress_bar")
    exclude = ("errors",)

    @admin.display(description="source", ordering="source")
    def source_short(self, obj):
        return obj.source if len(obj.source) <= 60 else "…" + obj.source[-59:]

    @admin.display(description="progress")
    def progress_bar(self, obj):
        percent = obj.progress_percent
        if obj.state == ImportState.INTERRUPTED or obj.heartbeat_is_stale:
            # Killed without closing its run (the beat task marks it within minutes): say how to go on.
            return format_html('<span title="{}">interrupted at {} · resume with <code>{}</code></span>',
                               obj.message[:200], obj.seen, obj.resume_command)
        if percent is None:
            if obj.state == ImportState.RUNNING:
                # Total unknown (a stream or a harvest): an indeterminate bar plus the count so far.
                return format_html('<progress title="{} seen" style="width:8em"></progress> {}', obj.seen, obj.seen)
            if obj.state == ImportState.FAILED:
                return format_html('<span title="{}">failed at {}</span>', obj.message[:200], obj.seen)
            return "—"
        return format_html('<progress value="{}" max="100" style="width:8em">{}%</progress> {}%',
                           percent, percent, percent)

    @admin.display(description="errors")
    def errors_pretty(self, obj):
        shown = json.dumps(obj.errors, indent=2, ensure_ascii=False)
        more = obj.failed - len(obj.errors)
        note = f"\n… and {more} more (not stored)" if more > 0 else ""
        return format_html("<pre style='max-height:30em;overflow:auto'>{}{}</pre>", shown, note)


@admin.register(PendingAuthorRefresh)
class PendingAuthorRefreshAdmin(admin.ModelAdmin):
    """Read-only view of the importer's author refresh queue (normally empty between imports)."""

    list_display = ("author", "authorships_changed", "queued_at")
    list_filter = ("authorships_changed",)
    search_fields = ("=author__id", "author__display_name")
    raw_id_fields = ("author",)

    def has_add_permission(self, request):
        return False


@admin.register(PendingTopicCount)
class PendingTopicCountAdmin(admin.ModelAdmin):
    """Read-only view of the topic counts committed batches still owe (normally empty between imports)."""

    list_display = ("topic", "n")
    search_fields = ("=topic__id", "topic__slug")
    raw_id_fields = ("topic",)

    def has_add_permission(self, request):
        return False
