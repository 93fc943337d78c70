"""Assemblies: a meeting's date, site, facilitator, who attended, agenda, minutes; hand counts.

Agenda items may link to decisions, so the assembly's record says what was decided there.
For a show of hands (or paper ballots counted in the room) the facilitator enters the counts
instead of ballots; the result marks them as such. Entering counts is the "decisions"
mandate, like closing a decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from coopdesk.base.errors import NotFoundError, ValidationError
from coopdesk.base.i18n import _
from coopdesk.coop import find_member
from coopdesk.decisions.decisions import get_decision, local_now, option_by_text
from coopdesk.decisions.tables import PROPOSAL_KINDS, STANCES_BY_KIND
from coopdesk.store.ids import derived_id
from coopdesk.store.schema import DateTimeLike, datetime_text, tags_list
from coopdesk.store.store import Store

# Kinds whose ballots a show of hands can stand for: one raised hand, one stance or option.
HAND_KINDS = (*PROPOSAL_KINDS, "single", "multiple", "count")


@dataclass(frozen=True)
class AgendaItemView:
    id: str
    position: int
    title: str
    decision_id: str | None
    decision_title: str
    notes: str


@dataclass(frozen=True)
class MeetingView:
    id: str
    title: str
    starts_at: str
    site_id: str | None
    site_name: str
    facilitator_id: str | None
    facilitator_name: str
    attendees: list[str]
    attendee_names: list[str]
    minutes: str
    agenda: list[AgendaItemView] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def hand_count_id(decision_id: str, site_id: str | None, round_: int, key: str) -> str:
    return derived_id("hand_count", decision_id, site_id or "", str(round_), key)


def _member_ids(store: Store, members: Iterable[str]) -> list[str]:
    ids = []
    for text in members:
        member = find_member(store, text)
        if member is None:
            raise NotFoundError(
                _("No member {text!r} (give a member id or exact name).").format(text=text)
            )
        ids.append(member["id"])
    return list(dict.fromkeys(ids))


def add_meeting(
    store: Store,
    author: str,
    title: str,
    *,
    starts_at: DateTimeLike,
    site_id: str | None = None,
    facilitator_id: str | None = None,
    agenda: Sequence[str | tuple[str, str | None]] = (),
    attendees: Iterable[str] = (),
) -> str:
    """Record an assembly with its agenda (titles, or (title, decision id) pairs)."""
    if site_id and store.get("site", site_id) is None:
        raise NotFoundError(_("There is no site with id {site_id}.").format(site_id=site_id))
    with store.transaction(author) as tx:
        meeting_id = tx.insert(
            "meeting",
            {
                "title": title,
                "starts_at": datetime_text(starts_at, "Date"),
                "site_id": site_id or store.site_id,
                "facilitator_id": facilitator_id,
                "attendees": _member_ids(store, attendees),
            },
        )
        for position, item in enumerate(agenda):
            item_title, decision_id = (item, None) if isinstance(item, str) else item
            _insert_item(tx, store, meeting_id, position, item_title, decision_id)
    return meeting_id


def _insert_item(
    tx: Any, store: Store, meeting_id: str, position: int, title: str, decision_id: str | None
) -> str:
    if decision_id:
        decision = get_decision(store, decision_id)
        title = title or decision.title
    return tx.insert(
        "agenda_item",
        {
            "meeting_id": meeting_id,
            "position": position,
            "title": title,
            "decision_id": decision_id,
        },
    )


def add_agenda_item(
    store: Store, author: str, meeting_id: str, title: str, decision_id: str | None = None
) -> str:
    store.require("meeting", meeting_id)
    position = store.conn.execute(
        "SELECT coalesce(max(position) + 1, 0) FROM agenda_item WHERE meeting_id = ?",
        (meeting_id,),
    ).fetchone()[0]
    with store.transaction(author) as tx:
        return _insert_item(tx, store, meeting_id, position, title, decision_id)


def write_minutes(
    store: Store,
    author: str,
    meeting_id: str,
    minutes: str | None = None,
    *,
    attendees: Iterable[str] | None = None,
    facilitator_id: str | None = None,
) -> set[str]:
    """The minutes, who attended, who facilitated. Returns the fields that changed."""
    store.require("meeting", meeting_id)
    fields: dict[str, Any] = {}
    if minutes is not None:
        fields["minutes"] = minutes
    if attendees is not None:
        fields["attendees"] = _member_ids(store, attendees)
    if facilitator_id is not None:
        fields["facilitator_id"] = facilitator_id or None
    if not fields:
        raise ValidationError(_("Give the minutes, who attended or who facilitated."))
    with store.transaction(author) as tx:
        return tx.update("meeting", meeting_id, fields)


def get_meeting(store: Store, meeting_id: str) -> MeetingView:
    rows = store.query(
        "SELECT mt.id, mt.title, mt.starts_at, mt.site_id, s.name AS site_name,"
        " mt.facilitator_id, f.name AS facilitator_name, mt.attendees, mt.minutes"
        " FROM meeting mt LEFT JOIN site s ON s.id = mt.site_id"
        " LEFT JOIN member f ON f.id = mt.facilitator_id WHERE mt.id = ?",
        (meeting_id,),
    )
    if not rows:
        raise NotFoundError(
            _("There is no meeting with id {meeting_id} (see 'coopdesk meeting show').").format(
                meeting_id=meeting_id
            )
        )
    row = rows[0]
    attendees = tags_list(row["attendees"])
    names = {
        found["id"]: found["name"]
        for found in store.query(
            "SELECT id, name FROM member WHERE id IN (SELECT value FROM json_each(?))",
            (row["attendees"],),
        )
    }
    agenda = [
        AgendaItemView(
            item["id"],
            item["position"],
            item["title"],
            item["decision_id"],
            item["decision_title"] or "",
            item["notes"] or "",
        )
        for item in store.query(
            "SELECT a.id, a.position, a.title, a.decision_id, d.title AS decision_title, a.notes"
            " FROM agenda_item a LEFT JOIN decision d ON d.id = a.decision_id"
            " WHERE a.meeting_id = ? AND a._cl % 2 = 1 ORDER BY a.position, a.id",
            (meeting_id,),
        )
    ]
    return MeetingView(
        id=row["id"],
        title=row["title"],
        starts_at=row["starts_at"],
        site_id=row["site_id"],
        site_name=row["site_name"] or "",
        facilitator_id=row["facilitator_id"],
        facilitator_name=row["facilitator_name"] or "",
        attendees=attendees,
        attendee_names=sorted(
            (names.get(m, _("(unknown member)")) for m in attendees), key=str.casefold
        ),
        minutes=row["minutes"] or "",
        agenda=agenda,
    )


def list_meetings(store: Store) -> list[MeetingView]:
    """Every assembly, the latest first."""
    ids = [
        row[0]
        for row in store.conn.execute(
            "SELECT id FROM meeting WHERE _cl % 2 = 1 ORDER BY starts_at DESC, id"
        )
    ]
    return [get_meeting(store, meeting_id) for meeting_id in ids]


def find_meeting(store: Store, id_or_title: str) -> MeetingView:
    text = id_or_title.strip()
    if store.get("meeting", text) is not None:
        return get_meeting(store, text)
    rows = store.query(
        "SELECT id FROM meeting WHERE title = ? COLLATE NOCASE AND _cl % 2 = 1"
        " ORDER BY starts_at DESC",
        (text,),
    )
    if not rows:
        raise NotFoundError(
            _("There is no meeting {text!r} (see 'coopdesk meeting show').").format(text=text)
        )
    return get_meeting(store, rows[0]["id"])


def record_hands(
    store: Store,
    author: str,
    decision_id: str,
    counts: Mapping[str, int],
    *,
    meeting_id: str | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Counts from a show of hands (or paper ballots counted in the room) at this site.

    ``counts`` maps a stance (consent, block, yes...) or an option (id, label or number) to
    how many hands. Counting again replaces this site's earlier count for the same answer.
    Needs the "decisions" mandate; only while the decision is open.
    """
    decision = get_decision(store, decision_id)
    if decision.kind not in HAND_KINDS:
        raise ValidationError(
            _(
                "A show of hands cannot rank or score: use ballots (print paper ballots "
                "and type them in) for this kind of decision."
            )
        )
    if decision.phase(local_now(now)) != "open":
        raise ValidationError(
            _("“{title}” is not open: hands are counted while it is.").format(title=decision.title)
        )
    if meeting_id:
        store.require("meeting", meeting_id)
    rows: dict[str, int] = {}
    for key, count in counts.items():
        if decision.kind in STANCES_BY_KIND:
            word = str(key).strip().lower()
            if word not in STANCES_BY_KIND[decision.kind]:
                raise ValidationError(
                    _("{key!r} is not a stance of “{title}”: count {stances_by_kind}.").format(
                        key=key,
                        title=decision.title,
                        stances_by_kind=", ".join(STANCES_BY_KIND[decision.kind]),
                    )
                )
        else:
            word = option_by_text(decision, str(key)).id
        try:
            number = int(count)
        except (TypeError, ValueError):
            number = -1
        if number < 0:
            raise ValidationError(
                _("Hands for {key}: give a whole number, 0 or more.").format(key=key)
            )
        rows[word] = number
    if not rows:
        raise ValidationError(_("Give at least one count (STANCE=N or OPTION=N)."))
    with store.transaction(author) as tx:
        tx.use_mandate("decisions", f"counted hands for “{decision.title}”")
        for key, number in rows.items():
            row_id = hand_count_id(decision_id, store.site_id, decision.round, key)
            fields = {
                "decision_id": decision_id,
                "site_id": store.site_id,
                "meeting_id": meeting_id,
                "round": decision.round,
                "key": key,
                "count": number,
            }
            if store.get("hand_count", row_id) is None:
                tx.insert("hand_count", fields, row_id=row_id)
            else:
                tx.update("hand_count", row_id, {"count": number, "meeting_id": meeting_id})
