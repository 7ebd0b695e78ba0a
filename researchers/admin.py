from django.contrib import admin

from .models import Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = (
        "display_name", "slug", "works_count", "followers_count", "claim_state",
        "verification_level", "is_collaboration", "orcid",
    )
    list_filter = ("claim_state", "verification_level", "is_collaboration", "open_to_collaborate")
    search_fields = ("display_name", "slug", "name_key", "orcid", "arxiv_author_id", "name_variants")
    readonly_fields = (
        "works_count", "followers_count", "topics_count", "close_collaborators_count",
        "first_year", "last_year", "verification_level", "data_changed_at", "created_at", "updated_at",
    )
    raw_id_fields = ("owner",)
    list_select_related = ("owner",)
