"""What each event says: the few fields a receiver needs, read from the record that set it off.

Minimal on purpose: ids (which the receiver looks up through the API with its own credentials),
stages, statuses and times. No names, email addresses, notes, reasons or recommendations: what a
webhook never carries can't leak from a receiver's logs, and an erasure has less to chase.

Each builder takes the id of a record that does not change once written (the application, its
stage-history entry, the decision's timeline entry, the candidate, the interview at its scheduling,
the scorecard), so a retry sends what happened, not what is true later. It returns None when the
record is gone or its person erased: there is nothing left to tell.
"""

from dataclasses import dataclass

from ..applications.models import Application, ApplicationStageHistory
from ..candidates.models import Candidate, TimelineEvent
from ..interviews.models import Interview, Scorecard
from .models import Event


@dataclass
class Occurrence:
    organization_id: int
    source: str  # "history:12": one delivery per endpoint, however often the task runs
    occurred_at: object
    data: dict
    candidate_id: int
    application_id: int | None = None


def iso(moment):
    """ISO 8601 in UTC, with Z: the API's times."""
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _stage(stage_id, name):
    return {"id": stage_id, "name": name} if stage_id else None


def _application_data(application):
    return {
        "application_id": application.pk,
        "candidate_id": application.candidate_id,
        "job_id": application.job_id,
        "stage": _stage(application.current_stage_id, application.current_stage.name),
        "status": application.status,
    }


def _live(queryset, pk, person="candidate"):
    """The row `pk` of `queryset`, unless gone or its person (the candidate at the path `person`,
    "" for a candidate itself) erased."""
    row = queryset.filter(pk=pk).first()
    if row is None:
        return None
    candidate = row
    for name in filter(None, person.split("__")):
        candidate = getattr(candidate, name)
    return None if candidate.erased_at else row


def application_created(pk):
    application = _live(Application.objects.select_related("candidate", "job", "current_stage"), pk, "candidate")
    if application is None:
        return None
    return Occurrence(
        organization_id=application.job.organization_id,
        source=f"application:{pk}",
        occurred_at=application.applied_at,
        data={
            **_application_data(application),
            "source": application.source,
            "applied_at": iso(application.applied_at),
        },
        candidate_id=application.candidate_id,
        application_id=application.pk,
    )


def stage_changed(pk):
    entry = _live(
        ApplicationStageHistory.objects.select_related("application__candidate", "application__job"),
        pk,
        "application__candidate",
    )
    if entry is None:
        return None
    application = entry.application
    return Occurrence(
        organization_id=application.job.organization_id,
        source=f"history:{pk}",
        occurred_at=entry.created_at,
        data={
            "application_id": application.pk,
            "candidate_id": application.candidate_id,
            "job_id": application.job_id,
            "from_stage": _stage(entry.from_stage_id, entry.from_stage_name),
            "to_stage": _stage(entry.to_stage_id, entry.to_stage_name),
            "moved_at": iso(entry.created_at),
        },
        candidate_id=application.candidate_id,
        application_id=application.pk,
    )


def _decision(pk, *, who=False):
    event = _live(
        TimelineEvent.objects.select_related("candidate", "application__job", "application__current_stage").filter(
            application__isnull=False
        ),
        pk,
    )
    if event is None:
        return None
    application = event.application
    data = {**_application_data(application), "decided_at": iso(event.created_at)}
    if who:
        # A member's withdrawal records them as its actor; the candidate's own, on their status page
        # (status_link.withdraw_by_candidate), is the one that records no one.
        data["by"] = "team" if event.actor_id else "candidate"
    return Occurrence(
        organization_id=application.job.organization_id,
        source=f"event:{pk}",
        occurred_at=event.created_at,
        data=data,
        candidate_id=application.candidate_id,
        application_id=application.pk,
    )


def withdrawal(pk):
    """A decision's fields, and who withdrew: "candidate" (their status page) or "team"."""
    return _decision(pk, who=True)


def candidate_created(pk):
    candidate = _live(Candidate.objects.all(), pk, "")
    if candidate is None:
        return None
    return Occurrence(
        organization_id=candidate.organization_id,
        source=f"candidate:{pk}",
        occurred_at=candidate.created_at,
        data={"candidate_id": candidate.pk, "source": candidate.source, "created_at": iso(candidate.created_at)},
        candidate_id=candidate.pk,
    )


def _interview_data(interview):
    application = interview.application
    return {
        "interview_id": interview.pk,
        "application_id": application.pk,
        "candidate_id": application.candidate_id,
        "job_id": application.job_id,
    }


def interview_scheduled(pk):
    interview = _live(
        Interview.objects.select_related("application__candidate").filter(status=Interview.Status.SCHEDULED),
        pk,
        "application__candidate",
    )
    if interview is None:
        return None
    return Occurrence(
        organization_id=interview.organization_id,
        source=f"interview:{pk}",
        occurred_at=interview.scheduled_at,
        data={
            **_interview_data(interview),
            "starts_at": iso(interview.starts_at),
            "ends_at": iso(interview.ends_at),
            "duration_minutes": interview.duration_minutes,
        },
        candidate_id=interview.application.candidate_id,
        application_id=interview.application_id,
    )


def scorecard_submitted(pk):
    scorecard = _live(
        Scorecard.objects.select_related("interview__application__candidate"), pk, "interview__application__candidate"
    )
    if scorecard is None:
        return None
    interview = scorecard.interview
    return Occurrence(
        organization_id=interview.organization_id,
        source=f"scorecard:{pk}",
        occurred_at=scorecard.submitted_at,
        data={
            **_interview_data(interview),
            "scorecard_id": scorecard.pk,
            "author_id": scorecard.author_id,
            "submitted_at": iso(scorecard.submitted_at),
        },
        candidate_id=interview.application.candidate_id,
        application_id=interview.application_id,
    )


BUILDERS = {
    Event.APPLICATION_CREATED: application_created,
    Event.APPLICATION_STAGE_CHANGED: stage_changed,
    Event.APPLICATION_REJECTED: _decision,
    Event.APPLICATION_HIRED: _decision,
    Event.APPLICATION_WITHDRAWN: withdrawal,
    Event.CANDIDATE_CREATED: candidate_created,
    Event.INTERVIEW_SCHEDULED: interview_scheduled,
    Event.SCORECARD_SUBMITTED: scorecard_submitted,
}
