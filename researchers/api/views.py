"""Thin API views over the same services as the pages: parse, call, serialise."""

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from researchers.models import Claim, Conversation, Invitation, Message
from researchers.services import claims, collaboration, follows, profile
from researchers.services.errors import Conflict, ServiceError
from researchers.view_utils import author_or_404

from . import serializers as s


class ServiceRefusal(APIException):
    """A ServiceError carried into DRF's problem-details handler with its own status code."""

    def __init__(self, exc):
        self.status_code = exc.status_code
        super().__init__(detail=exc.message, code=type(exc).__name__.lower())


def _conflict_body(request, exc, dispute):
    return {
        "type": "https://bzpeer.org/problems/conflict", "title": "Conflict", "status": 409,
        "detail": exc.message if exc else "This record already has an owner: your claim opened a dispute.",
        "instance": request.get_full_path(),
        "dispute": s.DisputeOutputSerializer(dispute).data if dispute else None,
    }


class ClaimCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.ClaimInputSerializer, responses={
        201: s.ClaimOutputSerializer,
        409: OpenApiResponse(description="The record is owned (a dispute was opened) or already under review."),
    })
    def post(self, request, slug):
        """Claim an author record. 201 with the claim's state and level, or 409 with the dispute."""
        author = author_or_404(slug)
        data = s.ClaimInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        split_to = data.validated_data.get("split_to")
        target = author_or_404(split_to) if split_to else None
        try:
            claim = claims.claim_submit(
                user=request.user, author=author, authorship_ids=data.validated_data.get("authorships"),
                split_target=target, evidence=data.validated_data.get("evidence"),
                statement=data.validated_data.get("statement", ""),
            )
        except Conflict as exc:
            return Response(_conflict_body(request, exc, exc.dispute), status=status.HTTP_409_CONFLICT,
                            content_type="application/problem+json")
        except ServiceError as exc:
            raise ServiceRefusal(exc)
        claim = Claim.objects.select_related("author", "dispute").prefetch_related("evidence").get(pk=claim.pk)
        if claim.status == "pending" and hasattr(claim, "dispute"):
            return Response(_conflict_body(request, None, claim.dispute), status=status.HTTP_409_CONFLICT,
                            content_type="application/problem+json")
        return Response(s.ClaimOutputSerializer(claim).data, status=status.HTTP_201_CREATED)


class FollowView(APIView):
    permission_classes = [IsAuthenticated]
    follow = True

    @extend_schema(request=None, responses={200: s.FollowOutputSerializer})
    def post(self, request, slug):
        """Follow (or unfollow) a record; idempotent, 429 past 100 follows an hour."""
        author = author_or_404(slug)
        try:
            if self.follow:
                changed, count = follows.follow_create(user=request.user, author=author)
            else:
                changed, count = follows.follow_delete(user=request.user, author=author)
        except ServiceError as exc:
            raise ServiceRefusal(exc)
        return Response(s.FollowOutputSerializer({"author": author.slug, "following": self.follow,
                                                  "followers_count": count, "changed": changed}).data)


class ProfileView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=s.ProfileInputSerializer, responses={200: s.ProfileOutputSerializer})
    def patch(self, request, slug):
        """The owner edits bio, role, affiliation, links, open-to-collaborate and auto-accept."""
        author = author_or_404(slug)
        data = s.ProfileInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        try:
            author = profile.author_profile_update(user=request.user, author=author, **data.validated_data)
        except ServiceError as exc:
            raise ServiceRefusal(exc)
        return Response(s.ProfileOutputSerializer(author).data)


class InvitationListView(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.InvitationOutputSerializer

    @extend_schema(parameters=[OpenApiParameter(
        "box", str, enum=["received", "sent"], required=False,
        description="Only invitations you received or sent (default: both).",
    )])
    def get(self, request, *args, **kwargs):
        """Your invitations, newest first."""
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        user = self.request.user
        box = self.request.query_params.get("box")
        q = Q(recipient=user) if box == "received" else Q(sender=user) if box == "sent" else (
            Q(recipient=user) | Q(sender=user))
        return (Invitation.objects.filter(q).select_related("sender_author", "recipient_author", "conversation")
                .order_by("-id"))

    @extend_schema(request=s.InvitationInputSerializer, responses={201: s.InvitationOutputSerializer})
    def post(self, request):
        """Invite a claimed, open-to-collaborate researcher (you need a claimed ≥L2 record; 10 a day)."""
        data = s.InvitationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            inv = collaboration.invitation_send(
                sender=request.user, recipient_author=author_or_404(data.validated_data["to"]),
                subject=data.validated_data["subject"], message=data.validated_data["message"],
            )
        except ServiceError as exc:
            raise ServiceRefusal(exc)
        return Response(s.InvitationOutputSerializer(inv).data, status=status.HTTP_201_CREATED)


class InvitationRespondView(APIView):
    permission_classes = [IsAuthenticated]
    accept = True

    @extend_schema(request=None, responses={200: s.InvitationOutputSerializer})
    def post(self, request, pk):
        """Accept (opens a conversation) or decline an invitation you received."""
        inv = Invitation.objects.filter(pk=pk).filter(Q(recipient=request.user) | Q(sender=request.user)).first()
        if inv is None:
            raise NotFound("No such invitation.")
        try:
            if self.accept:
                collaboration.invitation_accept(user=request.user, invitation=inv)
            else:
                collaboration.invitation_decline(user=request.user, invitation=inv)
        except ServiceError as exc:
            raise ServiceRefusal(exc)
        inv = Invitation.objects.select_related("sender_author", "recipient_author", "conversation").get(pk=pk)
        return Response(s.InvitationOutputSerializer(inv).data)


class MessageListView(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.MessageOutputSerializer

    def _conversation(self):
        convo = Conversation.objects.filter(pk=self.kwargs["pk"]).filter(
            Q(initiator=self.request.user) | Q(recipient=self.request.user)).first()
        if convo is None:
            from django.http import Http404

            raise Http404("No such conversation.")
        return convo

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        return self._conversation().messages.order_by("-id")

    @extend_schema(request=s.MessageInputSerializer, responses={201: s.MessageOutputSerializer})
    def post(self, request, pk):
        """Write in a conversation you are part of; the other side is emailed."""
        data = s.MessageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            message = collaboration.message_send(user=request.user, conversation=self._conversation(),
                                                 body=data.validated_data["body"])
        except ServiceError as exc:
            raise ServiceRefusal(exc)
        return Response(s.MessageOutputSerializer(message, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)
