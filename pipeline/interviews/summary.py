"""What interviews add to a candidate's page: each application's interview feedback, summed up.

Registered with pipeline.candidates.extensions ("application_panels") from PipelineConfig.ready().
Per application the viewer sees: the recommendations counted, the average of each rated attribute,
and each scorecard. Feedback is blind (access.py): where the viewer still owes feedback, they see
their own scorecards and how many others have given theirs, nothing of what those say.
"""

from .access import blinded_applications
from .feedback import shown
from .models import Scorecard

PANEL = "pipeline/interviews/_feedback_summary.html"
# Most favourable first, as the tally reads ("2 Strong yes · 1 Yes · 1 No").
_TALLY_ORDER = list(reversed(Scorecard.Recommendation))


def _tally(scorecards):
    """[(recommendation value, label, count)] of those given, most favourable first."""
    counts = {}
    for card in scorecards:
        counts[card.recommendation] = counts.get(card.recommendation, 0) + 1
    return [(choice.value, choice.label, counts[choice]) for choice in _TALLY_ORDER if counts.get(choice)]


def _averages(scorecards):
    """[(attribute name, average rating, how many rated it)], in the order the job lists them (as rated).

    Keyed by the attribute's id: a rename since keeps one row, under the latest name given.
    """
    found = {}
    for card in scorecards:  # oldest first: a later scorecard's name for an attribute wins
        for each in card.ratings:
            _, total, count = found.get(each["attribute"], ("", 0, 0))
            found[each["attribute"]] = (each["name"], total + each["rating"], count + 1)
    return [(name, round(total / count, 1), count) for name, total, count in found.values()]


def application_panels(request, applications):
    """{application id: (template, context)} for those with feedback to show: two queries for all
    the applications (none without any)."""
    if not applications:
        return {}
    membership = request.membership
    ids = [application.pk for application in applications]
    blinded = blinded_applications(membership, ids)
    scorecards = (
        Scorecard.objects.filter(interview__application_id__in=ids)
        .select_related("author", "interview")
        .order_by("submitted_at", "pk")
    )
    by_application = {}
    for card in scorecards:
        by_application.setdefault(card.interview.application_id, []).append(card)
    panels = {}
    for application in applications:
        found = by_application.get(application.pk, [])
        if not found:
            continue
        # access.scorecards_visible_to, for many applications at once: a blinded member reads only their own.
        if application.pk in blinded:
            own = [card for card in found if card.author_id == request.user.pk]
            ctx = {"application": application, "blinded": True, "scorecards": shown(own)}
            # People, not scorecards (one may sit on two interviews); a former member's each count once.
            ctx["others_given"] = len({card.author_id or -card.pk for card in found if card not in own})
        else:
            ctx = {"application": application, "blinded": False, "scorecards": shown(found)}
            ctx |= {"tally": _tally(found), "averages": _averages(found)}
        panels[application.pk] = (PANEL, ctx)
    return panels
