"""Nothing that commits the company goes out on a bare move: an offer (or rejection) email asks first,
on the drag, the "Move to…" form and a bulk move; /applications/<id>/confirm-actions/ and
/jobs/<id>/confirm-actions/ answer it."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail as outbox
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mail.models import EmailMessage
from pipeline.applications.models import Application, ApplicationStageHistory
from pipeline.automation import runner
from pipeline.automation.models import ActionRun
from tests.factories import ApplicationFactory, bulk_applications, make_job

from .test_engine import later

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def on_board(job):
    return {**HTMX, "HX-Current-URL": f"http://testserver/jobs/{job.pk}/board/?q=ada"}


Status = ActionRun.Status


@pytest.fixture
def offer(job):
    return job.stages.get(name="Offer Made")


@pytest.fixture
def client(recruiter_client):
    return recruiter_client


def board(job):
    return f"/jobs/{job.pk}/board/"


def confirm_url(application):
    return f"/applications/{application.pk}/confirm-actions/"


def drag(client, job, stage, application, capture):
    """A card dropped into `stage`'s column, as the board's htmx posts it."""
    with capture(execute=True):
        return client.post(
            f"/jobs/{job.pk}/board/columns/{stage.pk}/",
            {"application": [application.pk]},
            headers={**HTMX, "HX-Current-URL": f"http://testserver{board(job)}?q=ada"},
        )


def waiting(application):
    return list(ActionRun.objects.filter(application=application, status=Status.WAITING))


def sweep(capture, minutes=60):
    """The worker's sweeper, an hour from now (no sleeping: its clock is passed in)."""
    with capture(execute=True):
        runner.sweep(now=later(minutes))


def answer(client, url, runs, capture, headers=None, **data):
    with capture(execute=True):
        return client.post(url, {"run": [run.pk for run in runs], **data}, headers=headers or {})


def form_values(html, prefix):
    """The subject and body the form holds for an action (`prefix`: a<action id>), as a browser would post them."""
    subject = re.search(rf'name="{prefix}-subject"[^>]*value="([^"]*)"', html)
    body = re.search(rf'name="{prefix}-body"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(subject.group(1)), unescape(body.group(1)).lstrip("\n")


# --- The drag -------------------------------------------------------------------------------------


def test_a_drag_into_offer_made_opens_the_dialog_and_nothing_goes_until_send(
    client, job, offer, application, django_capture_on_commit_callbacks
):
    response = drag(client, job, offer, application, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    [run] = waiting(application)
    # The answer's slot fetches the dialog, and comes back to the board as it was filtered.
    loader = re.search(
        r'<div id="dialog-slot" data-hx-swap-oob="true" data-hx-get="([^"]+)" data-hx-trigger="load"', response.text
    )
    assert loader, response.text
    url = unescape(loader.group(1))
    assert urlsplit(url).path == confirm_url(application)
    assert parse_qs(urlsplit(url).query)["next"] == [f"{board(job)}?q=ada"]
    sweep(django_capture_on_commit_callbacks)
    assert EmailMessage.objects.count() == 0

    dialog = client.get(url, headers=HTMX)

    assert dialog.status_code == 200
    assert dialog.text.lstrip().startswith("<dialog")
    assert "data-autoshow" in dialog.text and "<html" not in dialog.text
    prefix = f"a{run.action_id}"
    subject, body = form_values(dialog.text, prefix)
    assert subject == "Your offer from {{ organization.name }}"  # the template's text, variables kept
    assert "{{ candidate.first_name }}" in body
    # The preview is the text as Ada gets it, shown inside hx-disable.
    assert re.search(
        r"<div [^>]*data-hx-disable>\s*<div[^>]*>Subject</div>\s*<div[^>]*>Your offer from Acme Corp<", dialog.text
    )
    assert f'name="run" value="{run.pk}"' in dialog.text
    assert EmailMessage.objects.count() == 0

    sent = answer(
        client,
        url,
        [run],
        django_capture_on_commit_callbacks,
        headers=on_board(job),
        answer="send",
        **{f"{prefix}-subject": subject, f"{prefix}-body": body.replace("delighted", "thrilled")},
    )

    assert sent.status_code == 200
    assert "<dialog" not in sent.text  # the slot is emptied: the dialog closes
    assert "on its way" in sent.text
    message = EmailMessage.objects.get()
    assert (message.to, message.subject) == (["ada@example.com"], "Your offer from Acme Corp")
    assert "thrilled" in message.html_body and "delighted" not in message.html_body
    assert "Hello Ada" in message.html_body  # its variables filled in for Ada
    assert [m.subject for m in outbox.outbox] == ["Your offer from Acme Corp"]
    assert ActionRun.objects.get(pk=run.pk).status == Status.DONE


def test_dont_send_cancels_the_offer_and_nothing_goes(
    client, job, offer, application, django_capture_on_commit_callbacks
):
    drag(client, job, offer, application, django_capture_on_commit_callbacks)
    [run] = waiting(application)

    response = answer(
        client,
        confirm_url(application),
        [run],
        django_capture_on_commit_callbacks,
        headers=on_board(job),
        answer="skip",
    )
    sweep(django_capture_on_commit_callbacks, minutes=3 * 24 * 60)

    assert response.status_code == 200
    assert "won" in response.text and "be sent" in response.text
    run.refresh_from_db()
    assert run.status == Status.CANCELLED
    assert run.result.startswith("Skipped by")
    assert EmailMessage.objects.count() == 0


def test_closing_the_dialog_leaves_the_offer_waiting_on_the_candidate_page(
    client, job, offer, application, django_capture_on_commit_callbacks
):
    drag(client, job, offer, application, django_capture_on_commit_callbacks)
    [run] = waiting(application)
    sweep(django_capture_on_commit_callbacks, minutes=24 * 60)

    page = client.get(f"/candidates/{application.candidate_id}/")

    assert page.status_code == 200
    assert "waits for your answer" in page.text
    assert f'href="{confirm_url(application)}?next=' in page.text
    assert page.text.count(f'name="run" value="{run.pk}"') == 2  # the card's "Don't send" and the timeline's
    assert ActionRun.objects.get(pk=run.pk).status == Status.WAITING
    assert EmailMessage.objects.count() == 0


def test_answered_from_the_candidate_page_the_page_loads_again(
    client, job, offer, application, django_capture_on_commit_callbacks
):
    client.post(f"/applications/{application.pk}/move/", {"stage": offer.pk})
    [run] = waiting(application)
    candidate_page = {**HTMX, "HX-Current-URL": f"http://testserver/candidates/{application.candidate_id}/"}

    response = answer(
        client,
        confirm_url(application),
        [run],
        django_capture_on_commit_callbacks,
        headers=candidate_page,
        answer="skip",
    )

    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"  # its panel and timeline show the answer, from fresh state
    assert ActionRun.objects.get(pk=run.pk).status == Status.CANCELLED


def test_a_drag_into_a_stage_that_asks_nothing_opens_no_dialog(
    client, job, application, django_capture_on_commit_callbacks
):
    response = drag(
        client, job, job.stages.get(name="Reference Check"), application, django_capture_on_commit_callbacks
    )

    assert response.status_code == 200
    assert 'id="dialog-slot"' not in response.text
    assert waiting(application) == []


def test_without_javascript_a_drop_goes_on_to_the_confirm_page(client, job, offer, application):
    response = client.post(f"/jobs/{job.pk}/board/columns/{offer.pk}/", {"application": [application.pk]})

    assert response.status_code == 302
    assert response["Location"].startswith(f"{confirm_url(application)}?")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<html" in page.text and "Send this email?" in page.text


# --- The keyboard's "Move to…" form ---------------------------------------------------------------


def test_the_move_form_asks_on_its_own_page_and_sends_the_edited_words(
    client, job, offer, application, django_capture_on_commit_callbacks
):
    candidate_page = f"/candidates/{application.candidate_id}/"
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(f"/applications/{application.pk}/move/", {"stage": offer.pk, "next": candidate_page})

    assert moved.status_code == 302
    url = moved["Location"]
    assert urlsplit(url).path == confirm_url(application)
    assert parse_qs(urlsplit(url).query)["next"] == [f"{candidate_page}#application-{application.pk}"]
    page = client.get(url)
    assert page.status_code == 200
    [run] = waiting(application)
    prefix = f"a{run.action_id}"
    assert EmailMessage.objects.count() == 0

    sent = answer(
        client,
        url,
        [run],
        django_capture_on_commit_callbacks,
        answer="send",
        next=candidate_page,
        **{
            f"{prefix}-subject": "An offer for {{ candidate.first_name }}",
            f"{prefix}-body": "<p>Dear {{ candidate.first_name }}, welcome aboard soon.</p>",
        },
    )

    assert sent.status_code == 302
    assert sent["Location"] == candidate_page
    message = EmailMessage.objects.get()
    assert (message.subject, message.to) == ("An offer for Ada", ["ada@example.com"])
    assert "Dear Ada, welcome aboard soon." in message.html_body


def slot_loads(html):
    """The URL the page's dialog slot fetches on load (the confirm dialog), or None."""
    found = re.search(r'<div id="dialog-slot" data-hx-get="([^"]+)" data-hx-trigger="load"', html)
    return unescape(found.group(1)) if found else None


@pytest.mark.parametrize("where", ["board", "candidate"])
def test_with_javascript_the_move_form_goes_back_and_the_page_opens_the_dialog(client, job, offer, application, where):
    page = board(job) if where == "board" else f"/candidates/{application.candidate_id}/"

    response = client.post(f"/applications/{application.pk}/move/", {"stage": offer.pk, "next": page, "js": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"{page}#application-{application.pk}"
    arrived = client.get(page)
    assert arrived.status_code == 200
    assert urlsplit(slot_loads(arrived.text)).path == confirm_url(application)
    assert slot_loads(client.get(page).text) is None  # once
    assert len(waiting(application)) == 1


def test_with_javascript_a_bulk_move_goes_back_to_the_board_which_opens_the_dialog(client, job, offer, stages):
    people = [ApplicationFactory(job=job, current_stage=stages[0]) for _ in range(2)]

    response = client.post(
        f"/jobs/{job.pk}/board/bulk/",
        {"action": "move", "stage": offer.pk, "selected": [a.pk for a in people], "js": "1"},
    )

    assert response["Location"] == board(job)
    loads = slot_loads(client.get(board(job)).text)
    assert urlsplit(loads).path == f"/jobs/{job.pk}/confirm-actions/"
    assert parse_qs(urlsplit(loads).query)["stage"] == [str(offer.pk)]


def test_the_dialog_opens_on_the_page_it_was_meant_for_only(client, job, offer, application):
    client.post(f"/applications/{application.pk}/move/", {"stage": offer.pk, "next": board(job), "js": "1"})

    elsewhere = client.get(f"/candidates/{application.candidate_id}/")

    assert slot_loads(elsewhere.text) is None
    assert slot_loads(client.get(board(job)).text) is not None


def test_the_board_move_menu_asks_too(client, job, offer, application):
    response = client.post(f"/applications/{application.pk}/move/", {"stage": offer.pk, "next": board(job)})

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == confirm_url(application)
    assert len(waiting(application)) == 1


def test_advance_into_offer_made_asks_too(client, job, stages, offer, application):
    Application.objects.filter(pk=application.pk).update(current_stage=stages[offer.order - 1])

    response = client.post(f"/applications/{application.pk}/advance/", {"next": board(job)})

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == confirm_url(application)


def test_preview_shows_the_text_for_the_person_and_decides_nothing(client, job, offer, application):
    client.post(f"/applications/{application.pk}/move/", {"stage": offer.pk})
    [run] = waiting(application)
    prefix = f"a{run.action_id}"

    response = client.post(
        confirm_url(application),
        {
            "run": run.pk,
            "answer": "preview",
            f"{prefix}-subject": "Hi {{ candidate.first_name }}",
            f"{prefix}-body": "<p>Yes</p>",
        },
    )

    assert response.status_code == 200
    assert ">Hi Ada<" in response.text
    assert ActionRun.objects.get(pk=run.pk).status == Status.WAITING


def test_text_that_cannot_be_filled_in_is_refused_and_nothing_is_decided(client, job, offer, application):
    client.post(f"/applications/{application.pk}/move/", {"stage": offer.pk})
    [run] = waiting(application)
    prefix = f"a{run.action_id}"

    page = client.post(
        confirm_url(application),
        {"run": run.pk, "answer": "send", f"{prefix}-subject": "Hi {{ nobody.knows }}", f"{prefix}-body": ""},
    )
    dialog = client.post(
        confirm_url(application),
        {"run": run.pk, "answer": "send", f"{prefix}-subject": "Hi", f"{prefix}-body": "{% if %}"},
        headers=HTMX,
    )

    assert page.status_code == 400
    assert "Body: write something." in page.text
    assert dialog.status_code == 200  # htmx swaps a 200: the dialog again, with why
    assert dialog.text.lstrip().startswith("<dialog") and 'role="alert"' in dialog.text
    assert ActionRun.objects.get(pk=run.pk).status == Status.WAITING
    assert EmailMessage.objects.count() == 0


def test_a_run_answered_elsewhere_is_left_alone(
    client, job, offer, application, owner, django_capture_on_commit_callbacks
):
    client.post(f"/applications/{application.pk}/move/", {"stage": offer.pk})
    [run] = waiting(application)
    answer(client, confirm_url(application), [run], django_capture_on_commit_callbacks, answer="skip")

    again = answer(client, confirm_url(application), [run], django_capture_on_commit_callbacks, answer="send")
    page = client.get(confirm_url(application))

    assert again.status_code == 302
    assert ActionRun.objects.get(pk=run.pk).status == Status.CANCELLED
    assert page.status_code == 200 and "Nothing waits for an answer here" in page.text
    assert EmailMessage.objects.count() == 0


def test_only_the_runs_the_form_showed_are_answered(
    client, job, offer, stages, application, django_capture_on_commit_callbacks
):
    shown = ApplicationFactory(job=job, current_stage=stages[0])
    client.post(f"/applications/{application.pk}/move/", {"stage": offer.pk})
    client.post(f"/applications/{shown.pk}/move/", {"stage": offer.pk})
    [mine], [theirs] = waiting(application), waiting(shown)

    # Another application's run posted to this application's form: not this form's to answer.
    answer(client, confirm_url(application), [mine, theirs], django_capture_on_commit_callbacks, answer="skip")

    assert ActionRun.objects.get(pk=mine.pk).status == Status.CANCELLED
    assert ActionRun.objects.get(pk=theirs.pk).status == Status.WAITING


# --- A bulk move ------------------------------------------------------------------------------------


def test_a_bulk_move_asks_once_and_sends_one_text_rendered_for_each(
    client, job, offer, stages, django_capture_on_commit_callbacks
):
    people = [
        ApplicationFactory(job=job, current_stage=stages[0], candidate__first_name=name)
        for name in ("Ada", "Grace", "Alan")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(
            f"/jobs/{job.pk}/board/bulk/", {"action": "move", "stage": offer.pk, "selected": [a.pk for a in people]}
        )

    assert moved.status_code == 302
    url = moved["Location"]
    assert urlsplit(url).path == f"/jobs/{job.pk}/confirm-actions/"
    assert parse_qs(urlsplit(url).query)["stage"] == [str(offer.pk)]
    runs = list(ActionRun.objects.filter(status=Status.WAITING))
    assert len(runs) == 3
    page = client.get(url)
    assert page.status_code == 200
    assert "3 people" in page.text and "Ada Example, Alan Example, Grace Example" in page.text
    assert EmailMessage.objects.count() == 0
    prefix = f"a{runs[0].action_id}"

    sent = answer(
        client,
        url,
        runs,
        django_capture_on_commit_callbacks,
        answer="send",
        stage=offer.pk,
        **{f"{prefix}-subject": "Offer for {{ candidate.first_name }}", f"{prefix}-body": "<p>Yes.</p>"},
    )

    assert sent.status_code == 302
    assert sorted(EmailMessage.objects.values_list("subject", flat=True)) == [
        "Offer for Ada",
        "Offer for Alan",
        "Offer for Grace",
    ]
    assert not ActionRun.objects.filter(status=Status.WAITING).exists()


def test_a_bulk_move_costs_the_same_queries_for_20_and_200_cards(client, job, offer):
    first = job.stages.get(name="Application Received")
    client.get(board(job))  # warm-up: the session row exists

    def queries(count):
        ids = list(bulk_applications(job, count, stages=[first]).values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as captured:
            response = client.post(
                f"/jobs/{job.pk}/board/bulk/", {"action": "move", "stage": offer.pk, "selected": ids}
            )
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == f"/jobs/{job.pk}/confirm-actions/"
        return len(captured)

    assert queries(20) == queries(200)
    assert ActionRun.objects.filter(status=Status.WAITING).count() == 220


def test_the_job_form_answers_only_for_the_stage_it_names(
    client, job, offer, stages, django_capture_on_commit_callbacks
):
    ada = ApplicationFactory(job=job, current_stage=stages[0])
    client.post(f"/applications/{ada.pk}/move/", {"stage": offer.pk})

    page = client.get(f"/jobs/{job.pk}/confirm-actions/", {"stage": stages[1].pk})

    assert page.status_code == 200
    assert "Nothing waits for an answer here" in page.text


# --- Send again --------------------------------------------------------------------------------------


def test_send_again_on_the_move_form_repeats_a_stage_email_sent_lately(
    client, job, stages, application, django_capture_on_commit_callbacks
):
    hired = job.stages.get(name="Hired")

    def enter(**extra):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/applications/{application.pk}/move/", {"stage": hired.pk, **extra})
        sweep(django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/applications/{application.pk}/move/", {"stage": stages[0].pk})

    enter()
    enter()
    enter(send_again="1")

    welcomes = ActionRun.objects.filter(application=application, action__email_template__key="welcome").order_by("pk")
    assert [run.status for run in welcomes] == [Status.DONE, Status.SKIPPED, Status.DONE]
    assert EmailMessage.objects.filter(template__key="welcome").count() == 2


# --- Who may -------------------------------------------------------------------------------------------


def test_the_forms_refuse_other_methods(client, job, application):
    assert client.put(confirm_url(application)).status_code == 405
    assert client.delete(f"/jobs/{job.pk}/confirm-actions/").status_code == 405


def test_another_organisations_application_or_job_is_404(client, other_organization):
    foreign_job = make_job(other_organization)
    foreign = ApplicationFactory(job=foreign_job, current_stage=foreign_job.stages.first())

    assert client.get(confirm_url(foreign)).status_code == 404
    assert client.post(confirm_url(foreign), {"answer": "skip"}).status_code == 404
    assert client.get(f"/jobs/{foreign_job.pk}/confirm-actions/").status_code == 404


def test_a_hiring_manager_off_the_team_gets_404_and_an_interviewer_cannot_find_it(
    client_for, hiring_manager, interviewer, application
):
    assert client_for(hiring_manager).get(confirm_url(application)).status_code == 404
    assert client_for(interviewer).get(confirm_url(application)).status_code == 404


def test_an_undone_drag_takes_its_waiting_offer_with_it(
    client, job, offer, application, django_capture_on_commit_callbacks
):
    ApplicationStageHistory.objects.create(application=application, to_stage=application.current_stage, note="Applied")
    drag(client, job, offer, application, django_capture_on_commit_callbacks)
    [run] = waiting(application)
    entry = application.stage_history.latest("pk")

    client.post(f"/applications/{application.pk}/undo-move/", {"history": entry.pk}, headers=HTMX)

    assert ActionRun.objects.get(pk=run.pk).status == Status.CANCELLED
    assert client.get(confirm_url(application)).text.count('name="run"') == 0


def test_answering_for_20_or_200_people_costs_the_same_queries(client, job, offer):
    first = job.stages.get(name="Application Received")
    client.get(board(job))  # warm-up: the session row exists

    def queries(count):
        ids = list(bulk_applications(job, count, stages=[first]).values_list("pk", flat=True))
        client.post(f"/jobs/{job.pk}/board/bulk/", {"action": "move", "stage": offer.pk, "selected": ids})
        runs = list(ActionRun.objects.filter(status=Status.WAITING))
        prefix = f"a{runs[0].action_id}"
        body = {"run": [run.pk for run in runs], "answer": "send", "stage": offer.pk}
        body |= {f"{prefix}-subject": "Offer for {{ candidate.first_name }}", f"{prefix}-body": "<p>Yes.</p>"}
        with CaptureQueriesContext(connection) as captured:
            response = client.post(f"/jobs/{job.pk}/confirm-actions/", body)
        assert response.status_code == 302
        assert ActionRun.objects.filter(status=Status.PENDING).count() == count
        ActionRun.objects.update(status=Status.CANCELLED)
        Application.objects.filter(job=job).update(current_stage=first)
        return len(captured)

    assert queries(20) == queries(200)


def test_the_job_form_with_htmx_is_a_dialog(client, job, offer, stages):
    ada = ApplicationFactory(job=job, current_stage=stages[0])
    client.post(f"/applications/{ada.pk}/move/", {"stage": offer.pk})

    response = client.get(f"/jobs/{job.pk}/confirm-actions/", {"stage": offer.pk}, headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith("<dialog") and "<html" not in response.text
    assert f'data-hx-post="/jobs/{job.pk}/confirm-actions/"' in response.text


def test_an_offer_whose_template_was_deleted_since_is_written_by_hand(
    client, job, offer, application, django_capture_on_commit_callbacks
):
    client.post(f"/applications/{application.pk}/move/", {"stage": offer.pk})
    [run] = waiting(application)
    run.action.email_template.delete()
    prefix = f"a{run.action_id}"

    page = client.get(confirm_url(application))
    sent = answer(
        client,
        confirm_url(application),
        [run],
        django_capture_on_commit_callbacks,
        answer="send",
        **{f"{prefix}-subject": "Our offer", f"{prefix}-body": "<p>Welcome, {{ candidate.first_name }}.</p>"},
    )

    assert page.status_code == 200
    assert f'name="{prefix}-subject"' in page.text and "Your offer from" not in page.text  # nothing to start from
    assert sent.status_code == 302
    assert EmailMessage.objects.get().subject == "Our offer"
