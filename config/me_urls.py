"""/me/: the signed-in person's own pages. The contract paths work with or without a trailing slash."""

from django.urls import path, re_path

from researchers import me_views

app_name = "me"

urlpatterns = [
    path("", me_views.home, name="home"),
    re_path(r"^following/?$", me_views.following, name="following"),
    re_path(r"^feed/?$", me_views.feed, name="feed"),
    re_path(r"^invitations/?$", me_views.invitations, name="invitations"),
    path("invitations/<int:pk>/accept/", me_views.invitation_accept, name="invitation_accept"),
    path("invitations/<int:pk>/decline/", me_views.invitation_decline, name="invitation_decline"),
    re_path(r"^conversations/?$", me_views.conversations, name="conversations"),
    path("conversations/<int:pk>/", me_views.conversation, name="conversation"),
    re_path(r"^review/?$", me_views.review_inbox, name="review"),
    re_path(r"^settings/?$", me_views.settings_view, name="settings"),
    path("records/<slug:slug>/edit/", me_views.edit_profile, name="edit_profile"),
    path("unsubscribe/<str:token>/", me_views.unsubscribe, name="unsubscribe"),
    path("block/<int:user_id>/", me_views.block, name="block"),
    path("unblock/<int:user_id>/", me_views.unblock, name="unblock"),
    path("report/<int:user_id>/", me_views.report, name="report"),
]
