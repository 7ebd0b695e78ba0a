"""API tokens: trade an email and password for a `Authorization: Token …` credential."""

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from config.throttling import FixedWindowThrottleMixin


class TokenInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenObtainThrottle(FixedWindowThrottleMixin, AnonRateThrottle):
    """Password guessing is throttled per client address, signed in or not (an atomic counter)."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def get_rate(self):
        # Derived from the anonymous rate so one setting governs both; a tenth of it, at least 5.
        anon = self.THROTTLE_RATES.get("anon") or "120/min"
        num, period = anon.split("/")
        return f"{max(5, int(num) // 10)}/{period}"


class TokenObtainView(APIView):
    """Sign in with email and password; answers the account's API token (created on first use)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenObtainThrottle]

    def get_authenticate_header(self, request):
        # Without auth classes DRF would turn 401 into 403; tell clients which scheme the token is for.
        return "Token"

    @extend_schema(
        summary="Obtain an API token",
        tags=["auth"],
        request=TokenInputSerializer,
        responses={
            200: TokenOutputSerializer,
            401: OpenApiResponse(description="Wrong email or password."),
            403: OpenApiResponse(description="The email address is not confirmed yet."),
            429: OpenApiResponse(description="Too many attempts: this client, or this account after "
                                             "failed logins here or on the login form, must wait."),
        },
        auth=[],
    )
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email, password = data.validated_data["email"], data.validated_data["password"]
        # The login form's own path (allauth's adapter): it resolves any of the account's addresses and
        # counts failures per account in allauth's "login_failed" rate limit, so a lockout earned on
        # the form holds here and failures here count towards the form's lockout.
        try:
            user = get_adapter(request._request).authenticate(request._request, email=email, password=password)
        except ValidationError as exc:
            raise Throttled(detail=" ".join(exc.messages)) from exc
        if user is None or not user.is_active:
            raise AuthenticationFailed("Wrong email or password.")
        # Mandatory verification applies to programs as to the login form.
        if not EmailAddress.objects.filter(user=user, verified=True).exists():
            raise PermissionDenied("Confirm your email address first: follow the link we emailed you.")
        token, _ = Token.objects.get_or_create(user=user)
        return Response(TokenOutputSerializer({"token": token.key}).data)



@transaction.atomic
def api_tokens_revoke(*, user_id: int) -> int:
    """Delete every API token of the account (after a password change or reset); returns how many."""
    deleted, _ = Token.objects.filter(user_id=user_id).delete()
    return deleted
