"""Stage actions set off by moves and decisions, run by the worker (django-q2 in sync mode here; a real
qcluster in test_qcluster.py): what each action does, once, only while it still applies."""

from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobs.models import HiringTeamMember
from mail.models import EmailMessage, EmailTemplate
from notifications.models import Category, Notification
from pipeline.applications import services
from pipeline.applications.choices import MoveChoices, WrittenEmail
from pipeline.applications.models import Application
from pipeline.automation import runner
from pipeline.automation.models import ActionRun, StageAction
from pipeline.automation.services import confirm_runs, retry_run
from pipeline.tasks.models import Task
from tests.factories import ApplicationFactory, MembershipFactory, bulk_applications, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(job, recruiter, hiring_manager):
    HiringTeamMember.objects.create(job=job, user=recruiter, role=HiringTeamMember.Role.RECRUITER)
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)
    return {"recruiter": recruiter, "hiring_manager": hiring_manager}


def stage(job, name):
    return job.stages.get(name=name)


def move(application, job, name, by, capture, **kwargs):
    with capture(execute=True):
        return services.move_application(application=application, to_stage=stage(job, name), by=by, **kwargs)


def later(minutes=1):
    """The sweeper as it runs a while from now (no sleeping: its clock is passed in)."""
    return timezone.now() + timedelta(minutes=minutes)


def sweep_later(capture, minutes=1):
    with capture(execute=True):
        return runner.sweep(now=later(minutes))


def sent_to(address):
    return [message for message in outbox.outbox if address in message.to]


def test_entering_reference_check_gives_the_recruiter_both_reference_tasks(
    job, application, team, owner, django_capture_on_commit_callbacks
):
    move(application, job, "Reference Check", owner, django_capture_on_commit_callbacks)

    tasks = Task.objects.filter(application=application).order_by("title")
    assert [(t.title, t.assignee) for t in tasks] == [
        (f"Call the first reference — {application.candidate.full_name}", team["recruiter"]),
        (f"Call the second reference — {application.candidate.full_name}", team["recruiter"]),
    ]
    assert all(t.due_on == job.organization.local_date(timezone.now()) + timedelta(days=3) for t in tasks)
    assert set(ActionRun.objects.filter(application=application).values_list("status", flat=True)) == {"done"}
    # The assignee heard of them.
    assert Notification.objects.filter(recipient=team["recruiter"], category=Category.TASK_ASSIGNED).count() == 2


def test_hired_sends_the_welcome_after_the_undo_window_and_tells_the_team(
    job, application, team, owner, django_capture_on_commit_callbacks
):
    move(application, job, "Hired", owner, django_capture_on_commit_callbacks)

    welcome = ActionRun.objects.get(application=application, kind=StageAction.Kind.EMAIL)
    # A person's move: the candidate's email waits out the Undo window, then the sweeper sends it.
    assert welcome.status == ActionRun.Status.PENDING
    assert sent_to("ada@example.com") == []
    told = Notification.objects.filter(category=Category.STAGE_ACTION)
    assert {n.recipient for n in told} == {team["recruiter"], team["hiring_manager"]}
    assert told.first().title == f"{application.candidate.full_name} was hired as {job.title}"

    assert sweep_later(django_capture_on_commit_callbacks) == 1

    welcome.refresh_from_db()
    assert welcome.status == ActionRun.Status.DONE
    [email] = sent_to("ada@example.com")
    assert email.subject.startswith("Welcome to Acme Corp")
    assert email.reply_to == [owner.email]  # replies reach the person who moved them


def test_an_offer_waits_for_a_person_and_goes_with_their_words(
    job, application, owner, django_capture_on_commit_callbacks
):
    entry = move(application, job, "Offer Made", owner, django_capture_on_commit_callbacks)

    [run] = entry.waiting
    assert run.status == ActionRun.Status.WAITING
    sweep_later(django_capture_on_commit_callbacks, minutes=60)
    assert sent_to("ada@example.com") == []  # nothing goes on a bare drag, however long it waits

    with django_capture_on_commit_callbacks(execute=True):
        confirm_runs(runs=[run], by=owner, send=True, edit=WrittenEmail(
            subject="Our offer, {{ candidate.first_name }}", body="<p>We'd love to have you, truly.</p>"))  # fmt: skip

    [email] = sent_to("ada@example.com")
    assert email.subject == "Our offer, Ada"
    assert "truly" in email.body


def test_an_offer_not_confirmed_is_cancelled_and_nothing_goes(
    job, application, owner, django_capture_on_commit_callbacks
):
    entry = move(application, job, "Offer Made", owner, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        confirm_runs(runs=entry.waiting, by=owner, send=False)
    sweep_later(django_capture_on_commit_callbacks)

    run = ActionRun.objects.get(pk=entry.waiting[0].pk)
    assert run.status == ActionRun.Status.CANCELLED
    assert run.result.startswith("Skipped by")
    assert sent_to("ada@example.com") == []


def test_a_confirmation_left_unanswered_is_cancelled_when_the_application_moves_on(
    job, application, owner, django_capture_on_commit_callbacks
):
    entry = move(application, job, "Offer Made", owner, django_capture_on_commit_callbacks)
    move(application, job, "Reference Check", owner, django_capture_on_commit_callbacks)

    run = ActionRun.objects.get(pk=entry.waiting[0].pk)
    assert (run.status, run.result) == (ActionRun.Status.CANCELLED, "Not confirmed before it moved on.")


def test_a_confirmed_move_sends_the_offer_without_asking_again(
    job, application, owner, django_capture_on_commit_callbacks
):
    entry = move(application, job, "Offer Made", owner, django_capture_on_commit_callbacks,
                 choices=MoveChoices(confirmed=True))  # fmt: skip
    assert entry.waiting == []

    sweep_later(django_capture_on_commit_callbacks)

    assert len(sent_to("ada@example.com")) == 1


def test_a_run_executed_twice_sends_one_email(job, application, owner, django_capture_on_commit_callbacks):
    """A worker that died after its work, before recording it: the run is owed again, and finds its email."""
    move(application, job, "Hired", owner, django_capture_on_commit_callbacks)
    welcome = ActionRun.objects.get(application=application, kind=StageAction.Kind.EMAIL)
    ActionRun.objects.filter(pk=welcome.pk).update(due_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert runner.run_one(welcome.pk) == ActionRun.Status.DONE
        # The record is lost: the run looks owed again, and runs again.
        ActionRun.objects.filter(pk=welcome.pk).update(status=ActionRun.Status.PENDING, result="")
        assert runner.run_one(welcome.pk) == ActionRun.Status.DONE
        # And a duplicate task of it finds it claimed or done: nothing.
        assert runner.run_one(welcome.pk) is None

    assert EmailMessage.objects.filter(idempotency_key=f"action-run:{welcome.pk}:candidate").count() == 1
    assert len(sent_to("ada@example.com")) == 1


def test_a_lost_task_is_queued_again_by_the_sweeper_and_runs_once(
    job, application, team, owner, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr("django_q.tasks.async_task", lambda path, *args, **kwargs: queued.append((path, args)))
    move(application, job, "Reference Check", owner, django_capture_on_commit_callbacks)
    runs = list(ActionRun.objects.filter(application=application))
    assert [path for path, _ in queued].count("pipeline.automation.tasks.run_actions") == 1  # and the broker lost it
    assert not Task.objects.exists()
    monkeypatch.undo()

    assert runner.sweep(now=timezone.now()) == 0  # queued a moment ago: not lost yet
    assert sweep_later(django_capture_on_commit_callbacks) == 2
    assert sweep_later(django_capture_on_commit_callbacks, minutes=5) == 0

    assert Task.objects.filter(application=application).count() == 2
    assert {run.status for run in ActionRun.objects.filter(pk__in=[r.pk for r in runs])} == {ActionRun.Status.DONE}


def test_a_run_whose_worker_died_mid_run_is_owed_again(
    job, application, team, owner, django_capture_on_commit_callbacks
):
    move(application, job, "Initial Screening", owner, django_capture_on_commit_callbacks)
    run = ActionRun.objects.get(application=application)
    Task.objects.all().delete()
    # As a killed worker leaves it: claimed, its work rolled back with its transaction.
    ActionRun.objects.filter(pk=run.pk).update(status=ActionRun.Status.RUNNING, started_at=later(-10), attempts=1)

    sweep_later(django_capture_on_commit_callbacks, minutes=0)  # gives it back, due after a retry delay
    sweep_later(django_capture_on_commit_callbacks, minutes=5)

    run.refresh_from_db()
    assert (run.status, run.attempts) == (ActionRun.Status.DONE, 2)
    assert Task.objects.filter(application=application).count() == 1


def _delayed(job, name, minutes=2 * 24 * 60):
    action = StageAction.objects.get(stage=stage(job, name), kind=StageAction.Kind.EMAIL)
    action.delay_minutes = minutes
    action.save()
    return action


def test_a_delayed_action_is_skipped_when_the_application_moved_on(
    job, application, owner, django_capture_on_commit_callbacks
):
    _delayed(job, "Hired")
    move(application, job, "Hired", owner, django_capture_on_commit_callbacks)
    move(application, job, "Final Interview", owner, django_capture_on_commit_callbacks)

    sweep_later(django_capture_on_commit_callbacks, minutes=3 * 24 * 60)

    run = ActionRun.objects.get(application=application, kind=StageAction.Kind.EMAIL, action__stage__name="Hired")
    assert run.status == ActionRun.Status.SKIPPED
    assert run.result == "Not run: moved on to Final Interview."
    # What Ada got is Final Interview's invitation, not Hired's welcome.
    assert [message.subject.split(",")[0] for message in sent_to("ada@example.com")] == [
        "Interview for Backend Engineer"
    ]


def test_a_delayed_action_is_skipped_when_the_application_is_no_longer_active(
    job, application, owner, django_capture_on_commit_callbacks
):
    _delayed(job, "Hired")
    move(application, job, "Hired", owner, django_capture_on_commit_callbacks)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.ON_HOLD)

    sweep_later(django_capture_on_commit_callbacks, minutes=3 * 24 * 60)

    run = ActionRun.objects.get(application=application, kind=StageAction.Kind.EMAIL)
    assert (run.status, run.result) == (ActionRun.Status.SKIPPED, "Not run: the application is on hold.")


def test_a_delayed_action_switched_off_meanwhile_does_not_run(
    job, application, owner, django_capture_on_commit_callbacks
):
    action = _delayed(job, "Hired")
    move(application, job, "Hired", owner, django_capture_on_commit_callbacks)
    StageAction.objects.filter(pk=action.pk).update(is_active=False)

    sweep_later(django_capture_on_commit_callbacks, minutes=3 * 24 * 60)

    run = ActionRun.objects.get(action=action)
    assert (run.status, run.result) == (ActionRun.Status.SKIPPED, "Not run: the action was switched off.")
    assert sent_to("ada@example.com") == []


@pytest.mark.parametrize("decision", ["reject", "withdraw", "hire"])
def test_a_decision_cancels_the_pending_runs(job, application, owner, decision, django_capture_on_commit_callbacks):
    _delayed(job, "Hired")
    move(application, job, "Hired", owner, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        if decision == "hire":
            services.set_status(application=application, status=Application.Status.HIRED, by=owner)
        else:
            services.reject_application(application=application, reason="Position filled", by=owner,
                                        withdrawn=decision == "withdraw")  # fmt: skip
    sweep_later(django_capture_on_commit_callbacks, minutes=3 * 24 * 60)

    run = ActionRun.objects.get(application=application, kind=StageAction.Kind.EMAIL)
    assert run.status == ActionRun.Status.CANCELLED
    assert sent_to("ada@example.com") == []


def test_a_delayed_rejection_email_is_cancelled_when_they_are_brought_back(
    application, owner, django_capture_on_commit_callbacks
):
    email = WrittenEmail(subject="About {{ job.title }}", body="<p>Sorry.</p>", delay=timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_application(application=application, reason="Position filled", by=owner, email=email)
        services.un_reject_application(application=application, by=owner)
    sweep_later(django_capture_on_commit_callbacks, minutes=5)

    run = ActionRun.objects.get(application=application, trigger=ActionRun.Trigger.REJECTION)
    assert run.status == ActionRun.Status.CANCELLED
    assert sent_to("ada@example.com") == []


def test_a_delayed_rejection_email_goes_when_its_time_comes(
    job, application, owner, django_capture_on_commit_callbacks
):
    email = WrittenEmail(subject="About {{ job.title }}", body="<p>Sorry, {{ candidate.first_name }}.</p>",
                         delay=timedelta(days=2))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_application(application=application, reason="Position filled", by=owner, email=email)
    sweep_later(django_capture_on_commit_callbacks, minutes=60)
    assert sent_to("ada@example.com") == []

    sweep_later(django_capture_on_commit_callbacks, minutes=2 * 24 * 60 + 1)

    [sent] = sent_to("ada@example.com")
    assert sent.subject == f"About {job.title}"
    assert "Sorry, Ada." in sent.body


def test_applying_acknowledges_once_and_reentering_the_stage_within_14_days_does_not_again(
    job, owner, django_capture_on_commit_callbacks
):
    values = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}
    with django_capture_on_commit_callbacks(execute=True):
        application = services.submit_application(job=job, values=values, files={"resume": pdf_upload()})
    assert len(sent_to("ada@example.com")) == 1

    move(application, job, "Initial Screening", owner, django_capture_on_commit_callbacks)
    move(application, job, "Application Received", owner, django_capture_on_commit_callbacks)
    sweep_later(django_capture_on_commit_callbacks)

    again = ActionRun.objects.filter(application=application, action__stage__name="Application Received").first()
    assert again.status == ActionRun.Status.SKIPPED
    assert "14 days" in again.result
    assert len(sent_to("ada@example.com")) == 1


def test_send_again_repeats_a_stage_email_within_14_days(job, application, owner, django_capture_on_commit_callbacks):
    def offer(**choices):
        move(application, job, "Offer Made", owner, django_capture_on_commit_callbacks,
             choices=MoveChoices(confirmed=True, **choices))  # fmt: skip
        sweep_later(django_capture_on_commit_callbacks)  # past the Undo window: it goes, or is skipped
        move(application, job, "Reference Check", owner, django_capture_on_commit_callbacks)

    offer()
    offer()
    offer(send_again=True)

    runs = ActionRun.objects.filter(application=application, action__stage__name="Offer Made").order_by("pk")
    assert [run.status for run in runs] == ["done", "skipped", "done"]
    assert runs[1].result == "Not sent again: this stage sent it in the last 14 days."
    assert len(sent_to("ada@example.com")) == 2


def test_a_candidate_a_recruiter_added_gets_no_acknowledgement(job, owner, django_capture_on_commit_callbacks):
    candidate = ApplicationFactory.build(job=job).candidate
    candidate.organization = job.organization
    candidate.save()
    with django_capture_on_commit_callbacks(execute=True):
        application = services.open_application(job=job, candidate=candidate, applied=False, by=owner)

    run = ActionRun.objects.get(application=application)
    assert run.status == ActionRun.Status.SKIPPED
    assert outbox.outbox == []


def test_undo_cancels_what_the_move_set_off(job, application, owner, django_capture_on_commit_callbacks):
    entry = move(application, job, "Hired", owner, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        services.undo_move(application=application, history_id=entry.pk, by=owner)
    sweep_later(django_capture_on_commit_callbacks)

    welcome = ActionRun.objects.get(history=entry, kind=StageAction.Kind.EMAIL)
    assert (welcome.status, welcome.result) == (ActionRun.Status.CANCELLED, "The move was undone.")
    assert sent_to("ada@example.com") == []


def test_a_template_switched_off_fails_the_run_with_why_and_retry_sends_it_once_fixed(
    job, application, owner, django_capture_on_commit_callbacks
):
    EmailTemplate.objects.filter(organization=job.organization, key="welcome").update(is_active=False)
    move(application, job, "Hired", owner, django_capture_on_commit_callbacks)
    sweep_later(django_capture_on_commit_callbacks)

    run = ActionRun.objects.get(application=application, kind=StageAction.Kind.EMAIL)
    assert (run.status, run.attempts) == (ActionRun.Status.FAILED, 1)
    assert run.error == "The email template “Welcome” is switched off."

    EmailTemplate.objects.filter(organization=job.organization, key="welcome").update(is_active=True)
    with django_capture_on_commit_callbacks(execute=True):
        retry_run(run=run, by=owner)

    run.refresh_from_db()
    assert (run.status, run.error) == (ActionRun.Status.DONE, "")
    assert len(sent_to("ada@example.com")) == 1


def test_only_members_who_may_see_the_application_are_reached(
    job, application, owner, organization, django_capture_on_commit_callbacks
):
    outsider = MembershipFactory(organization=organization, role="hiring_manager").user  # not on this job's team
    action = StageAction.objects.create(
        stage=stage(job, "Phone Screen"), kind=StageAction.Kind.NOTIFICATION,
        title="Look at {{ candidate.first_name }}", members=[outsider.pk, owner.pk],
    )  # fmt: skip
    move(application, job, "Phone Screen", owner, django_capture_on_commit_callbacks)

    run = ActionRun.objects.get(action=action)
    assert run.status == ActionRun.Status.DONE
    # The owner moved it (never told of their own act); the outsider may not see it.
    assert not Notification.objects.filter(category=Category.STAGE_ACTION).exists()


def test_a_bulk_move_costs_the_same_queries_for_20_and_200_cards(job, owner, django_capture_on_commit_callbacks):
    first, target = job.stages.get(name="Application Received"), stage(job, "Reference Check")

    def queries(count):
        ids = list(bulk_applications(job, count, stages=[first]).values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=False):
            services.set_positions(job=job, stage=target, application_ids=ids, by=owner)
        return len(captured)

    assert queries(20) == queries(200)
    assert ActionRun.objects.filter(history__to_stage=target).count() == 2 * 220
