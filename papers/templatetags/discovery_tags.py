from django import template

register = template.Library()


@register.filter
def in_set(value, ids):
    """`paper.pk|in_set:voted`: membership in a set the view computed in one query."""
    return bool(ids) and value in ids


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's address without its query string: what search engines and share cards should point at."""
    request = context.get("request")
    return request.build_absolute_uri(request.path) if request is not None else ""


@register.simple_tag(takes_context=True)
def saved_by_viewer(context, paper):
    """Whether the signed-in viewer saved `paper`: one query when signed in, none otherwise.

    A tag rather than view context so the shared paper page gains the button with one include.
    """
    from papers.discovery.models import SavedPaper

    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    return SavedPaper.objects.filter(user=user, paper_id=paper.pk).exists()


@register.simple_tag(takes_context=True)
def topic_followed_by_viewer(context, topic):
    """Whether the signed-in viewer follows `topic`: one query when signed in, none otherwise."""
    from papers.discovery.selectors import follows_topic

    user = context.get("user")
    return bool(user is not None and follows_topic(user=user, topic=topic))
