"""What a board card shows to decide at a glance (issue 16): key answers, the knockout flag, who is who
among people of the same name; and the board's phone and wide-screen controls around the cards."""

import re

import pytest
from django.template.loader import get_template

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
    assert pairs == [(label, label, text) for label, text in answers]


def test_key_answers_are_escaped(recruiter, job, stages, application):
    hostile = '<img src=x onerror="alert(1)" data-hx-get="/x">'

    html = card_html(job, application, recruiter, key_answers=[(hostile, hostile)])

    assert "<img" not in html
    assert html.count("&lt;img src=x onerror=&quot;alert(1)&quot; data-hx-get=&quot;/x&quot;&gt;") == 3


def test_a_long_answer_is_cut_short_and_whole_in_its_title(recruiter, job, stages, application):
    long = "I have worked on data pipelines for many years, mostly in Python and SQL, at three companies."

    html = card_html(job, application, recruiter, key_answers=[("Experience", long)])

    [(title, shown)] = re.findall(r'<dd title="([^"]*)">([^<]*)</dd>', html)
    assert title == long
    assert shown.endswith("…") and len(shown) == 60


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


def test_two_people_of_the_same_name_are_told_apart(client_for, recruiter, job, stages):
    first, second = (
        ApplicationFactory(job=job, current_stage=stages[0], candidate__first_name="Ada", candidate__last_name="Byron")
        for _ in range(2)
    )

    response = client_for(recruiter).get(url(job))

    assert response.status_code == 200
    hints = dict(re.findall(r'data-application="(\d+)".*?<div class="card-hint">([^<]+)</div>', response.text, re.S))
    assert hints == {
        str(first.pk): f"Candidate #{first.candidate_id}",
        str(second.pk): f"Candidate #{second.candidate_id}",
    }
    assert hints[str(first.pk)] != hints[str(second.pk)]


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
