"""What a person says along with a move or a rejection, passed as plain data down to the automation."""

from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class WrittenEmail:
    """An email as a person left it: subject and HTML body (template sources: variables allowed)."""

    subject: str
    body: str
    cc: tuple = ()
    # Sent this long after the decision ("in 2 days"); undoing the decision first cancels it.
    delay: timedelta = timedelta(0)


@dataclass(frozen=True)
class MoveChoices:
    """A person's answers about the stage's actions, from the confirm form (none for a bare drag).

    `confirmed`: they saw the actions that email an offer or a rejection; each then goes with
    their `edits` (action id -> WrittenEmail), unless its id is in `skip`. `send_again`: repeat
    candidate emails this stage already sent in the last 14 days. `run_actions` off: the move sets
    nothing off (an Undo puts a card back; it does not enter the stage anew).
    """

    confirmed: bool = False
    skip: frozenset = frozenset()
    edits: dict = field(default_factory=dict)
    send_again: bool = False
    run_actions: bool = True
