"""Feedback on an interview: its section of the interview page, and the scorecard form.

Who may read whose scorecard is access.py's blind rule; what a scorecard may hold is
services.submit_scorecard's. The form here is written by hand rather than as a Django Form so
that the service is the one place a rating or a recommendation is checked: the view passes on
what was posted and shows the service's errors beside what was typed.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.permissions import organization_required

from .access import blinded_applications, get_interview_for_user, is_on_panel, scorecards_visible_to
from .models import PanelMember, Scorecard
from .services import submit_scorecard

NOT_ASSESSED = ""


def shown(scorecards):
    """`scorecards` with `rated` set on each: [(name, rating, its label)] as templates show them."""
    labels = Scorecard.RATINGS
    for card in scorecards:
        card.rated = [(each["name"], each["rating"], labels.get(each["rating"], "")) for each in card.ratings]
    return scorecards


def _state(interview):
    """Where the interview stands for feedback: "cancelled", "not_started" or "open" (display only;
    submit_scorecard decides)."""
    if interview.is_cancelled:
        return "cancelled"
    return "open" if interview.has_started else "not_started"


def feedback_context(request, interview):
    """The interview page's Feedback section (templates/pipeline/interviews/_feedback.html).

    The viewer's own scorecard; "Give feedback" (or "Edit your feedback") for a panel member once
    the interview has begun; the others' scorecards when the blind rule lets the viewer read them,
    else one line saying when they will; who on the panel has given feedback (names only).
    Four queries.
    """
    membership = request.membership
    panel = [seat.user for seat in PanelMember.objects.filter(interview=interview).select_related("user")]
    on_panel = any(user.pk == request.user.pk for user in panel)
    blinded = interview.application_id in blinded_applications(membership, [interview.application_id])
    scorecards = list(
        scorecards_visible_to(membership, interview.application).filter(interview=interview).select_related("author")
    )
    own = next((card for card in shown(scorecards) if card.author_id == request.user.pk), None)
    others = [card for card in scorecards if card is not own]
    state = _state(interview)
    ctx = {
        "interview": interview,
        "own": own,
        "others": others,
        "on_panel": on_panel,
        "state": state,
        "may_give": on_panel and state == "open",
        "form_url": reverse("pipeline:scorecard", args=[interview.pk]),
        "blinded": blinded,
    }
    if blinded:
        # Names and contents stay hidden; how many have written is no secret (and says theirs is awaited).
        given = Scorecard.objects.filter(interview=interview).exclude(author_id=request.user.pk).count()
        ctx["others_given"] = given
    else:
        written = {card.author_id for card in scorecards}
        ctx["submitted"] = [user for user in panel if user.pk in written]
        ctx["waiting"] = [user for user in panel if user.pk not in written]
    return ctx


def _posted(request, attributes):
    """What was posted, as the form shows it again: {attribute id: "1".."5" or ""}, recommendation, notes."""
    ratings = {attribute.pk: request.POST.get(f"rating-{attribute.pk}", NOT_ASSESSED) for attribute in attributes}
    return ratings, request.POST.get("recommendation", ""), request.POST.get("notes", "")


def _kept(scorecard, attributes):
    """The viewer's scorecard as the form shows it (an attribute renamed since keeps its rating)."""
    if scorecard is None:
        return {attribute.pk: NOT_ASSESSED for attribute in attributes}, "", ""
    rated = {each["attribute"]: str(each["rating"]) for each in scorecard.ratings}
    ratings = {attribute.pk: rated.get(attribute.pk, NOT_ASSESSED) for attribute in attributes}
    return ratings, scorecard.recommendation, scorecard.notes


def _errors(error):
    """{"recommendation"|"ratings"|"notes"|"general": [messages]} from the service's ValidationError
    (templates can't read "__all__")."""
    if not hasattr(error, "error_dict"):
        return {"general": error.messages}
    errors = error.message_dict
    if "__all__" in errors:
        errors["general"] = errors.pop("__all__")
    return errors


@require_http_methods(["GET", "POST"])
@organization_required
def scorecard(request, pk):
    """An interviewer's scorecard for an interview: the form (GET), saving it (POST)."""
    interview = get_interview_for_user(request, pk)
    if not is_on_panel(request.user, interview):
        raise PermissionDenied("Only the interview's panel gives feedback on it.")
    attributes = list(interview.application.job.scorecard_attributes.all())
    own = Scorecard.objects.filter(interview=interview, author=request.user).first()
    errors = {}
    if request.method == "POST":
        ratings, recommendation, notes = _posted(request, attributes)
        try:
            submit_scorecard(
                interview=interview, author=request.user, recommendation=recommendation, ratings=ratings, notes=notes
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, "Feedback saved." if own else "Thank you: your feedback is in.")
            return redirect("pipeline:interview", interview.pk)
    else:
        ratings, recommendation, notes = _kept(own, attributes)
    ctx = {
        "interview": interview,
        "application": interview.application,
        "state": _state(interview),
        "own": own,
        "attributes": [(attribute, ratings[attribute.pk]) for attribute in attributes],
        "scale": [(str(value), label) for value, label in Scorecard.RATINGS.items()],
        "not_assessed": NOT_ASSESSED,
        "recommendations": RECOMMENDATION_CHOICES,
        "recommendation": recommendation,
        "notes": notes,
        "notes_limit": Scorecard._meta.get_field("notes").max_length,
        "errors": errors,
    }
    return render(request, "pipeline/interviews/scorecard_form.html", ctx, status=400 if errors else 200)


# The four buttons, from no to yes (left to right), each with its icon.
_ICONS = {
    Scorecard.Recommendation.STRONG_NO: "bi-hand-thumbs-down-fill",
    Scorecard.Recommendation.NO: "bi-hand-thumbs-down",
    Scorecard.Recommendation.YES: "bi-hand-thumbs-up",
    Scorecard.Recommendation.STRONG_YES: "bi-hand-thumbs-up-fill",
}
RECOMMENDATION_CHOICES = [(choice.value, choice.label, _ICONS[choice]) for choice in Scorecard.Recommendation]
