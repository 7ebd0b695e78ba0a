"""API tokens: trade an email and password for a `Authorization: Token …` credential."""

from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView


class TokenInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenObtainThrottle(AnonRateThrottle):
    """Password guessing is throttled per client address, signed in or not."""

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
        },
        auth=[],
    )
    def post(self, request):
        data = TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email, password = data.validated_data["email"], data.validated_data["password"]
        # allauth's backend resolves the email (any of the account's addresses) like the login form does.
        user = authenticate(request, email=email, password=password)
        if user is None or not user.is_active:
            raise AuthenticationFailed("Wrong email or password.")
        # Mandatory verification applies to programs as to the login form.
        if not EmailAddress.objects.filter(user=user, verified=True).exists():
            raise PermissionDenied("Confirm your email address first: follow the link we emailed you.")
        token, _ = Token.objects.get_or_create(user=user)
        return Response(TokenOutputSerializer({"token": token.key}).data)
