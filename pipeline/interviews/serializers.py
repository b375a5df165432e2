"""Interviews and scorecards as the API reads and writes them.

Ids named in a body (the application, the panel, the interview a scorecard is about) are looked up in
the caller's scope: one outside it is "no such one" (400). Whether the caller may schedule or give
feedback is the view's question (access.py); what an interview or a scorecard may hold is services.py's.
Times are ISO 8601 in UTC (a time without an offset is read as UTC).
"""

import datetime

from django.contrib.auth import get_user_model
from rest_framework import serializers

from accounts.params import MAX_ID

from ..applications.access import applications_visible_to
from .access import interviews_visible_to
from .models import Interview, Scorecard
from .slots import bookable_window

User = get_user_model()


def _id_field(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def _utc(**kwargs):
    return serializers.DateTimeField(default_timezone=datetime.UTC, **kwargs)


class PanelMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user_id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="user.name", read_only=True)


class PanelIdsField(serializers.ListField):
    """The panel's user ids: read from the interview's seats, written as the whole new panel."""

    child = _id_field()

    def get_attribute(self, interview):
        return [seat.user_id for seat in interview.panel.all()]


class InterviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    application_id = _id_field()
    title = serializers.CharField(max_length=200)
    starts_at = _utc()
    ends_at = _utc(read_only=True)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, default=60)
    time_zone = serializers.CharField(read_only=True, help_text="The organiser's zone, which the invitations speak.")
    location = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    interviewers = PanelIdsField(max_length=50, default=list, help_text="The panel: user ids of members.")
    panel = PanelMemberSerializer(many=True, read_only=True)
    organizer = serializers.IntegerField(source="organizer_id", read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=Interview.Status.choices, read_only=True)
    sequence = serializers.IntegerField(read_only=True, help_text="Raised by each reschedule and the cancellation.")
    cancelled_at = _utc(read_only=True, allow_null=True)
    cancel_reason = serializers.CharField(read_only=True)
    created_at = _utc(read_only=True)
    updated_at = _utc(read_only=True)
    ignore_conflicts = serializers.BooleanField(
        write_only=True, default=False, help_text="Schedule even if someone on the panel is in another interview then."
    )

    def validate_starts_at(self, starts_at):
        first, last = bookable_window()
        if not first <= starts_at <= last:
            raise serializers.ValidationError(f"Choose a time between {first:%Y-%m-%d} and {last:%Y-%m-%d}.")
        return starts_at

    def validate(self, data):
        if "application_id" in data:  # a new interview: about an application the caller sees
            visible = applications_visible_to(self.context["request"].membership)
            related = visible.select_related("job__organization", "candidate", "current_stage")
            data["application"] = related.filter(pk=data.pop("application_id")).first()
            if data["application"] is None:
                raise serializers.ValidationError({"application_id": ["No such application."]})
        return data

    def validate_interviewers(self, ids):
        """Users of the organisation, in the order given (the service says which are no active members)."""
        organization = self.context["request"].organization
        ids = list(dict.fromkeys(ids))
        found = User.objects.filter(pk__in=ids, memberships__organization=organization).in_bulk()
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(f"No member of the organisation has the id {missing[0]}.")
        return [found[pk] for pk in ids]


class InterviewUpdateSerializer(InterviewSerializer):
    """A reschedule: what it names changes, the rest stays (an interview stays about its application)."""

    application_id = serializers.IntegerField(read_only=True)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)
    location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    interviewers = PanelIdsField(max_length=50, required=False, help_text="The panel: user ids of members.")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RatingSerializer(serializers.Serializer):
    attribute = _id_field(help_text="One of the job's scorecard attributes (another is ignored).")
    name = serializers.CharField(read_only=True, help_text="The attribute's name when it was rated.")
    rating = serializers.IntegerField(allow_null=True, help_text="1 (poor) to 5 (exceptional); null: not assessed.")


class ScorecardSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    interview = _id_field(source="interview_id")
    application_id = serializers.IntegerField(source="interview.application_id", read_only=True)
    author = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    author_email = serializers.EmailField(source="author.email", read_only=True, allow_null=True, default=None)
    recommendation = serializers.ChoiceField(choices=Scorecard.Recommendation.choices)
    ratings = RatingSerializer(many=True, required=False, default=list)
    notes = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    submitted_at = _utc(read_only=True)
    updated_at = _utc(read_only=True)

    def validate(self, data):
        if "interview_id" in data:  # a new scorecard: about an interview the caller sees
            visible = interviews_visible_to(self.context["request"].membership)
            data["interview"] = visible.filter(pk=data.pop("interview_id")).first()
            if data["interview"] is None:
                raise serializers.ValidationError({"interview": ["No such interview."]})
        return data

    def validate_ratings(self, ratings):
        """{attribute id: rating}, as services.submit_scorecard takes them."""
        return {rating["attribute"]: rating["rating"] for rating in ratings}


class ScorecardUpdateSerializer(ScorecardSerializer):
    """A change to one's own scorecard: what it names changes (`ratings` replaces all the ratings)."""

    interview = serializers.IntegerField(source="interview_id", read_only=True)
    recommendation = serializers.ChoiceField(choices=Scorecard.Recommendation.choices, required=False)
    ratings = RatingSerializer(many=True, required=False)
    notes = serializers.CharField(max_length=10000, required=False, allow_blank=True)
