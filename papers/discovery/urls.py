"""Discovery routes. Included before papers.urls, whose `papers/<path:arxiv_id>/` would swallow them."""

from django.urls import path, re_path

from . import feeds, views

app_name = "discovery"

ARXIV = r"(?P<arxiv_id>[A-Za-z.\-]+/\d{7}|\d{4}\.\d{4,5})"

urlpatterns = [
    path("papers/daily/", views.daily, name="daily"),
    path("papers/daily/feed.atom", feeds.DailyFeed(), name="daily_feed"),
    re_path(r"^papers/daily/(?P<day>\d{4}-\d{2}-\d{2})/$", views.daily, name="daily_day"),
    re_path(rf"^papers/{ARXIV}/similar/$", views.similar, name="similar"),
    re_path(rf"^papers/{ARXIV}/bibtex$", views.paper_bibtex, name="paper_bibtex"),
    re_path(rf"^papers/{ARXIV}/ris$", views.paper_ris, name="paper_ris"),
    re_path(rf"^papers/{ARXIV}/upvote/$", views.upvote, name="upvote"),
    re_path(rf"^papers/{ARXIV}/unvote/$", views.unvote, name="unvote"),
    re_path(rf"^papers/{ARXIV}/save/$", views.save, name="save"),
    re_path(rf"^papers/{ARXIV}/unsave/$", views.unsave, name="unsave"),
    path("researchers/<slug:slug>/feed.atom", feeds.ResearcherFeed(), name="researcher_feed"),
    path("researchers/<slug:slug>/works.bib", views.researcher_bibtex, name="researcher_bibtex"),
    path("researchers/<slug:slug>/works.ris", views.researcher_ris, name="researcher_ris"),
    path("topics/<slug:slug>/feed.atom", feeds.TopicFeed(), name="topic_feed"),
    path("topics/<slug:slug>/follow/", views.topic_follow, name="topic_follow"),
    path("topics/<slug:slug>/unfollow/", views.topic_unfollow, name="topic_unfollow"),
    re_path(r"^me/saved/?$", views.saved_list, name="saved"),
    path("me/saved.bib", views.saved_bibtex, name="saved_bibtex"),
    path("me/saved.ris", views.saved_ris, name="saved_ris"),
    re_path(r"^me/feed/topics/?$", views.feed_topics, name="feed_topics"),
    path("me/feed/token/", views.feed_token_reset, name="feed_token_reset"),
    path("me/feed/<str:token>.atom", feeds.PrivateFeed(), name="private_feed"),
]
