"""Switching a job's stages off and deleting them (pipeline/applications/stages.py), through the editor's URLs.

The editor's pages are tested in tests/pipeline/test_workflow_editor.py; this is the rule that a pipeline
always keeps one stage that is on.
"""

import pytest

pytestmark = pytest.mark.django_db


def test_the_last_stage_that_is_on_cannot_be_switched_off_or_deleted(client_for, recruiter, job, stages):
    for stage in stages[1:]:
        stage.is_active = False
        stage.save()
    client = client_for(recruiter)

    client.post(f"/workflows/steps/{stages[0].pk}/toggle/")
    client.post(f"/workflows/steps/{stages[0].pk}/delete/")

    stages[0].refresh_from_db()
    assert stages[0].is_active
