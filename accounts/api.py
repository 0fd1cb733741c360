"""POST /api/token/: exchange a username and password (and a security code) for an API token."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.forms import confirmed_devices
from accounts.throttling import TokenThrottle

if TYPE_CHECKING:
    from rest_framework.authentication import BaseAuthentication


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, style={"input_type": "password"}, trim_whitespace=False)
    otp_token = serializers.CharField(max_length=12, required=False, allow_blank=True,
                                      help_text="The authenticator code, for users with two-step verification.")


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Shown once; a new request replaces it. Send as 'Authorization: Token <key>'.")


class TokenErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()


class TokenView(APIView):
    """Issue an API token. Rate-limited per address; every issue is audited and replaces the old token."""

    permission_classes = [AllowAny]
    authentication_classes: list[type[BaseAuthentication]] = []  # none: the caller has no credentials yet
    throttle_classes = [TokenThrottle]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenSerializer, 400: TokenErrorSerializer,
                                                              403: TokenErrorSerializer}, auth=[])
    def post(self, request: Request) -> Response:
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request._request, username=data.validated_data["username"],
                            password=data.validated_data["password"])
        if user is None:
            return Response({"detail": "The username or password is not right."}, status=status.HTTP_400_BAD_REQUEST)
        devices = confirmed_devices(user)
        if not devices and getattr(settings, "OTP_REQUIRED", False) and user.is_commissioning_side:
            return Response({"detail": "Set up two-step verification (/accounts/two-step/) before asking for a token."},
                            status=status.HTTP_403_FORBIDDEN)
        if devices:
            code = (data.validated_data.get("otp_token") or "").replace(" ", "")
            if not any(device.verify_token(code) for device in devices):
                return Response({"detail": "The security code is missing, not right or expired."},
                                status=status.HTTP_400_BAD_REQUEST)
        return Response({"token": services.user_token_issue(user=user, actor=user)})
