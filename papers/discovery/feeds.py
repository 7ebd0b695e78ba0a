"""Atom feeds with the feed generator Django ships (django.contrib.syndication).

Each feed is three queries at most: its subject (researcher, topic, token), the papers, their bylines.
"""

from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from papers.models import Authorship, Paper, PaperTopic, Topic
from researchers.models import Author

from . import selectors

FEED_AUTHORS = 10  # names in an entry's <author> before "et al."


class PaperFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, paper):
        return paper.title

    def item_description(self, paper):
        return paper.abstract

    def item_link(self, paper):
        return paper.get_absolute_url()

    def item_guid(self, paper):
        return paper.abs_url

    item_guid_is_permalink = False

    def item_pubdate(self, paper):
        return paper.submitted

    def item_updateddate(self, paper):
        return paper.submitted

    def item_author_name(self, paper):
        names = [slot.raw_name for slot in paper.cite_authors]
        if len(names) > FEED_AUTHORS:
            return ", ".join(names[:FEED_AUTHORS]) + " et al."
        return ", ".join(names) or None

    def item_categories(self, paper):
        return paper.categories


class ResearcherFeed(PaperFeed):
    """/researchers/<slug>/feed.atom: a researcher's new papers."""

    def get_object(self, request, slug):
        author = Author.objects.filter(slug=slug).only("id", "slug", "display_name").first()
        if author is None:
            raise Http404("No researcher with this address.")
        return author

    def title(self, author):
        return f"New papers by {author.display_name} · BZPEER"

    def subtitle(self, author):
        return f"Papers by {author.display_name}, newest first, from arXiv metadata."

    def link(self, author):
        return author.get_absolute_url()

    def items(self, author):
        mine = Authorship.objects.filter(paper_id=OuterRef("pk"), author_id=author.pk).exclude(attribution="pending")
        return selectors.feed_items(Paper.objects.filter(Exists(mine)))


class TopicFeed(PaperFeed):
    """/topics/<slug>/feed.atom: new papers on a topic or arXiv category."""

    def get_object(self, request, slug):
        topic = Topic.objects.filter(slug=slug).first()
        if topic is None:
            raise Http404("No topic with this address.")
        return topic

    def title(self, topic):
        return f"New papers on {topic.name} · BZPEER"

    def subtitle(self, topic):
        return f"Papers on {topic.name}, newest first."

    def link(self, topic):
        return topic.get_absolute_url()

    def items(self, topic):
        return selectors.feed_items(
            Paper.objects.filter(Exists(PaperTopic.objects.filter(paper_id=OuterRef("pk"), topic_id=topic.pk))))


class DailyFeed(PaperFeed):
    """/papers/daily/feed.atom: the newest day's papers."""

    title = "Daily papers · BZPEER"
    subtitle = "The papers of the newest day on BZPEER."

    def link(self):
        return reverse("discovery:daily")

    def items(self):
        day = selectors.latest_day()
        if day is None:
            return []
        start, end = selectors.day_bounds(day)
        return selectors.feed_items(Paper.objects.filter(submitted__gte=start, submitted__lt=end),
                                    limit=selectors.DAILY_FEED_ITEMS)


class PrivateFeed(PaperFeed):
    """/me/feed/<token>.atom: a user's feed (followed people and topics), readable without a session."""

    title = "Your BZPEER feed"
    subtitle = "New papers by the researchers and on the topics you follow."

    def get_object(self, request, token):
        user = selectors.user_for_feed_token(token=token)
        if user is None:
            raise Http404("This feed address is not valid; get the current one from your feed page.")
        return user

    def link(self):
        return reverse("me:feed")

    def items(self, user):
        return selectors.feed_items(Paper.objects.filter(selectors.followed_papers_q(user=user)))
