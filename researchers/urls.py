from django.urls import path

from . import claim_views, social_views, suggestion_views, views

app_name = "researchers"

urlpatterns = [
    path("researchers/<slug:slug>/", views.profile, name="profile"),
    # Claims, follows and collaboration (claim_views.py, social_views.py).
    path("researchers/<slug:slug>/claim/", claim_views.claim_papers, name="claim"),
    path("researchers/<slug:slug>/claim/evidence/", claim_views.claim_evidence, name="claim_evidence"),
    path("researchers/<slug:slug>/claim/review/", claim_views.claim_review, name="claim_review"),
    path("researchers/<slug:slug>/claim/appeal/", claim_views.claim_appeal, name="claim_appeal"),
    path("researchers/<slug:slug>/unclaim/", claim_views.claim_unclaim, name="unclaim"),
    path("researchers/<slug:slug>/vouch/", claim_views.vouch, name="vouch"),
    path("researchers/<slug:slug>/split/", claim_views.split, name="split"),
    path("researchers/<slug:slug>/merge/", claim_views.merge, name="merge"),
    path("researchers/<slug:slug>/history/", claim_views.history, name="history"),
    path("researchers/<slug:slug>/history/<int:event_id>/revert/", claim_views.history_revert, name="history_revert"),
    # "Are these yours?" (suggestion_views.py): wizard step 4, the /me/ panel, htmx answers.
    path("researchers/<slug:slug>/claim/suggestions/", suggestion_views.claim_suggestions, name="claim_suggestions"),
    path("researchers/<slug:slug>/suggestions/", suggestion_views.suggestions_panel, name="suggestions"),
    path("researchers/<slug:slug>/suggestions/paper/<int:authorship_id>/<str:action>/", suggestion_views.paper_answer,
         name="suggestion_paper"),
    path("researchers/<slug:slug>/suggestions/record/<slug:other>/<str:action>/", suggestion_views.record_answer,
         name="suggestion_record"),
    path("researchers/<slug:slug>/follow/", social_views.follow, name="follow"),
    path("researchers/<slug:slug>/unfollow/", social_views.unfollow, name="unfollow"),
    path("researchers/<slug:slug>/invite/", social_views.invite, name="invite"),
]
