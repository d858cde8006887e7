"""REST API for reviews, members and invitations."""

from django.db import models
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .api_access import FlagField, Pages, ReviewScopedAPIView, TextField
from .api_schema import paginated
from .models import Membership, Review, Role


class ReviewOutput(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = ["id", *services.REVIEW_FIELDS, "created_at", "role"]

    def get_role(self, review) -> str | None:
        if hasattr(review, "my_role"):  # listed through reviews_for_user: no query per review
            return review.my_role
        return selectors.role_of(user=self.context["request"].user, review=review)


class ReviewInput(serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.CharField: TextField, models.TextField: TextField,
                                models.BooleanField: FlagField}

    class Meta:
        model = Review
        fields = list(services.REVIEW_FIELDS)


class ReviewListApi(APIView):
    @paginated(ReviewOutput)
    def get(self, request):
        reviews = selectors.reviews_for_user(user=request.user)
        page = Pages()
        items = page.paginate_queryset(reviews, request, view=self)
        data = ReviewOutput(items, many=True, context={"request": request}).data
        return page.get_paginated_response(data)

    @extend_schema(request=ReviewInput, responses={201: ReviewOutput})
    def post(self, request):
        data = ReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_create(actor=request.user, **data.validated_data)
        out = ReviewOutput(review, context={"request": request}).data
        return Response(out, status=status.HTTP_201_CREATED)


class ReviewDetailApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "PATCH": "manage"}

    @extend_schema(responses=ReviewOutput)
    def get(self, request, review_id):
        return Response(ReviewOutput(self.review, context={"request": request}).data)

    @extend_schema(request=ReviewInput, responses=ReviewOutput)
    def patch(self, request, review_id):
        data = ReviewInput(self.review, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        review = services.review_update(
            actor=request.user, review_id=review_id, **data.validated_data
        )
        return Response(ReviewOutput(review, context={"request": request}).data)


class MemberOutput(serializers.ModelSerializer):
    username = TextField(source="user.username")

    class Meta:
        model = Membership
        fields = ["id", "username", "role", "created_at"]


class InviteInput(serializers.Serializer):
    invitee = TextField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    invitee = TextField()
    role = TextField()
    url = TextField()
    expires_at = serializers.DateTimeField()


class MemberListApi(ReviewScopedAPIView):
    review_access = {"GET": "read", "POST": "manage"}

    @extend_schema(responses=MemberOutput(many=True))
    def get(self, request, review_id):
        members = selectors.members_for_review(user=request.user, review_id=review_id)
        return Response(MemberOutput(members, many=True).data)

    @extend_schema(request=InviteInput, responses={201: InvitationOutput})
    def post(self, request, review_id):
        data = InviteInput(data=request.data)
        data.is_valid(raise_exception=True)
        inv = services.invitation_create(
            actor=request.user,
            review_id=review_id,
            **data.validated_data,
        )
        out = {
            "id": inv.id,
            "invitee": inv.invitee,
            "role": inv.role,
            "url": services.invitation_url(inv, request),
            "expires_at": inv.expires_at,
        }
        return Response(InvitationOutput(out).data, status=status.HTTP_201_CREATED)


class RoleInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class MemberDetailApi(ReviewScopedAPIView):
    review_access = {"PATCH": "manage", "DELETE": "manage"}

    @extend_schema(request=RoleInput, responses=MemberOutput)
    def patch(self, request, review_id, membership_id):
        get_object_or_404(Membership, pk=membership_id, review_id=review_id)
        data = RoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        m = services.membership_set_role(
            actor=request.user,
            review_id=review_id,
            membership_id=membership_id,
            **data.validated_data,
        )
        return Response(MemberOutput(m).data)

    @extend_schema(responses={204: None})
    def delete(self, request, review_id, membership_id):
        get_object_or_404(Membership, pk=membership_id, review_id=review_id)
        services.membership_remove(
            actor=request.user,
            review_id=review_id,
            membership_id=membership_id,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
