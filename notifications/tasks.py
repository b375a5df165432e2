"""Background tasks of notifications: the daily digests and the senders of failed emails."""

from . import digest, failures


def send_digests():
    """Every 15 minutes: each member whose local digest time has come today gets it, once."""
    return digest.send_due_digests()


def notify_failed_deliveries():
    """Every few minutes: whoever sent an email that could not be delivered hears of it."""
    return failures.notify_failed_deliveries()
