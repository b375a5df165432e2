"""Commenting on a task: POST /tasks/<id>/comments/."""

import pytest

from pipeline.tasks.models import TaskComment

pytestmark = pytest.mark.django_db


def url(task):
    return f"/tasks/{task.pk}/comments/"


def test_a_comment_is_added_and_shown_escaped(client_for, recruiter, task):
    client = client_for(recruiter)

    response = client.post(url(task), {"body": "  Called <b>both</b>\nall good  "})

    comment = TaskComment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/tasks/{task.pk}/#comment-{comment.pk}"
    assert (comment.body, comment.author) == ("Called <b>both</b>\nall good", recruiter)
    page = client.get(f"/tasks/{task.pk}/").text
    assert "Called &lt;b&gt;both&lt;/b&gt;<br>all good" in page


def test_an_empty_comment_is_refused_with_the_page(client_for, recruiter, task):
    response = client_for(recruiter).post(url(task), {"body": "   "})

    assert response.status_code == 400
    assert "This field is required." in response.text or "Write something first." in response.text
    assert not TaskComment.objects.exists()


def test_a_too_long_comment_keeps_what_was_typed(client_for, recruiter, task):
    typed = "<i>word</i> " * 500  # 6,000 characters

    response = client_for(recruiter).post(url(task), {"body": typed})

    assert response.status_code == 400
    assert "&lt;i&gt;word&lt;/i&gt; &lt;i&gt;word" in response.text
    assert "at most 5000 characters" in response.text
    assert not TaskComment.objects.exists()


def test_get_is_refused(client_for, recruiter, task):
    assert client_for(recruiter).get(url(task)).status_code == 405


def test_another_organisations_task_is_404(client_for, other_organization, task):
    stranger = other_organization.memberships.get().user

    assert client_for(stranger).post(url(task), {"body": "Hi"}).status_code == 404
    assert not TaskComment.objects.exists()


def test_an_interviewer_comments_on_their_own_task_only(client_for, interviewer, task, make_task):
    theirs = make_task(title="Theirs", assignee=interviewer)
    client = client_for(interviewer)

    assert client.post(url(theirs), {"body": "On it"}).status_code == 302
    assert client.post(url(task), {"body": "Me too"}).status_code == 404
    assert list(TaskComment.objects.values_list("task_id", flat=True)) == [theirs.pk]
