"""What follows a decision: closing it early, the outcome statement, tasks, filling a role.

Closing early and writing outcomes are the "decisions" mandate (a facilitator's, when a role
carries it; everyone's otherwise). "It's not assumed that majority wins" (Loomio): a person
writes what was decided, with an optional review date (Today shows decisions due for
review) and tasks that follow from it. An election can fill a rotating role's next term,
through the roles feature's own swaps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from coopdesk.base.errors import ValidationError
from coopdesk.base.i18n import N_, _
from coopdesk.base.text import day_text, names_text
from coopdesk.decisions.ballots import release_ballots
from coopdesk.decisions.decisions import DecisionView, get_decision, local_now, when_text
from coopdesk.decisions.results import Result, tally
from coopdesk.roles import get_role, swap, term_on
from coopdesk.store.schema import DateLike, parse_date
from coopdesk.store.store import Store
from coopdesk.tasks import add_task


def _outcome_fields(outcome: str, review_on: DateLike | None) -> dict[str, Any]:
    text = (outcome or "").strip()
    if not text:
        raise ValidationError(_("Outcome is empty: say what was decided."))
    fields: dict[str, Any] = {"outcome": text}
    if review_on:
        fields["review_on"] = parse_date(review_on, N_("Review date"))
    return fields


def close_decision(
    store: Store,
    author: str,
    decision_id: str,
    *,
    outcome: str | None = None,
    review_on: DateLike | None = None,
    tasks: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> DecisionView:
    """Close a decision early (and, if given, write its outcome); or, when it has closed
    already, write the outcome. Needs the "decisions" mandate.

    The early close is a synced change; votes this site accepted before it count everywhere
    (docs/decisions.md). This site's ballot box releases the decision's secret ballots now.
    ``tasks`` (titles) are made after the outcome, which they need.
    """
    decision = get_decision(store, decision_id)
    moment = local_now(now)
    already = decision.phase(moment) == "closed"
    if already and outcome is None:
        raise ValidationError(
            _("“{title}” closed on {when} already.").format(
                title=decision.title, when=when_text(decision.ends_at, moment)
            )
        )
    fields: dict[str, Any] = {}
    if not already:
        fields["closed_at"] = max(moment, dt.datetime.fromisoformat(decision.opens_at))
    if outcome is not None:
        fields.update(_outcome_fields(outcome, review_on))
    titles = _task_titles(tasks)
    if titles and outcome is None:
        raise ValidationError(_("Tasks follow from an outcome: write the outcome too."))
    what = "wrote the outcome of" if already else "closed"
    with store.transaction(author) as tx:
        tx.use_mandate("decisions", f"{what} “{decision.title}”")
        tx.update("decision", decision_id, fields)
    release_ballots(store, now=moment, closed_only=True)
    _make_tasks(store, author, decision, titles)
    return get_decision(store, decision_id)


def _task_titles(tasks: Sequence[str]) -> list[str]:
    return [" ".join(task.split()) for task in tasks if task and task.strip()]


def _make_tasks(store: Store, author: str, decision: DecisionView, titles: list[str]) -> list[str]:
    return [
        add_task(store, author, title, notes=f"Follows from the decision “{decision.title}”.")
        for title in titles
    ]


def write_outcome(
    store: Store,
    author: str,
    decision_id: str,
    outcome: str,
    *,
    review_on: DateLike | None = None,
    tasks: Sequence[str] = (),
    now: dt.datetime | None = None,
) -> list[str]:
    """The outcome statement of a closed decision, its review date, and tasks made from it.

    Needs the "decisions" mandate. Returns the ids of the tasks made (each in its own
    transaction, after the outcome).
    """
    decision = get_decision(store, decision_id)
    if decision.phase(now) != "closed":
        raise ValidationError(
            _("“{title}” is open until {when}: close it first, then write its outcome.").format(
                title=decision.title, when=when_text(decision.ends_at, now)
            )
        )
    fields = _outcome_fields(outcome, review_on)
    titles = _task_titles(tasks)
    with store.transaction(author) as tx:
        tx.use_mandate("decisions", f"wrote the outcome of “{decision.title}”")
        tx.update("decision", decision_id, fields)
    return _make_tasks(store, author, decision, titles)


def next_term_start(store: Store, role_id: str, today: dt.date) -> dt.date:
    """The first day of the role's next term (its first term, if it has not started)."""
    role = get_role(store, role_id)
    first = dt.date.fromisoformat(role["starts_on"])
    if today < first:
        return first
    return term_on(store, role_id, today).ends_on + dt.timedelta(days=1)


def role_is_filled(
    store: Store, decision: DecisionView, result: Result, now: dt.datetime | None = None
) -> bool:
    """Whether a closed election's winners already hold its role's next term."""
    if not decision.fills_role_id or not result.winners:
        return False
    elected = {decision.option(o).member_id for o in result.winners if decision.option(o)}
    start = next_term_start(store, decision.fills_role_id, local_now(now).date())
    return elected <= set(term_on(store, decision.fills_role_id, start).holders)


def fill_role(
    store: Store, author: str, decision_id: str, now: dt.datetime | None = None
) -> list[str]:
    """The winners of a closed election become the role's holders in its next term.

    Done with the roles feature's swaps (each a term override, in its own transaction), so
    the author needs what a swap needs: to be one of the two members, or hold the "roles"
    mandate. Returns the holders of the next term.
    """
    decision = get_decision(store, decision_id)
    if not decision.fills_role_id:
        raise ValidationError(_("“{title}” does not fill a role.").format(title=decision.title))
    result = tally(store, decision_id, now)
    if result.phase != "closed":
        raise ValidationError(
            _("“{title}” is open until {when}: the role is filled once it has closed.").format(
                title=decision.title, when=when_text(decision.ends_at, now)
            )
        )
    role = get_role(store, decision.fills_role_id)
    winners = [decision.option(o).member_id for o in result.winners if decision.option(o)]
    elected = [member for member in winners if member]
    if result.status == "no quorum" or len(elected) != int(role["holders"]):
        raise ValidationError(
            _(
                "“{title}” elected {count} of the {holders} holders {name} needs: the "
                "role cannot be filled from it."
            ).format(
                title=decision.title, count=len(elected), holders=role["holders"], name=role["name"]
            )
        )
    start = next_term_start(store, role["id"], local_now(now).date())
    term = term_on(store, role["id"], start)
    leaving = [member for member in term.holders if member not in elected]
    arriving = [member for member in elected if member not in term.holders]
    if not arriving:
        raise ValidationError(
            _("{names} already hold {name} from {day}.").format(
                names=names_text(result.winner_labels), name=role["name"], day=day_text(start)
            )
        )
    for out_member, in_member in zip(leaving, arriving, strict=True):
        swap(store, author, role["id"], start, out_member, in_member)
    return list(term_on(store, role["id"], start).holders)
