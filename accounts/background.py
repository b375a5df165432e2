"""The one way to hand work to the django-q2 worker."""

from django.db import transaction


def enqueue_on_commit(task_path, *args, **kwargs):
    """Queue `task_path(*args)` once the current transaction commits.

    A rolled-back request therefore never sends mail or runs actions. Tasks take ids and
    re-fetch, so what they see is what was committed. Robust: a broker that fails after the
    commit is logged, never turned into an error for a request whose work is saved, and the
    other callbacks still run; work whose loss matters has a row a sweeper finds (the outbox).
    """
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(task_path, *args, **kwargs), robust=True)
