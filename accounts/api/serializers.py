"""The accounts endpoints' JSON shapes.

Profile and organisation changes are validated by the pages' own forms (ProfileForm, OrganizationForm):
their rules (a known time zone, a slug that is not reserved, a retention between 30 and 3,650 days,
https assumed for a bare domain) are written once, there.
"""

import copy

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from ..forms import OrganizationForm, ProfileForm
from ..models import ApiKey, Membership, Organization, User

NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY


def validated_by_form(form_class, instance, attrs, **kwargs):
    """`attrs` checked by the page's form (the instance's other values filling the rest), as cleaned there.

    The form works on a copy: a ModelForm writes what it cleans onto its instance, even when invalid.
    """
    data = {name: getattr(instance, name) for name in form_class.base_fields if name != "logo"}
    data.update(attrs)
    form = form_class(data, instance=copy.copy(instance), **kwargs)
    if not form.is_valid():
        raise serializers.ValidationError(
            {(NON_FIELD_ERRORS if field == "__all__" else field): list(errors) for field, errors in form.errors.items()}
        )
    return {name: form.cleaned_data[name] for name in attrs}


def split_name(name):
    """("Ada", "King Lovelace") from "Ada King Lovelace": the original's first and last names from our one name."""
    first, _, last = (name or "").strip().partition(" ")
    return first, last.strip()


class NamePartField(serializers.CharField):
    """first_name or last_name, read from and written into the user's one `name`."""

    def __init__(self, part, **kwargs):
        self.part = part
        super().__init__(source="*", required=False, allow_blank=True, max_length=150, **kwargs)

    def to_representation(self, user):
        return split_name(user.name)[self.part]

    def to_internal_value(self, data):
        return {self.field_name: super().to_internal_value(data)}


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)


class ProfileSerializer(serializers.ModelSerializer):
    """The signed-in user, and the organisation and role the call acts in."""

    first_name = NamePartField(0)
    last_name = NamePartField(1)
    organization = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "name", "first_name", "last_name", "timezone", "organization", "role"]
        read_only_fields = ["id", "email"]
        extra_kwargs = {"timezone": {"help_text": "An IANA zone like Europe/Paris; empty: the organisation's."}}

    def _membership(self):
        return self.context.get("membership")

    @extend_schema_field(OrganizationRefSerializer(allow_null=True))
    def get_organization(self, user):
        membership = self._membership()
        return OrganizationRefSerializer(membership.organization).data if membership else None

    @extend_schema_field(serializers.ChoiceField(choices=Membership.Role.choices, allow_null=True))
    def get_role(self, user):
        membership = self._membership()
        return membership.role if membership else None

    def validate(self, attrs):
        parts = {key: attrs.pop(key) for key in ("first_name", "last_name") if key in attrs}
        if parts:
            if "name" in attrs:
                raise serializers.ValidationError({"name": ["Send either name, or first_name and last_name."]})
            first, last = split_name(self.instance.name)
            attrs["name"] = f"{parts.get('first_name', first).strip()} {parts.get('last_name', last).strip()}".strip()
        return validated_by_form(ProfileForm, self.instance, attrs)


class MemberSerializer(serializers.ModelSerializer):
    """A member of the organisation: the person, with their role there."""

    id = serializers.IntegerField(source="user.id", read_only=True)
    membership_id = serializers.IntegerField(source="id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)
    first_name = serializers.SerializerMethodField()
    last_name = serializers.SerializerMethodField()
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "membership_id", "email", "name", "first_name", "last_name", "role", "is_active", "joined_at"]
        read_only_fields = fields

    def get_first_name(self, membership) -> str:
        return split_name(membership.user.name)[0]

    def get_last_name(self, membership) -> str:
        return split_name(membership.user.name)[1]


class SocietySerializer(serializers.ModelSerializer):
    """The organisation's profile (the original's "Society"), as its settings page edits it.

    The logo is a file: it is uploaded on the settings page (this API speaks JSON only).
    """

    # Plain strings here: the form checks them, taking "acme.com" as https://acme.com as the page does.
    website = serializers.CharField(max_length=200, required=False, allow_blank=True)
    privacy_policy_url = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "slug",
            "website",
            "description",
            "industry",
            "size",
            "brand_colour",
            "careers_intro",
            "privacy_policy_url",
            "data_retention_days",
            "timezone",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate(self, attrs):
        return validated_by_form(OrganizationForm, self.instance, attrs)


class ApiKeySerializer(serializers.ModelSerializer):
    """A key as lists show it: never the key itself, nor its digest."""

    created_by = serializers.EmailField(source="created_by.email", read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "name",
            "prefix",
            "role",
            "read_only",
            "is_active",
            "created_by",
            "created_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = ["id", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
        extra_kwargs = {"read_only": {"default": True}, "role": {"required": True}}


class NewApiKeySerializer(ApiKeySerializer):
    """The answer to creating a key: with the key itself, shown this once."""

    key = serializers.CharField(read_only=True, help_text="The key: store it now, it is never shown again.")

    class Meta(ApiKeySerializer.Meta):
        fields = [*ApiKeySerializer.Meta.fields, "key"]
