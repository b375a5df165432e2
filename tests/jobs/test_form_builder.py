"""The application form builder: /jobs/<id>/form/ and its field actions, full page and htmx."""

import re

import pytest
from django.contrib.messages import get_messages

from jobs.models import FormField, HiringTeamMember
from jobs.services import add_question
from pipeline.models import ApplicationFormAnswer
from tests.factories import ApplicationFactory, make_job

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
STANDARD_ORDER = ["first_name", "last_name", "email", "phone", "resume", "cover_letter", "linkedin_url"]


def builder_url(job, rest=""):
    return f"/jobs/{job.pk}/form/{rest}"


def field(job, key):
    return job.application_form.fields.get(key=key)


def keys(job):
    return list(job.application_form.fields.values_list("key", flat=True))


def rendered_order(response):
    """Field ids in the order the builder lists them."""
    return [int(pk) for pk in re.findall(r'data-field-id="(\d+)"', response.text)]


def assert_is_builder_fragment(response):
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="builder"')
    assert "<html" not in response.text


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- The page -------------------------------------------------------------------------


def test_builder_page_lists_the_fields_and_previews_the_form(recruiter_client, job):
    add_question(form=job.application_form, label="Notice period", field_type="short_text")

    response = recruiter_client.get(builder_url(job))

    assert response.status_code == 200
    assert "<html" in response.text
    assert rendered_order(response) == list(job.application_form.fields.values_list("pk", flat=True))
    assert 'aria-label="Preview of the application form"' in response.text
    assert 'name="q_notice_period"' in response.text  # in the preview
    assert f'action="/jobs/{job.pk}/form/fields/order/"' in response.text


def test_builder_fragment_for_htmx(recruiter_client, job):
    response = recruiter_client.get(builder_url(job), **HTMX)

    assert_is_builder_fragment(response)
    assert len(rendered_order(response)) == 7


def test_email_offers_no_required_or_hide_toggle(recruiter_client, job):
    email = field(job, "email")
    phone = field(job, "phone")

    response = recruiter_client.get(builder_url(job))

    assert response.status_code == 200
    assert f'action="/jobs/{job.pk}/form/fields/{email.pk}/toggle/"' not in response.text
    assert f'action="/jobs/{job.pk}/form/fields/{phone.pk}/toggle/"' in response.text


@pytest.mark.parametrize("role_fixture", ["interviewer", "hiring_manager"])
def test_only_recruiters_and_admins_use_the_builder(client_for, job, request, role_fixture):
    member = request.getfixturevalue(role_fixture)
    HiringTeamMember.objects.create(job=job, user=member)  # they see the job, but may not change its form
    client = client_for(member)

    assert client.get(builder_url(job)).status_code == 403
    assert client.post(builder_url(job, "fields/"), {"new-label": "X", "new-field_type": "short_text"}).status_code == (
        403
    )
    assert keys(job) == STANDARD_ORDER


@pytest.mark.parametrize(
    "rest", ["fields/", "fields/order/", "fields/{pk}/delete/", "fields/{pk}/toggle/", "fields/{pk}/move/"]
)
def test_actions_reject_get(recruiter_client, job, rest):
    phone = field(job, "phone")

    response = recruiter_client.get(builder_url(job, rest.format(pk=phone.pk)))

    assert response.status_code == 405


@pytest.mark.parametrize(
    ("rest", "data"),
    [
        ("fields/{pk}/", {}),
        ("fields/{pk}/delete/", {}),
        ("fields/{pk}/toggle/", {"flag": "required"}),
        ("fields/{pk}/move/", {"direction": "up"}),
    ],
)
def test_another_jobs_field_is_404_through_this_job(recruiter_client, job, organization, rest, data):
    other = make_job(organization)
    question = add_question(form=other.application_form, label="Other question", field_type="short_text")
    before = keys(other)

    response = recruiter_client.post(builder_url(job, rest.format(pk=question.pk)), data)

    assert response.status_code == 404
    question.refresh_from_db()
    assert (question.label, question.required) == ("Other question", False)
    assert keys(other) == before


# --- Adding ---------------------------------------------------------------------------


def test_adding_a_question_derives_its_key_from_the_label(recruiter_client, job):
    response = recruiter_client.post(
        builder_url(job, "fields/"),
        {"new-label": "Years of Python?", "new-field_type": "number", "new-required": "on", "new-help_text": "Roughly"},
    )

    assert response.status_code == 302
    assert response.url == builder_url(job)
    question = job.application_form.fields.last()
    assert (question.key, question.label, question.field_type) == ("years_of_python", "Years of Python?", "number")
    assert (question.required, question.is_standard, question.help_text) == (True, False, "Roughly")
    assert keys(job) == [*STANDARD_ORDER, "years_of_python"]
    assert messages_of(response) == ["Question added."]


def test_question_keys_are_unique_within_the_form(recruiter_client, job):
    for _ in range(2):
        recruiter_client.post(
            builder_url(job, "fields/"), {"new-label": "Notice period", "new-field_type": "short_text"}
        )
    recruiter_client.post(builder_url(job, "fields/"), {"new-label": "Email", "new-field_type": "short_text"})

    assert keys(job) == [*STANDARD_ORDER, "notice_period", "notice_period_2", "q_email"]


def test_adding_a_question_with_htmx_returns_the_builder_fragment(recruiter_client, job):
    response = recruiter_client.post(
        builder_url(job, "fields/"), {"new-label": "Notice period", "new-field_type": "short_text"}, **HTMX
    )

    assert_is_builder_fragment(response)
    assert "Notice period" in response.text
    assert len(rendered_order(response)) == 8
    assert messages_of(response) == []  # the fragment shows the change itself


def test_choice_question_needs_two_options(recruiter_client, job):
    response = recruiter_client.post(
        builder_url(job, "fields/"),
        {"new-label": "Team", "new-field_type": "single_choice", "new-options": "Only one"},
    )

    assert response.status_code == 400
    assert "A choice question needs at least two options." in response.text
    assert keys(job) == STANDARD_ORDER


def test_choice_question_error_in_the_htmx_fragment(recruiter_client, job):
    response = recruiter_client.post(
        builder_url(job, "fields/"),
        {"new-label": "Team", "new-field_type": "multiple_choice", "new-options": "A\nA"},
        **HTMX,
    )

    assert_is_builder_fragment(response)
    assert "Each option must be different." in response.text
    assert keys(job) == STANDARD_ORDER


def test_an_option_longer_than_200_characters_is_refused(recruiter_client, job):
    response = recruiter_client.post(
        builder_url(job, "fields/"),
        {"new-label": "Team", "new-field_type": "single_choice", "new-options": "Platform\n" + "x" * 201},
    )

    assert response.status_code == 400
    assert "Keep each option to 200 characters or fewer." in response.text
    assert keys(job) == STANDARD_ORDER


def test_choice_question_with_options_is_added(recruiter_client, job):
    recruiter_client.post(
        builder_url(job, "fields/"),
        {"new-label": "Team", "new-field_type": "single_choice", "new-options": "- Platform\n- Product\n\n"},
    )

    assert field(job, "team").options == ["Platform", "Product"]


def test_question_without_a_label_is_refused(recruiter_client, job):
    response = recruiter_client.post(builder_url(job, "fields/"), {"new-label": "", "new-field_type": "short_text"})

    assert response.status_code == 400
    assert keys(job) == STANDARD_ORDER


# --- Editing ----------------------------------------------------------------------------


def test_edit_form_is_shown_in_place(recruiter_client, job):
    phone = field(job, "phone")

    full = recruiter_client.get(builder_url(job, f"fields/{phone.pk}/"))
    fragment = recruiter_client.get(builder_url(job, f"fields/{phone.pk}/"), **HTMX)

    assert full.status_code == 200
    assert f'name="f{phone.pk}-label"' in full.text
    assert_is_builder_fragment(fragment)
    assert f'name="f{phone.pk}-label"' in fragment.text


def test_editing_a_question_keeps_its_key_when_the_label_changes(recruiter_client, job):
    question = add_question(form=job.application_form, label="Notice period", field_type="short_text")
    prefix = f"f{question.pk}"

    response = recruiter_client.post(
        builder_url(job, f"fields/{question.pk}/"),
        {
            f"{prefix}-label": "How long is your notice?",
            f"{prefix}-field_type": "long_text",
            f"{prefix}-required": "on",
        },
    )

    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.key, question.label, question.field_type, question.required) == (
        "notice_period",
        "How long is your notice?",
        "long_text",
        True,
    )


def test_editing_with_htmx_returns_the_fragment(recruiter_client, job):
    question = add_question(form=job.application_form, label="Notice period", field_type="short_text")
    prefix = f"f{question.pk}"

    response = recruiter_client.post(
        builder_url(job, f"fields/{question.pk}/"),
        {f"{prefix}-label": "Notice", f"{prefix}-field_type": "short_text"},
        **HTMX,
    )

    assert_is_builder_fragment(response)
    assert "Notice" in response.text
    question.refresh_from_db()
    assert question.label == "Notice"


def test_invalid_edit_is_shown_and_changes_nothing(recruiter_client, job):
    question = add_question(
        form=job.application_form, label="Team", field_type="single_choice", options=["Platform", "Product"]
    )
    prefix = f"f{question.pk}"

    response = recruiter_client.post(
        builder_url(job, f"fields/{question.pk}/"),
        {f"{prefix}-label": "Team", f"{prefix}-field_type": "single_choice", f"{prefix}-options": "Platform"},
    )

    assert response.status_code == 200
    assert "A choice question needs at least two options." in response.text
    question.refresh_from_db()
    assert question.options == ["Platform", "Product"]


def test_changing_a_choice_question_to_text_drops_its_options(recruiter_client, job):
    question = add_question(form=job.application_form, label="Team", field_type="single_choice", options=["A", "B"])
    prefix = f"f{question.pk}"

    recruiter_client.post(
        builder_url(job, f"fields/{question.pk}/"),
        {f"{prefix}-label": "Team", f"{prefix}-field_type": "short_text", f"{prefix}-options": "A\nB"},
    )

    question.refresh_from_db()
    assert (question.field_type, question.options) == ("short_text", [])


def test_standard_field_keeps_its_type_when_edited(recruiter_client, job):
    phone = field(job, "phone")
    prefix = f"f{phone.pk}"

    recruiter_client.post(
        builder_url(job, f"fields/{phone.pk}/"),
        {f"{prefix}-label": "Mobile number", f"{prefix}-field_type": "number", f"{prefix}-required": "on"},
    )

    phone.refresh_from_db()
    assert (phone.key, phone.label, phone.field_type, phone.required) == ("phone", "Mobile number", "phone", True)


def test_email_stays_required_when_edited(recruiter_client, job):
    email = field(job, "email")
    prefix = f"f{email.pk}"

    recruiter_client.post(builder_url(job, f"fields/{email.pk}/"), {f"{prefix}-label": "Your email"})  # no "required"

    email.refresh_from_db()
    assert (email.label, email.required) == ("Your email", True)


# --- Deleting --------------------------------------------------------------------------


def test_deleting_a_custom_question_keeps_the_answers_already_given(recruiter_client, job):
    question = add_question(form=job.application_form, label="Notice period", field_type="short_text")
    application = ApplicationFactory(job=job)
    answer = ApplicationFormAnswer.objects.create(
        application=application, field=question, key="notice_period", label="Notice period", value="1 month"
    )

    response = recruiter_client.post(builder_url(job, f"fields/{question.pk}/delete/"))

    assert response.status_code == 302
    assert not FormField.objects.filter(pk=question.pk).exists()
    answer.refresh_from_db()
    assert (answer.field, answer.label, answer.value) == (None, "Notice period", "1 month")
    assert messages_of(response) == ["Question deleted."]


def test_deleting_with_htmx_returns_the_fragment(recruiter_client, job):
    question = add_question(form=job.application_form, label="Notice period", field_type="short_text")

    response = recruiter_client.post(builder_url(job, f"fields/{question.pk}/delete/"), **HTMX)

    assert_is_builder_fragment(response)
    assert "Notice period" not in response.text
    assert keys(job) == STANDARD_ORDER


@pytest.mark.parametrize("key", ["email", "resume", "first_name"])
def test_standard_field_cannot_be_deleted(recruiter_client, job, key):
    standard = field(job, key)

    response = recruiter_client.post(builder_url(job, f"fields/{standard.pk}/delete/"))

    assert response.status_code == 302
    assert FormField.objects.filter(pk=standard.pk).exists()
    assert messages_of(response) == ["Standard fields can be hidden, not deleted."]


# --- Toggling ----------------------------------------------------------------------------


def test_toggling_required_switches_it_both_ways(recruiter_client, job):
    phone = field(job, "phone")
    url = builder_url(job, f"fields/{phone.pk}/toggle/")

    recruiter_client.post(url, {"flag": "required"})
    phone.refresh_from_db()
    assert phone.required is True

    recruiter_client.post(url, {"flag": "required"})
    phone.refresh_from_db()
    assert phone.required is False


def test_hiding_a_field_removes_it_from_the_public_form(recruiter_client, job, organization):
    phone = field(job, "phone")

    response = recruiter_client.post(builder_url(job, f"fields/{phone.pk}/toggle/"), {"flag": "is_active"}, **HTMX)

    assert_is_builder_fragment(response)
    assert "· hidden" in response.text
    phone.refresh_from_db()
    assert phone.is_active is False
    apply_page = recruiter_client.get(f"/careers/{organization.slug}/{job.slug}/apply/")
    assert apply_page.status_code == 200
    assert 'name="phone"' not in apply_page.text
    assert 'name="email"' in apply_page.text


@pytest.mark.parametrize("flag", ["required", "is_active"])
def test_email_cannot_be_made_optional_or_hidden(recruiter_client, job, flag):
    email = field(job, "email")

    response = recruiter_client.post(builder_url(job, f"fields/{email.pk}/toggle/"), {"flag": flag})

    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.required, email.is_active) == (True, True)


def test_toggling_an_unknown_flag_changes_nothing(recruiter_client, job):
    phone = field(job, "phone")

    recruiter_client.post(builder_url(job, f"fields/{phone.pk}/toggle/"), {"flag": "is_standard"})

    phone.refresh_from_db()
    assert (phone.is_standard, phone.required, phone.is_active) == (True, False, True)


# --- Ordering -----------------------------------------------------------------------------


def test_reorder_persists_the_posted_order(recruiter_client, job):
    pks = [f.pk for f in job.application_form.fields.all()]
    new_order = list(reversed(pks))

    response = recruiter_client.post(builder_url(job, "fields/order/"), {"field": new_order})

    assert response.status_code == 302
    assert response.url == builder_url(job)
    assert list(job.application_form.fields.values_list("pk", flat=True)) == new_order
    assert list(job.application_form.fields.values_list("order", flat=True)) == list(range(7))


def test_reorder_with_htmx_renders_the_builder_in_the_new_order(recruiter_client, job):
    pks = [f.pk for f in job.application_form.fields.all()]
    new_order = [pks[2], pks[0], pks[1], *pks[3:]]

    response = recruiter_client.post(builder_url(job, "fields/order/"), {"field": new_order}, **HTMX)

    assert_is_builder_fragment(response)
    assert rendered_order(response) == new_order
    assert keys(job) == ["email", "first_name", "last_name", *STANDARD_ORDER[3:]]


def test_reorder_of_some_fields_puts_the_rest_after_them(recruiter_client, job):
    resume = field(job, "resume")

    recruiter_client.post(builder_url(job, "fields/order/"), {"field": [resume.pk]})

    assert keys(job) == ["resume", "first_name", "last_name", "email", "phone", "cover_letter", "linkedin_url"]


def test_reorder_ignores_another_jobs_fields(recruiter_client, job, organization):
    other = make_job(organization)
    other_phone = field(other, "phone")
    pks = [f.pk for f in job.application_form.fields.all()]

    response = recruiter_client.post(builder_url(job, "fields/order/"), {"field": [other_phone.pk, *reversed(pks)]})

    assert response.status_code == 302
    assert list(job.application_form.fields.values_list("pk", flat=True)) == list(reversed(pks))
    other_phone.refresh_from_db()
    assert other_phone.order == 3
    assert keys(other) == STANDARD_ORDER


def test_reorder_ignores_values_that_are_not_ids(recruiter_client, job):
    pks = [f.pk for f in job.application_form.fields.all()]

    response = recruiter_client.post(builder_url(job, "fields/order/"), {"field": ["abc", "", "-1", *reversed(pks)]})

    assert response.status_code == 302
    assert list(job.application_form.fields.values_list("pk", flat=True)) == list(reversed(pks))


def test_reorder_ignores_unicode_digits_that_are_not_ids(recruiter_client, job):
    pks = [f.pk for f in job.application_form.fields.all()]

    response = recruiter_client.post(builder_url(job, "fields/order/"), {"field": ["²", *reversed(pks)]})

    assert response.status_code == 302
    assert list(job.application_form.fields.values_list("pk", flat=True)) == list(reversed(pks))


def test_moving_a_field_down_and_up_persists(recruiter_client, job):
    phone = field(job, "phone")
    url = builder_url(job, f"fields/{phone.pk}/move/")

    response = recruiter_client.post(url, {"direction": "down"})

    assert response.status_code == 302
    assert keys(job) == ["first_name", "last_name", "email", "resume", "phone", "cover_letter", "linkedin_url"]

    recruiter_client.post(url, {"direction": "up"})
    recruiter_client.post(url, {"direction": "up"})

    assert keys(job) == ["first_name", "last_name", "phone", "email", "resume", "cover_letter", "linkedin_url"]


def test_moving_with_htmx_renders_the_new_order(recruiter_client, job):
    email = field(job, "email")

    response = recruiter_client.post(builder_url(job, f"fields/{email.pk}/move/"), {"direction": "up"}, **HTMX)

    assert_is_builder_fragment(response)
    assert keys(job)[:3] == ["first_name", "email", "last_name"]
    assert rendered_order(response) == list(job.application_form.fields.values_list("pk", flat=True))


def test_moving_past_either_end_changes_nothing(recruiter_client, job):
    first = field(job, "first_name")
    last = field(job, "linkedin_url")

    recruiter_client.post(builder_url(job, f"fields/{first.pk}/move/"), {"direction": "up"})
    recruiter_client.post(builder_url(job, f"fields/{last.pk}/move/"), {"direction": "down"})

    assert keys(job) == STANDARD_ORDER


def test_the_public_form_follows_the_builders_order(recruiter_client, job, organization):
    resume = field(job, "resume")
    recruiter_client.post(builder_url(job, "fields/order/"), {"field": [resume.pk]})

    page = recruiter_client.get(f"/careers/{organization.slug}/{job.slug}/apply/").text

    assert page.index('name="resume"') < page.index('name="first_name"')


# --- Key questions and knockout answers (issue 16) -------------------------------------------------


def edit(client, question, headers=None, **values):
    prefix = f"f{question.pk}"
    data = {f"{prefix}-label": question.label, f"{prefix}-field_type": question.field_type}
    if question.options:
        data[f"{prefix}-options"] = "\n".join(question.options)
    for name, value in values.items():
        data[f"{prefix}-{name}"] = value
    return client.post(builder_url(question.form.job, f"fields/{question.pk}/"), data, **(headers or {}))


def test_a_yes_no_question_offers_yes_and_no_as_knockouts(recruiter_client, job):
    visa = add_question(form=job.application_form, label="Needs a visa", field_type="yes_no")

    page = recruiter_client.get(builder_url(job, f"fields/{visa.pk}/"))

    assert page.status_code == 200
    assert f'name="f{visa.pk}-knockout_answers" value="yes"' in page.text
    assert f'name="f{visa.pk}-knockout_answers" value="no"' in page.text
    assert "Key question (show on board cards)" in page.text


def test_marking_a_knockout_and_a_key_question(recruiter_client, job):
    city = add_question(form=job.application_form, label="City", field_type="single_choice", options=["Berlin", "Mars"])

    response = edit(recruiter_client, city, HTMX, knockout_answers=["Mars"], is_key_question="on")

    assert_is_builder_fragment(response)
    city.refresh_from_db()
    assert (city.knockout_answers, city.is_key_question) == (["Mars"], True)
    assert "Knockout: Mars" in response.text
    assert "Key question</span>" in response.text


def test_a_knockout_must_be_one_of_the_options(recruiter_client, job):
    city = add_question(form=job.application_form, label="City", field_type="single_choice", options=["Berlin", "Mars"])

    response = edit(recruiter_client, city, knockout_answers=["Venus"])

    assert response.status_code == 200
    assert "“Venus” is not one of this question&#x27;s answers." in response.text
    city.refresh_from_db()
    assert city.knockout_answers == []


def test_every_answer_of_a_yes_no_question_cannot_be_a_knockout(recruiter_client, job):
    visa = add_question(form=job.application_form, label="Needs a visa", field_type="yes_no")

    response = edit(recruiter_client, visa, knockout_answers=["yes", "no"])

    assert "Leave at least one answer that isn&#x27;t a knockout" in response.text
    visa.refresh_from_db()
    assert visa.knockout_answers == []


def test_changing_the_type_to_text_drops_the_knockouts(recruiter_client, job):
    visa = add_question(form=job.application_form, label="Needs a visa", field_type="yes_no", knockout_answers=["yes"])

    response = edit(recruiter_client, visa, field_type="short_text")

    assert response.status_code == 302
    visa.refresh_from_db()
    assert (visa.field_type, visa.knockout_answers) == ("short_text", [])


def test_a_fourth_key_question_is_refused_with_a_clear_message(recruiter_client, job):
    form = job.application_form
    for label in ("Years", "City", "Visa"):
        add_question(form=form, label=label, field_type="number", is_key_question=True)
    fourth = add_question(form=form, label="Salary", field_type="number")

    response = edit(recruiter_client, fourth, is_key_question="on")
    added = recruiter_client.post(
        builder_url(job, "fields/"), {"new-label": "Notice", "new-field_type": "number", "new-is_key_question": "on"}
    )

    assert response.status_code == 200
    message = "Cards show at most 3 key questions: untick one of “Years”, “City”, “Visa” first."
    assert message in response.text
    assert added.status_code == 400
    assert message in added.text
    assert form.fields.filter(is_key_question=True).count() == 3
    # A pinned question stays editable.
    assert edit(recruiter_client, form.fields.get(key="years"), is_key_question="on").status_code == 302


def test_a_file_question_is_not_a_key_question(recruiter_client, job):
    portfolio = add_question(form=job.application_form, label="Portfolio", field_type="file")

    response = edit(recruiter_client, portfolio, is_key_question="on")

    assert "A file upload question can&#x27;t be shown on cards." in response.text


def test_standard_fields_have_no_key_question_or_knockouts(recruiter_client, job):
    phone = field(job, "phone")

    page = recruiter_client.get(builder_url(job, f"fields/{phone.pk}/"))

    assert page.status_code == 200
    assert f"f{phone.pk}-is_key_question" not in page.text
    assert f"f{phone.pk}-knockout_answers" not in page.text


def test_the_auto_reject_switch(recruiter_client, job):
    url = builder_url(job, "settings/")

    on = recruiter_client.post(url, {"knockout_auto_reject": "on"}, **HTMX)
    job.application_form.refresh_from_db()
    assert job.application_form.knockout_auto_reject is True
    assert_is_builder_fragment(on)
    assert 'id="knockout-auto-reject" name="knockout_auto_reject" value="on" checked' in on.text

    off = recruiter_client.post(url, {})
    job.application_form.refresh_from_db()
    assert job.application_form.knockout_auto_reject is False
    assert off.status_code == 302
    assert "Knocked-out applications will be flagged, not rejected." in messages_of(off)


def test_the_switch_says_the_delay_the_pipeline_uses(recruiter_client, job):
    from pipeline.applications.answer_choices import KNOCKOUT_REJECTION_DELAY

    page = recruiter_client.get(builder_url(job))

    assert f"Your rejection email goes {KNOCKOUT_REJECTION_DELAY.days} days later" in page.text


def test_the_auto_reject_switch_refuses_get_other_organisations_and_roles(
    client_for, recruiter_client, job, other_organization, hiring_manager
):
    foreign = make_job(other_organization)
    HiringTeamMember.objects.create(job=job, user=hiring_manager, role=HiringTeamMember.Role.HIRING_MANAGER)

    assert recruiter_client.get(builder_url(job, "settings/")).status_code == 405
    assert recruiter_client.post(builder_url(foreign, "settings/"), {"knockout_auto_reject": "on"}).status_code == 404
    assert (
        client_for(hiring_manager).post(builder_url(job, "settings/"), {"knockout_auto_reject": "on"}).status_code
        == 403
    )
    foreign.application_form.refresh_from_db()
    job.application_form.refresh_from_db()
    assert not foreign.application_form.knockout_auto_reject and not job.application_form.knockout_auto_reject


def test_the_api_reads_and_writes_key_questions_and_knockouts(api_for, recruiter, job):
    client = api_for(recruiter)
    body = {"job": job.pk, "label": "Needs a visa", "field_type": "yes_no", "knockout_answers": ["Yes"]}

    created = client.post("/api/v1/form-fields/", body, format="json")
    wrong = client.patch(f"/api/v1/form-fields/{created.json()['id']}/", {"knockout_answers": ["maybe"]}, format="json")
    pinned = client.patch(f"/api/v1/form-fields/{created.json()['id']}/", {"is_key_question": True}, format="json")
    form = client.patch(f"/api/v1/job-forms/{job.application_form.pk}/", {"knockout_auto_reject": True}, format="json")

    assert created.status_code == 201, created.json()
    assert (created.json()["knockout_answers"], created.json()["is_key_question"]) == (["yes"], False)
    assert wrong.status_code == 400
    assert wrong.json() == {"knockout_answers": ["“maybe” is not one of this question's answers."]}
    assert pinned.status_code == 200 and pinned.json()["is_key_question"] is True
    assert form.status_code == 200 and form.json()["knockout_auto_reject"] is True


def test_the_api_refuses_a_fourth_key_question(api_for, recruiter, job):
    for label in ("Years", "City", "Visa"):
        add_question(form=job.application_form, label=label, field_type="number", is_key_question=True)
    body = {"job": job.pk, "label": "Salary", "field_type": "number", "is_key_question": True}

    response = api_for(recruiter).post("/api/v1/form-fields/", body, format="json")

    assert response.status_code == 400
    assert "at most 3 key questions" in response.json()["is_key_question"][0]


def test_unticking_every_knockout_clears_them(recruiter_client, job):
    visa = add_question(form=job.application_form, label="Needs a visa", field_type="yes_no", knockout_answers=["yes"])

    response = edit(recruiter_client, visa)

    assert response.status_code == 302
    visa.refresh_from_db()
    assert visa.knockout_answers == []
