"""Register the recurring background jobs with django-q2. Idempotent: run it on every deploy."""

from django.core.management.base import BaseCommand
from django_q.models import Schedule

SCHEDULES = [
    # name, task, how often: a number of minutes, or Schedule.DAILY
    ("Delete stale pending uploads", "pipeline.applications.tasks.delete_stale_pending_uploads", 60),
    ("Retry email whose time has come", "mail.tasks.deliver_due", 1),
    ("Run stage actions whose time has come, or whose task was lost", "pipeline.automation.tasks.sweep", 1),
    ("Remind assignees of tasks due today or overdue", "pipeline.tasks.jobs.send_reminders", 15),
    ("Interview reminders and feedback requests", "pipeline.interviews.jobs.sweep", 5),
    ("Send daily notification digests whose local time has come", "notifications.tasks.send_digests", 15),
    ("Tell senders of emails that could not be delivered", "notifications.tasks.notify_failed_deliveries", 5),
    (
        "Send webhook retries whose time has come; empty delivery bodies past 30 days",
        "pipeline.webhooks.tasks.sweep",
        1,
    ),
    ("Erase candidates past their retention date", "pipeline.privacy.tasks.erase_expired_candidates", Schedule.DAILY),
]


class Command(BaseCommand):
    help = "Create or update the recurring django-q2 schedules."

    def handle(self, *args, **options):
        for name, func, every in SCHEDULES:
            if every == Schedule.DAILY:
                timing = {"schedule_type": Schedule.DAILY, "minutes": None}
            else:
                timing = {"schedule_type": Schedule.MINUTES, "minutes": every}
            Schedule.objects.update_or_create(name=name, defaults={"func": func, **timing})
        self.stdout.write(f"{len(SCHEDULES)} schedule(s) registered.")
