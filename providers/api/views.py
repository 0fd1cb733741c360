"""Provider registration and approval over the API."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from accounts.models import User
from accounts.throttling import RegistrationThrottle
from common.errors import PermissionDeniedError
from common.http import AuthenticatedRequest
from common.pagination import PaginatedListMixin
from providers import services
from providers.models import Provider, ProviderStatus


class RegistrationErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    field = serializers.CharField(required=False)


class UserInSerializer(serializers.Serializer[Any]):
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    email = serializers.CharField(max_length=254)
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=200, write_only=True, trim_whitespace=False)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        errors = services.user_errors(data)
        if errors:
            raise serializers.ValidationError({k: [v] for k, v in errors.items()})
        return data


class RegistrationSerializer(UserInSerializer):
    name = serializers.CharField(max_length=200)
    companies_house_number = serializers.CharField(max_length=20)
    cqc_provider_id = serializers.CharField(max_length=30)
    contact_name = serializers.CharField(max_length=200)
    contact_email = serializers.CharField(max_length=254)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        errors = {**services.organisation_errors(data), **services.user_errors(data)}
        if errors:
            raise serializers.ValidationError({k: [v] for k, v in errors.items()})
        return data


class UserOutSerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email"]


class ProviderSerializer(serializers.ModelSerializer[Provider]):
    users = UserOutSerializer(many=True, read_only=True)

    class Meta:
        model = Provider
        fields = ["id", "name", "companies_house_number", "cqc_provider_id", "contact_name", "contact_email",
                  "contact_phone", "status", "decision_note", "decided_at", "created_at", "users"]


class RegistrationResultSerializer(serializers.Serializer[Any]):
    provider = ProviderSerializer()
    username = serializers.CharField()
    approved = serializers.BooleanField(help_text="False: waiting for a commissioner's decision.")


class DecisionSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RegisterView(APIView):
    """Register an organisation and its first user. No sign-in needed."""

    permission_classes = [AllowAny]
    authentication_classes: list[type[BaseAuthentication]] = []
    throttle_classes = [RegistrationThrottle]  # issue 13: a few registrations an hour from one address

    @extend_schema(request=RegistrationSerializer, responses={201: RegistrationResultSerializer, 400: RegistrationErrorSerializer},
                   auth=[])
    def post(self, request: Request) -> Response:
        data = RegistrationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = services.provider_register(data=data.validated_data)
        return Response(
            {"provider": ProviderSerializer(registration.provider).data, "username": registration.user.username,
             "approved": registration.approved},
            status=status.HTTP_201_CREATED,
        )


class MyOrganisationView(APIView):
    @extend_schema(responses={200: ProviderSerializer, 404: RegistrationErrorSerializer})
    def get(self, request: AuthenticatedRequest) -> Response:
        """The signed-in provider user's organisation and its users."""
        if not getattr(request.user, "provider_id", None):
            raise Http404("You are not a provider's user.")
        return Response(ProviderSerializer(request.user.provider).data)


class MyUsersView(APIView):
    @extend_schema(request=UserInSerializer, responses={201: UserOutSerializer, 400: RegistrationErrorSerializer, 403: RegistrationErrorSerializer})
    def post(self, request: AuthenticatedRequest) -> Response:
        """Add a colleague to your organisation."""
        if not permissions.is_provider_user(request.user):
            raise PermissionDeniedError("Only a provider's users can add colleagues.")
        data = UserInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        provider = request.user.provider
        if provider is None:  # is_provider_user checked it is set (a database constraint too); this tells mypy
            raise PermissionDeniedError("Only a provider's users can add colleagues.")
        user = services.provider_add_user(provider=provider, actor=request.user, data=data.validated_data)
        return Response(UserOutSerializer(user).data, status=status.HTTP_201_CREATED)


def _require_commissioner(user: User | AnonymousUser) -> None:
    if not permissions.can_decide_registration(user):
        raise PermissionDeniedError("Only a commissioner can see and decide registrations.")


class ProviderListView(PaginatedListMixin, APIView):
    @extend_schema(
        parameters=[OpenApiParameter("status", str, enum=[s.value for s in ProviderStatus], required=False)],
        responses={200: ProviderSerializer(many=True), 403: RegistrationErrorSerializer},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        """Registered providers (commissioners), optionally by status, e.g. ?status=pending."""
        _require_commissioner(request.user)
        qs = Provider.objects.prefetch_related("users").order_by("name")
        wanted = request.query_params.get("status")
        if wanted:
            if wanted not in ProviderStatus.values:
                return Response({"status": [f"Choose one of: {', '.join(ProviderStatus.values)}."]}, status=400)
            qs = qs.filter(status=wanted)
        return self.paginated(qs, ProviderSerializer)


class DecisionView(APIView):
    @extend_schema(request=DecisionSerializer,
                   responses={200: ProviderSerializer, 400: RegistrationErrorSerializer, 403: RegistrationErrorSerializer,
                              404: RegistrationErrorSerializer, 409: OpenApiResponse(RegistrationErrorSerializer, description="Already decided so.")})
    def post(self, request: AuthenticatedRequest, provider_id: int) -> Response:
        """Approve or reject a registration (a reason is required to reject)."""
        _require_commissioner(request.user)
        provider = Provider.objects.filter(pk=provider_id).first()
        if provider is None:
            raise Http404("No such provider.")
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["decision"] == "approve":
            provider = services.provider_approve(provider=provider, user=request.user, note=data.validated_data["reason"])
        else:
            provider = services.provider_reject(provider=provider, user=request.user, reason=data.validated_data["reason"])
        return Response(ProviderSerializer(provider).data)
