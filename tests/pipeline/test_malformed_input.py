"""Malformed ids and numbers in any form or query answer with a message or a 404, never a 500."""

import pytest

from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 30  # past every integer column's range


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/jobs/{job}/board/bulk/", {"action": "move", "selected": [HUGE], "stage": HUGE}),
        ("post", "/jobs/{job}/board/columns/{stage}/", {"application": [HUGE, "-1", "abc"]}),
        ("get", "/jobs/{job}/board/", {"rating": "9" * 5000, "more": HUGE, "count": HUGE}),
        ("post", "/applications/{app}/rate/", {"rating": HUGE}),
        ("post", "/jobs/{job}/team/", {"membership": "abc", "role": "interviewer"}),
        ("post", "/jobs/{job}/form/fields/order/", {"field": [HUGE, "²"]}),
        ("get", "/candidates/", {"job": HUGE, "stage": "x", "applied_from": "not-a-date"}),
        ("get", "/jobs/{job}/workflow/apply/", {"template": HUGE}),
    ],
)
def test_malformed_numbers_never_cause_a_server_error(client_for, recruiter, job, stages, method, path, data):
    application = ApplicationFactory(job=job, current_stage=stages[0])
    url = path.format(job=job.pk, stage=stages[0].pk, app=application.pk)

    response = getattr(client_for(recruiter), method)(url, data)

    assert response.status_code in (200, 302, 400, 404)
    application.refresh_from_db()
    assert application.current_stage == stages[0]
