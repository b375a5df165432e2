"""Jobs made before scorecards get the default attributes, as a job made from now on does.

The list is a frozen copy of jobs.scorecards.DEFAULT_ATTRIBUTES as it was when this ran: later edits to
the defaults are for new jobs, not a reason to rewrite what existing jobs were given.
"""

from django.db import migrations

DEFAULT_ATTRIBUTES = [
    ("Role-specific skills", "The knowledge and skills the role needs day to day, shown in examples."),
    ("Problem solving", "How they break a problem down, reason about it and weigh the trade-offs."),
    ("Communication", "Clear, structured answers; they listen and ask good questions."),
    ("Collaboration", "How they work with others, share credit, and give and take feedback."),
    ("Motivation for the role", "Why this role and this team, and what they want to learn here."),
]


def add_defaults(apps, schema_editor):
    Job = apps.get_model("jobs", "Job")
    ScorecardAttribute = apps.get_model("jobs", "ScorecardAttribute")
    jobs = Job.objects.filter(scorecard_attributes__isnull=True).values_list("pk", flat=True)
    ScorecardAttribute.objects.bulk_create(
        [
            ScorecardAttribute(job_id=job_id, name=name, description=description, order=index)
            for job_id in jobs
            for index, (name, description) in enumerate(DEFAULT_ATTRIBUTES)
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("jobs", "0002_scorecard_attributes")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
