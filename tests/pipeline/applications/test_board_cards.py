"""What a board card shows to decide at a glance (issue 16): key answers, the knockout flag, who is who
among people of the same name; and the board's phone and wide-screen controls around the cards."""

import re
from datetime import UTC, datetime

import pytest
from django.template.loader import get_template
from django.utils.formats import date_format

from jobs.models import FormField
from pipeline.applications.models import AnswerChoice, ApplicationFormAnswer
from pipeline.applications.selectors import board_cards
from pipeline.applications.views.board import active_filter_count
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(job):
    return f"/jobs/{job.pk}/board/"


def card_html(job, application, recruiter, **shown):
    """The card partial for `application`, with `shown` set on its Card (what selectors work out)."""
    [card] = board_cards(job, [application.pk], viewer=recruiter.memberships.get())
    for name, value in shown.items():
        setattr(card, name, value)
    return get_template("pipeline/board.html#card").render({"card": card})


def article(html):
    """The card's root element's opening tag."""
    return re.search(r"<article [^>]*>", html).group(0)


def test_a_card_shows_its_key_answers_as_label_and_answer(recruiter, job, stages, application):
    answers = [("Years of experience", "5"), ("Willing to relocate?", "Yes"), ("Notice period", "1 month")]

    html = card_html(job, application, recruiter, key_answers=answers)

    [answers_list] = re.findall(r'<dl class="card-answers">(.*?)</dl>', html, re.S)
    pairs = re.findall(r'<dt title="([^"]*)">([^<]*)</dt><dd>([^<]*)</dd>', answers_list)
    # A colon after the question, unless it ends with its own question mark.
    assert pairs == [
        ("Years of experience", "Years of experience:", "5"),
        ("Willing to relocate?", "Willing to relocate?", "Yes"),
        ("Notice period", "Notice period:", "1 month"),
    ]


def test_key_answers_are_escaped(recruiter, job, stages, application):
    hostile = '<img src=x onerror="alert(1)" data-hx-get="/x">'

    html = card_html(job, application, recruiter, key_answers=[(hostile, hostile)])

    assert "<img" not in html
    assert html.count("&lt;img src=x onerror=&quot;alert(1)&quot; data-hx-get=&quot;/x&quot;&gt;") == 3


def test_a_card_without_key_answers_has_no_answer_list(recruiter, job, stages, application):
    assert "card-answers" not in card_html(job, application, recruiter, key_answers=[])
    assert "card-answers" not in card_html(job, application, recruiter)  # before selectors set any


def test_a_knocked_out_card_is_flagged_on_its_root_and_with_a_badge(recruiter, job, stages, application):
    flagged = card_html(job, application, recruiter, knocked_out=True)
    plain = card_html(job, application, recruiter, knocked_out=False)

    assert "data-knockout" in article(flagged)
    assert re.search(
        r'<span class="badge text-bg-danger card-knockout"[^>]*>.*?Knockout<span class="visually-hidden">', flagged
    )
    assert "data-knockout" not in plain and "Knockout" not in plain


def question(job, label, field_type, *, options=(), key=False, knockouts=()):
    form = job.application_form
    return FormField.objects.create(
        form=form,
        key=f"q{form.fields.count()}",
        label=label,
        field_type=field_type,
        options=list(options),
        is_key_question=key,
        knockout_answers=list(knockouts),
        order=100 + form.fields.count(),
    )


def answer(application, field, value):
    """An answer as applying stores it, with the AnswerChoice rows of a choice or yes/no one."""
    ApplicationFormAnswer.objects.create(
        application=application, field=field, key=field.key, label=field.label, value=value
    )
    if field.field_type == FormField.Type.YES_NO:
        AnswerChoice.objects.create(application=application, field=field, value="yes" if value else "no")
    elif field.field_type in FormField.CHOICE_TYPES:
        for option in value if isinstance(value, list) else [value]:
            AnswerChoice.objects.create(application=application, field=field, value=option)


def test_the_board_shows_the_answers_to_the_jobs_key_questions_and_flags_knockouts(client_for, recruiter, job, stages):
    years = question(job, "Years of experience", FormField.Type.NUMBER, key=True)
    relocate = question(job, "Willing to <relocate>?", FormField.Type.YES_NO, key=True, knockouts=["no"])
    question(job, "Favourite colour", FormField.Type.SHORT_TEXT)  # not a key question: not on cards
    ada = ApplicationFactory(job=job, current_stage=stages[0], knocked_out=True)
    answer(ada, years, 5.0)
    answer(ada, relocate, False)
    bob = ApplicationFactory(job=job, current_stage=stages[0])

    response = client_for(recruiter).get(url(job))

    assert response.status_code == 200
    cards = {
        pk: html
        for html, pk in re.findall(r'(<article [^>]*data-application="(\d+)".*?</article>)', response.text, re.S)
    }
    ada_card, bob_card = cards[str(ada.pk)], cards[str(bob.pk)]
    pairs = re.findall(r"<dt [^>]*>([^<]*)</dt><dd>([^<]*)</dd>", ada_card)
    assert pairs == [("Years of experience:", "5"), ("Willing to &lt;relocate&gt;?", "No")]
    assert "data-knockout" in article(ada_card) and "Knockout" in ada_card
    assert "card-answers" not in bob_card and "data-knockout" not in article(bob_card)


def test_the_board_offers_a_filter_per_choice_question_and_keeps_the_chosen_option(client_for, recruiter, job, stages):
    tool = question(job, "Tool", FormField.Type.SINGLE_CHOICE, options=["Figma", "Sketch <b>"])
    relocate = question(job, "Relocate?", FormField.Type.YES_NO)
    figma, sketch = (ApplicationFactory(job=job, current_stage=stages[0]) for _ in range(2))
    answer(figma, tool, "Figma")
    answer(sketch, tool, "Sketch <b>")
    client = client_for(recruiter)

    response = client.get(url(job), {"answer": f"{tool.pk}:Figma"})

    assert response.status_code == 200
    assert f'data-application="{figma.pk}"' in response.text
    assert f'data-application="{sketch.pk}"' not in response.text
    [tool_select] = re.findall(
        rf'<select [^>]*id="f-answer-{tool.pk}" name="answer"[^>]*>(.*?)</select>', response.text
    )
    assert re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', tool_select) == [
        ("", "", "Any answer"),
        (f"{tool.pk}:Figma", " selected", "Figma"),
        (f"{tool.pk}:Sketch &lt;b&gt;", "", "Sketch &lt;b&gt;"),
    ]
    [relocate_select] = re.findall(rf'<select [^>]*id="f-answer-{relocate.pk}"[^>]*>(.*?)</select>', response.text)
    assert re.findall(r'<option value="([^"]*)"', relocate_select) == ["", f"{relocate.pk}:yes", f"{relocate.pk}:no"]
    assert re.search(r'<input [^>]*id="f-knockout" name="knockout" value="1"(?! checked)', response.text)
    assert re.findall(r'<span class="badge[^>]*>(\d+)<span class="visually-hidden"> on', response.text) == ["1"]


def test_knocked_out_only_keeps_the_flagged_cards_and_stays_ticked(client_for, recruiter, job, stages):
    question(job, "Relocate?", FormField.Type.YES_NO, knockouts=["no"])
    out = ApplicationFactory(job=job, current_stage=stages[0], knocked_out=True)
    kept = ApplicationFactory(job=job, current_stage=stages[0])

    response = client_for(recruiter).get(url(job), {"knockout": "1"}, headers=HTMX)
    page = client_for(recruiter).get(url(job), {"knockout": "1"})

    assert response.status_code == page.status_code == 200
    assert f'data-application="{out.pk}"' in response.text
    assert f'data-application="{kept.pk}"' not in response.text
    assert re.search(r'<input [^>]*id="f-knockout" name="knockout" value="1" checked', page.text)


def test_a_job_without_choice_questions_offers_no_answer_filters(client_for, recruiter, job, stages):
    response = client_for(recruiter).get(url(job))

    assert response.status_code == 200
    assert 'name="answer"' not in response.text
    assert 'id="f-knockout"' not in response.text
    assert 'id="f-q"' in response.text  # the rest of the filters are there


def test_two_people_of_the_same_name_are_told_apart(client_for, recruiter, job, stages):
    first = ApplicationFactory(
        job=job,
        current_stage=stages[0],
        candidate__first_name="Ada",
        candidate__last_name="Lovelace",
        candidate__city="Berlin",
        candidate__email="ada@gmail.com",
    )
    second = ApplicationFactory(
        job=job,
        current_stage=stages[0],
        candidate__first_name="Ada",
        candidate__last_name="Lovelace",
        candidate__city="<b>Köln</b>",
        candidate__email="ada.l@posteo.de",
    )
    # Neither a city nor an email domain worth showing (an erased person's placeholder): the day they applied.
    third = ApplicationFactory(
        job=job,
        current_stage=stages[0],
        candidate__first_name="Ada",
        candidate__last_name="Lovelace",
        candidate__email="erased-1@erased.invalid",
        applied_at=datetime(2026, 3, 4, 12, tzinfo=UTC),
    )

    response = client_for(recruiter).get(url(job))

    assert response.status_code == 200
    hints = dict(re.findall(r'data-application="(\d+)".*?<div class="card-hint">([^<]+)</div>', response.text, re.S))
    assert hints == {
        str(first.pk): "Berlin · gmail.com",
        str(second.pk): "&lt;b&gt;Köln&lt;/b&gt; · posteo.de",  # escaped
        str(third.pk): f"Applied {date_format(third.applied_at.date())}",
    }
    assert "<b>Köln" not in response.text


def test_the_filters_button_counts_the_filters_that_are_on(client_for, recruiter, job, stages):
    client = client_for(recruiter)

    plain = client.get(url(job))
    filtered = client.get(url(job), {"q": "ada", "rating": "3", "starred": "1", "status": ""})

    assert plain.status_code == filtered.status_code == 200
    assert '<span id="filter-count"></span>' in plain.text
    [count] = re.findall(
        r'<span id="filter-count"><span class="badge[^>]*>(\d+)<span class="visually-hidden"> on', filtered.text
    )
    assert count == "3"
    assert 'data-bs-target="#board-filters" aria-expanded="false" aria-controls="board-filters"' in filtered.text
    assert '<div class="collapse d-md-block board-filters-panel" id="board-filters">' in filtered.text


def test_a_filtered_board_fragment_sends_the_count_again(client_for, recruiter, job, stages):
    response = client_for(recruiter).get(url(job), {"tag": "python"}, headers=HTMX)

    assert response.status_code == 200
    assert "<html" not in response.text
    assert re.search(r'<span id="filter-count" data-hx-swap-oob="true"><span class="badge[^>]*>1<', response.text)


@pytest.mark.parametrize(
    ("filters", "count"),
    [
        ({"q": "", "tag": "", "rating": None, "source": "", "starred": False, "status": ""}, 0),
        ({"q": "ada", "tag": "x", "rating": 4, "source": "LinkedIn", "starred": True, "status": "all"}, 6),
        ({"q": "", "answers": [(3, "Yes"), (4, "Figma")], "knockout": True}, 3),
        ({"q": "", "knockout": False}, 1),  # knockout=0: only those not knocked out
    ],
)
def test_active_filter_count(filters, count):
    assert active_filter_count(filters) == count


def test_the_stage_picker_lists_each_column_with_its_count(client_for, recruiter, job, stages):
    for _ in range(3):
        ApplicationFactory(job=job, current_stage=stages[1])

    response = client_for(recruiter).get(url(job))

    assert response.status_code == 200
    [picker] = re.findall(r'<select [^>]*id="stage-picker"[^>]*>(.*?)</select>', response.text, re.S)
    options = re.findall(r'<option value="(\d+)" data-label="([^"]*)">([^<]*)</option>', picker)
    assert [(int(pk), label) for pk, label, _ in options] == [(stage.pk, stage.name) for stage in stages]
    assert options[1][2] == f"{stages[1].name} (3)"
    assert options[0][2] == f"{stages[0].name} (0)"


def test_each_column_has_a_fold_button_that_controls_its_cards(client_for, recruiter, job, stages):
    response = client_for(recruiter).get(url(job))

    assert response.status_code == 200
    controlled = re.findall(
        r'<button class="board-collapse"[^>]*aria-expanded="true" aria-controls="cards-(\d+)"', response.text
    )
    assert controlled == [str(stage.pk) for stage in stages]
    for stage in stages:
        assert f'<form class="board-cards" id="cards-{stage.pk}"' in response.text
