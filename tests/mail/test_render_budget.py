"""The render budget of email templates (mail.rendering): widths, loop iterations, output and filter work
are capped, so a short template can't keep a web worker busy; the editor and its preview say why."""

import pytest
from django.template import Context, Engine

from mail import rendering
from mail.forms import EmailTemplateForm
from mail.models import EmailTemplate
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

S20 = '"' + "x" * 20 + '"'
# Four loops over a 20-letter string: 160,000 iterations of nothing, which used to hang a worker.
LOOPING = "".join(f"{{% for {v} in {S20} %}}" for v in "abcd") + "." + "{% endfor %}" * 4
# Two loops (allowed) over 200 letters: 40,000 iterations.
WIDE_LOOPS = '{% for a in "' + "x" * 200 + '" %}{% for b in "' + "x" * 200 + '" %}.{% endfor %}{% endfor %}'
# Each {% with %} doubles the text: 2**20 copies of "xxxx" without a single loop.
DOUBLING = "".join(f"{{% with v{i}=v{i - 1}|add:v{i - 1} %}}" for i in range(1, 21))
DOUBLING = '{% with v0="xxxx" %}' + DOUBLING + "{{ v20 }}" + "{% endwith %}" * 21
SIZED = {
    "center": '{{ "x"|center:"1000" }}',
    "ljust": "{{ job.title|ljust:1000 }}",
    "rjust": '{{ job.title|rjust:"101" }}',
    "floatformat": '{{ "1.5"|floatformat:"500" }}',
    "stringformat": '{{ job.title|stringformat:"1000s" }}',
    "truncatechars": "{{ job.title|truncatechars:5000 }}",
    "truncatewords": "{{ job.title|truncatewords:5000 }}",
    "truncatechars_html": "{{ job.title|truncatechars_html:5000 }}",
    "truncatewords_html": "{{ job.title|truncatewords_html:5000 }}",
    "wordwrap": "{{ job.title|wordwrap:5000 }}",
    "urlizetrunc": "{{ job.title|urlizetrunc:5000 }}",
}
HTMX = {"HX-Request": "true"}


def form_data(**overrides):
    data = {
        "name": "Follow-up", "key": "follow_up", "category": EmailTemplate.Category.NOTIFICATION,
        "subject": "About {{ job.title }}", "html_body": "<p>Hello</p>", "text_body": "", "is_active": "on",
    }  # fmt: skip
    return {**data, **overrides}


def render_error(source):
    with pytest.raises(rendering.TemplateBudgetExceeded) as caught:
        rendering.render(source, rendering.sample_values(), html_output=True)
    return caught.value


# --- Loops and output ------------------------------------------------------------------------


def test_the_looping_template_is_aborted_at_the_iteration_limit():
    error = render_error(LOOPING)

    assert "This template repeats too much" in str(error)
    assert error.budget.iterations <= rendering.MAX_ITERATIONS
    assert error.budget.output <= rendering.MAX_ITERATIONS


def test_the_looping_template_is_refused_by_the_check():
    errors, _ = rendering.check(LOOPING, label="HTML body")

    assert errors == ["HTML body: This template repeats too much: a loop inside a loop inside a loop isn't allowed."]


def test_two_long_loops_are_refused_by_the_trial_render():
    errors, _ = rendering.check(WIDE_LOOPS, label="HTML body")

    assert len(errors) == 1
    assert errors[0].startswith("HTML body: This template repeats too much: its loops would run more than 10,000")


def test_loops_within_the_limit_render():
    source = '{% for a in "abc" %}{% for b in "xy" %}{{ a }}{{ b }}{% endfor %}{% endfor %}'

    assert rendering.check(source)[0] == []
    assert rendering.render(source, {}, html_output=True) == "axaybxbycxcy"


def test_output_is_stopped_past_256_kb_as_it_is_written():
    source = (
        '{% for a in "' + "x" * 100 + '" %}{% for b in "' + "x" * 99 + '" %}' + "y" * 30 + "{% endfor %}{% endfor %}"
    )

    error = render_error(source)

    assert "more than 256 KB" in str(error)
    assert rendering.MAX_OUTPUT < error.budget.output <= rendering.MAX_OUTPUT + 30


def test_text_doubled_by_filters_is_stopped():
    error = render_error(DOUBLING)

    assert "the filter add makes too much text" in str(error)
    assert error.budget.work <= rendering.MAX_WORK + 2 * rendering.MAX_OUTPUT


def test_a_join_that_would_multiply_text_is_stopped_before_it_runs():
    source = '{% with sep="' + "s" * 200 + '" %}{{ "' + "x" * 8000 + '"|make_list|join:sep }}{% endwith %}'

    error = render_error(source)

    assert "the filter join makes too much text" in str(error)
    # Charged on its estimate (make_list's 8,000 items, then 8,000 separators) before join built anything.
    assert error.budget.work == (8000 + 8000) * 2 + 200 * 8000


def test_an_exceeded_budget_in_an_if_condition_still_aborts():
    # Django's {% if %} swallows errors in its condition; the budget raises again at the end.
    source = '{% if job.title|ljust:"5000" == "x" %}yes{% endif %}no'

    assert "Widths above 100" in str(render_error(source))


# --- Sized filters -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SIZED))
def test_a_sized_filter_with_a_big_argument_is_refused(name):
    source = SIZED[name]

    error = render_error(source)
    errors, _ = rendering.check(source, label="HTML body")

    assert str(error).startswith(f"Widths above 100 are not allowed in {name}")
    assert errors == [f"HTML body: {error}"]


def test_a_big_width_is_refused_at_save_even_where_the_samples_dont_reach():
    source = '{% if candidate.first_name == "nobody" %}{{ job.title|ljust:"5000" }}{% endif %}'

    errors, _ = rendering.check(source, label="HTML body")

    assert errors == ["HTML body: Widths above 100 are not allowed in ljust (it was given 5000)."]


def test_a_width_from_a_value_is_refused_when_it_renders():
    values = {**rendering.sample_values(), "job.title": "9999"}

    with pytest.raises(rendering.TemplateBudgetExceeded, match="Widths above 100 are not allowed in center"):
        rendering.render("{{ job.department|center:job.title }}", values, html_output=True)


@pytest.mark.parametrize(
    "source, output",
    [
        ('{{ "ab"|ljust:"100" }}|', "ab" + " " * 98 + "|"),
        ('{{ "1.23456"|floatformat:"-3" }}', "1.235"),
        ('{{ 7|stringformat:"03d" }}', "007"),
        ('{{ "a long title"|truncatechars:6 }}', "a lon…"),
    ],
)
def test_widths_up_to_the_limit_render(source, output):
    assert rendering.check(source)[0] == []
    assert rendering.render(source, {}, html_output=False) == output


# --- Normal templates are untouched --------------------------------------------------------


def test_every_default_template_renders_as_plain_django_renders_it():
    organization = OrganizationFactory()  # create_organization_with_defaults: the default templates
    templates = list(EmailTemplate.objects.filter(organization=organization))
    plain = Engine(loaders=[], autoescape=True)
    values = rendering.sample_values()

    assert len(templates) >= 10
    for template in templates:
        for source in (template.subject, template.html_body, template.text_body):
            for html_output in (True, False):
                expected = plain.from_string(source).render(Context(rendering._nest(values), autoescape=html_output))
                assert rendering.render(source, values, html_output=html_output) == expected
            assert rendering.render_html(source, values) == rendering.render(source, values, html_output=True)
            assert rendering.check(source)[0] == []


# --- The editor and its preview --------------------------------------------------------------


@pytest.fixture
def owner_client(client_for, owner):
    return client_for(owner)


def test_the_form_refuses_the_looping_template_with_the_reason(organization):
    form = EmailTemplateForm(form_data(html_body=LOOPING), instance=EmailTemplate(organization=organization))

    assert not form.is_valid()
    assert form.errors["html_body"] == [
        "HTML body: This template repeats too much: a loop inside a loop inside a loop isn't allowed."
    ]


def test_the_form_refuses_a_big_width_in_the_subject(organization):
    form = EmailTemplateForm(
        form_data(subject='{{ job.title|rjust:"500" }}'), instance=EmailTemplate(organization=organization)
    )

    assert not form.is_valid()
    assert form.errors["subject"] == ["Subject: Widths above 100 are not allowed in rjust (it was given 500)."]


@pytest.mark.parametrize("source", [LOOPING, WIDE_LOOPS, DOUBLING, SIZED["ljust"]])
def test_the_preview_answers_with_the_error_instead_of_hanging(owner_client, source):
    response = owner_client.post("/mail/templates/preview/", form_data(html_body=source), headers=HTMX)

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="preview"')
    assert "This template repeats too much" in response.text or "Widths above 100" in response.text


def test_saving_the_looping_template_is_refused_and_shows_why(owner_client, organization):
    response = owner_client.post("/mail/templates/new/", form_data(html_body=LOOPING))

    assert response.status_code == 400
    assert "This template repeats too much" in response.text
    assert not EmailTemplate.objects.filter(organization=organization, key="follow_up").exists()
