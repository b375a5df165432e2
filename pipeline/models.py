"""Django's app registry finds pipeline's models here; code imports them from their room instead."""

from .applications.models import (  # noqa: F401
    DEFAULT_REJECTION_REASONS,
    AnswerChoice,
    Application,
    ApplicationFormAnswer,
    ApplicationStageHistory,
    ApplicationTag,
    Follow,
    RejectionReason,
    Tag,
)
from .automation.models import ActionRun, StageAction  # noqa: F401
from .candidates.models import Candidate, Note, TimelineEvent  # noqa: F401
from .interviews.models import Interview, PanelMember, Scorecard  # noqa: F401
from .privacy.models import ErasureRecord, RetentionExtension  # noqa: F401
from .tasks.models import Task, TaskComment  # noqa: F401
from .webhooks.models import WebhookDelivery, WebhookEndpoint  # noqa: F401
