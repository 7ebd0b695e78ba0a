from django.urls import path

from . import views

urlpatterns = [
    path("researchers/<slug:slug>/claim/", views.ClaimCreateView.as_view(), name="api-researcher-claim"),
    path("researchers/<slug:slug>/follow/", views.FollowView.as_view(follow=True), name="api-researcher-follow"),
    path("researchers/<slug:slug>/unfollow/", views.FollowView.as_view(follow=False),
         name="api-researcher-unfollow"),
    path("researchers/<slug:slug>/profile/", views.ProfileView.as_view(), name="api-researcher-profile"),
    path("invitations/", views.InvitationListView.as_view(), name="api-invitations"),
    path("invitations/<int:pk>/accept/", views.InvitationRespondView.as_view(accept=True),
         name="api-invitation-accept"),
    path("invitations/<int:pk>/decline/", views.InvitationRespondView.as_view(accept=False),
         name="api-invitation-decline"),
    path("conversations/<int:pk>/messages/", views.MessageListView.as_view(), name="api-conversation-messages"),
]

# Public reads (list, detail, works) come from a router so they share one viewset.
from rest_framework.routers import SimpleRouter  # noqa: E402

from .public import ResearcherViewSet  # noqa: E402

_router = SimpleRouter(trailing_slash=True)
_router.register("researchers", ResearcherViewSet, basename="api-researcher")
urlpatterns += _router.urls
