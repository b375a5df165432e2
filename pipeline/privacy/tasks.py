"""The retention promise, kept daily: candidates past their date with no open application are erased."""

import logging

from . import services

logger = logging.getLogger(__name__)


def erase_expired_candidates():
    """Erase every candidate due (services.expired_candidates); returns how many. Safe to run twice.

    Each erasure is its own transaction, rechecked under the row's lock, so one failure (logged)
    stops neither the others nor tomorrow's run, and a tombstone is never due again.
    """
    erased = 0
    for candidate_id in list(services.expired_candidates().values_list("pk", flat=True)):
        try:
            if services.erase_if_expired(candidate_id=candidate_id):
                erased += 1
        except Exception:
            logger.exception("Could not erase candidate %s past their retention date", candidate_id)
    return erased
