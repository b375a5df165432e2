"""The candidate's status link: a signed address of one application's public status page.

The token is the application's id signed with django.core.signing's plain Signer, under a salt that
includes the application's own `status_salt`. No TimestampSigner, no expiry: the link goes out in the
acknowledgement (sent once, ever) and in every later email, and must keep working for as long as the
process runs, months at times. It is revoked instead: a new `status_salt` (revoke_status_link, and
erasure in pipeline.privacy) makes every signature made before fail, for that application only.

The page (pipeline.interviews.status_page, which may also read the next interview) and the withdrawal
it offers are public: whoever holds the link is the candidate, as with any "magic link" in an email.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts.params import to_int

from ..candidates import extensions
from ..candidates.models import Candidate, TimelineEvent
from . import services  # the module, not its names: emails (which services' imports may reach) imports this one
from .models import Application, RejectionReason, new_status_salt

SALT = "pipeline.applications.status-link"
MAX_ID = 2**63 - 1
# What a candidate may still withdraw (a decision already taken, hired included, is the team's to undo).
WITHDRAWABLE = (Application.Status.ACTIVE, Application.Status.ON_HOLD)
# What the team reads after "Withdrew: " on the timeline when the candidate withdrew themselves.
WITHDRAWN_HERE = "on their status page"


def _signer(application):
    return signing.Signer(salt=f"{SALT}:{application.status_salt}")


def status_token(application):
    return _signer(application).sign(str(application.pk))


def status_path(application, *, organization=None):
    """The page's path; `organization` (the application's, if already at hand) saves a query."""
    organization = organization or application.job.organization
    return reverse("careers:application_status", args=[organization.slug, status_token(application)])


def status_url(application, *, organization=None):
    """The absolute link for emails (SITE_URL, as every link the emails carry)."""
    return settings.SITE_URL + status_path(application, organization=organization)


def application_for_token(token):
    """The application `token` signs, with its job, organisation, candidate and stage; None when the
    token is malformed, tampered with or revoked, or the person was erased. Two lookups at most: the
    id before the signature says which salt to check the signature with."""
    value, separator, _ = str(token).rpartition(":")
    pk = to_int(value, maximum=MAX_ID) if separator else None  # isdecimal: "²" is a digit int() refuses
    if pk is None:
        return None
    application = (
        Application.objects.select_related("job__organization", "candidate", "current_stage").filter(pk=pk).first()
    )
    if application is None:
        return None
    try:
        _signer(application).unsign(token)
    except signing.BadSignature:
        return None
    if application.candidate.erased_at is not None:
        return None  # erasure rotates the salt too; this holds even for a link to a row it missed
    return application


@transaction.atomic
def revoke_status_link(*, application, by=None):
    """Every status link sent before stops working (a forwarded email, a shared screen); the next
    email carries a new one. Said on the candidate's timeline."""
    application.status_salt = new_status_salt()
    Application.objects.filter(pk=application.pk).update(status_salt=application.status_salt)
    return TimelineEvent.objects.create(
        candidate_id=application.candidate_id,
        application=application,
        actor=by,
        kind="status_link_revoked",
        text="Status link revoked: the links sent before no longer open the status page",
    )


def withdrawal_reasons(organization):
    """The organisation's reasons of the "They withdrew" kind, for the candidate to choose one of."""
    return list(
        RejectionReason.objects.filter(
            organization=organization, is_active=True, kind=RejectionReason.Kind.WITHDREW
        ).values_list("name", flat=True)
    )


def withdraw_by_candidate(*, application, reason=""):
    """The candidate withdraws through their status page, by the recruiter's own service
    (reject_application with withdrawn=True): the timeline, the team's notifications, pending stage
    actions and interviews cancelled all follow from it.

    `reason` counts only if it is one of withdrawal_reasons(). Returns True when withdrawn now, False
    when there was nothing to withdraw (already closed: a second click, a decision taken meanwhile).
    """
    chosen = reason if reason in withdrawal_reasons(application.job.organization) else ""
    text = f"{chosen} ({WITHDRAWN_HERE})" if chosen else WITHDRAWN_HERE.capitalize()
    with transaction.atomic():
        # Locked for the check: a hire between reading and withdrawing must not be undone by the candidate.
        status = Application.objects.select_for_update().values_list("status", flat=True).get(pk=application.pk)
        if status not in WITHDRAWABLE:
            return False
        try:
            services.reject_application(application=application, reason=text, withdrawn=True)
        except ValidationError:
            return False
    return True


# --- The candidate page: each application's link, for those who take its decisions -------------

PANEL = "pipeline/applications/status_link_panel.html"


def application_panels(request, applications):
    """{application id: (template, context)}: one query at most (whether the person was erased: their
    links are dead); the link itself is computed."""
    decided = [application for application in applications if application.can_decide]
    if not decided:
        return {}
    erased = set(
        Candidate.objects.filter(pk__in={a.candidate_id for a in decided}, erased_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    panels = {}
    for application in decided:
        if application.candidate_id not in erased:
            panels[application.pk] = (
                PANEL,
                {
                    "application": application,
                    "url": status_url(application, organization=request.organization),
                    "revoke_url": reverse("pipeline:revoke_status_link", args=[application.pk]),
                },
            )
    return panels


def register():
    extensions.register("application_panels", application_panels)
