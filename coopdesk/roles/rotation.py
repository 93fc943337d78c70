"""Who holds a role in which term: a pure function of synced data, the same at every site.

A role's terms are consecutive, ``term_days`` long, counted from ``role.starts_on``. The
holders of every term are computed by walking the terms from the first one, so history
counts: least-recently-served and fewest-terms look at who served before. Nothing about a
term is stored unless it has something of its own (an override made by a swap, or handover
notes), in a ``role_term`` row whose id derives from role and start date; two sites that
write to "the same" term therefore write to one row.

The policy code (``plan_terms``) works on plain data and never reads the store, so it is
easy to test and obviously independent of which site runs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from coopdesk.base.errors import ValidationError
from coopdesk.base.i18n import _
from coopdesk.roles.tables import ROTATION_POLICIES
from coopdesk.store.ids import derived_id
from coopdesk.store.schema import parse_date, tags_list
from coopdesk.store.store import Store

DEFAULT_PLAN_TERMS = 12
# More than any role's holders at once (the schema allows 20) or any override's length.
MAX_SEATS = 1000


@dataclass(frozen=True)
class Term:
    """One term of a role: who holds it, from when to when (both days included)."""

    role_id: str
    role_name: str
    term_id: str
    starts_on: dt.date
    ends_on: dt.date  # last day, inclusive
    holders: tuple[str, ...]
    holder_names: tuple[str, ...]
    overridden: bool
    handover_notes: str

    def as_json(self) -> dict[str, Any]:
        return {
            "role_id": self.role_id,
            "role_name": self.role_name,
            "term_id": self.term_id,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "holders": list(self.holders),
            "holder_names": list(self.holder_names),
            "overridden": self.overridden,
            "handover_notes": self.handover_notes,
        }

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


def term_id(role_id: str, starts_on: dt.date) -> str:
    return derived_id("role_term", role_id, starts_on.isoformat())


# -- the policies, over plain data ----------------------------------------------------------


@dataclass(frozen=True)
class Leave:
    member_id: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass
class RotationInput:
    """Everything a rotation depends on, read once from the store.

    ``order`` is the eligible members in their fixed order (round-robin order and every
    policy's last tie-break). ``overrides`` maps a term's start date to its holders.
    """

    policy: str
    starts_on: dt.date
    term_days: int
    holders: int
    order: list[str]
    overrides: dict[dt.date, tuple[str, ...]] = field(default_factory=dict)
    leave: list[Leave] = field(default_factory=list)


def on_leave(leave: Iterable[Leave], start: dt.date, end: dt.date) -> set[str]:
    """Members away on any day from ``start`` to ``end`` (both included)."""
    return {item.member_id for item in leave if item.starts_on <= end and item.ends_on >= start}


_PLANS: dict[tuple, list[tuple[dt.date, tuple[str, ...], bool]]] = {}
_PLANS_KEPT = 64


def remembered_plan(data: RotationInput, count: int) -> list[tuple[dt.date, tuple[str, ...], bool]]:
    """``plan_terms``, remembered for the same input: a plan walks every term since the role
    began, and Today asks for the current terms after every write. The first ``count``
    terms of a longer plan are the plan of ``count`` terms, so the longest is kept."""
    key = (
        data.policy,
        data.starts_on,
        data.term_days,
        data.holders,
        tuple(data.order),
        tuple(sorted(data.overrides.items())),
        frozenset(item for item in data.leave if item.member_id in data.order),
    )
    known = _PLANS.get(key)
    if known is None or len(known) < count:
        known = plan_terms(data, count)
        if len(_PLANS) >= _PLANS_KEPT:
            _PLANS.pop(next(iter(_PLANS)))
        _PLANS[key] = known
    return known[:count]


def plan_terms(data: RotationInput, count: int) -> list[tuple[dt.date, tuple[str, ...], bool]]:
    """The first ``count`` terms: (start, holders, overridden), walking from the first term.

    - round-robin: the fixed order as a queue: each term takes the first members of the
      queue who are not on leave and sends them to the back; members on leave who were
      passed over go to the back too (they lose that turn).
    - least-recent: whoever served longest ago first; never served first; ties by order
      (a member back from leave is the least recent, so serves first).
    - fewest-terms: fewest terms served first; ties least-recent, then order.

    Overrides replace the computed holders of their term and count as served by the
    override holders (so a swap moves the swapped-in member to the back of the queue and
    the swapped-out member serves next).
    """
    if data.policy not in ROTATION_POLICIES:
        raise ValidationError(
            _("Unknown rotation {policy!r}: choose one of {rotation_policies}.").format(
                policy=data.policy, rotation_policies=", ".join(ROTATION_POLICIES)
            )
        )
    rank = {member: index for index, member in enumerate(data.order)}
    # Only the leave of members who can hold the role matters: the rest of the coop's
    # leave, years of it, would be read again for every term.
    leave = [item for item in data.leave if item.member_id in rank]
    # When each member last took (or, in round-robin, lost) a turn: term index * MAX_SEATS
    # + seat. Seats count as consecutive turns, so with several holders the one who took
    # the first seat is due again before the one who took the last.
    last_turn: dict[str, int] = {}
    served: dict[str, int] = {}
    length = dt.timedelta(days=data.term_days)
    result = []
    for index in range(count):
        start = data.starts_on + index * length
        end = start + length - dt.timedelta(days=1)
        override = data.overrides.get(start)
        away = on_leave(leave, start, end) if leave else set()
        if data.policy == "fewest-terms":
            queue = sorted(
                data.order, key=lambda m: (served.get(m, 0), last_turn.get(m, -1), rank[m])
            )
        else:
            queue = sorted(data.order, key=lambda m: (last_turn.get(m, -1), rank[m]))
        computed: list[str] = []
        passed: list[str] = []
        for member in queue:
            if len(computed) == data.holders:
                break
            (passed if member in away else computed).append(member)
        holders = override or tuple(computed)
        if data.policy == "round-robin" and not override:
            walked = [m for m in queue if m in computed or m in passed]
            for seat, member in enumerate(walked):
                last_turn[member] = index * MAX_SEATS + seat
        else:
            for seat, member in enumerate(holders):
                last_turn[member] = index * MAX_SEATS + seat
        for member in holders:
            served[member] = served.get(member, 0) + 1
        result.append((start, tuple(holders), bool(override)))
    return result


# -- reading the store --------------------------------------------------------------------


def _role(store: Store, role_id: str) -> dict[str, Any]:
    role = store.require("role", role_id)
    role["mandates"] = tags_list(role["mandates"])
    return role


def active_roles(store: Store) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT id FROM role WHERE _cl % 2 = 1 ORDER BY name COLLATE NOCASE, id",
    )
    return [_role(store, row["id"]) for row in rows]


def eligible_order(store: Store, role: dict[str, Any]) -> list[str]:
    """The role's eligible active members in their fixed order: position, then member id.

    Without a skill: the members who opted in. With a skill: every active member who has it
    (an opt-in row still sets their place in the order).
    """
    positions = {
        row["member_id"]: row["position"]
        for row in store.query(
            "SELECT role_member.member_id, role_member.position FROM role_member"
            " JOIN member ON member.id = role_member.member_id"
            " WHERE role_member.role_id = ? AND role_member._cl % 2 = 1 AND member._cl % 2 = 1",
            [role["id"]],
        )
    }
    skill = (role.get("skill") or "").strip().casefold()
    if skill:
        members = [
            row["id"]
            for row in store.query("SELECT id, skills FROM member WHERE _cl % 2 = 1")
            if skill in {s.casefold() for s in tags_list(row["skills"])}
        ]
    else:
        members = list(positions)
    return sorted(members, key=lambda m: (positions.get(m, 1_000_001), m))


def _rotation_input(
    store: Store, role: dict[str, Any], as_of: int | None = None
) -> tuple[RotationInput, dict]:
    """What the rotation is planned from; ``as_of`` (a hybrid-clock stamp): with the terms'
    overrides as they were then, from the log (a swap made later does not say who held a
    term before it)."""
    overrides: dict[dt.date, tuple[str, ...]] = {}
    notes: dict[dt.date, str] = {}
    earlier = _overrides_as_of(store, role["id"], as_of) if as_of is not None else {}
    for row in store.query(
        "SELECT id, starts_on, holders_override, handover_notes FROM role_term"
        " WHERE role_id = ? AND _cl % 2 = 1",
        [role["id"]],
    ):
        day = dt.date.fromisoformat(row["starts_on"])
        override = earlier.get(row["id"], "") if as_of is not None else row["holders_override"]
        holders = tuple(tags_list(override))
        if holders:
            overrides[day] = holders
        if row["handover_notes"]:
            notes[day] = row["handover_notes"]
    leave = [
        Leave(row["member_id"], dt.date.fromisoformat(row["starts_on"]), _date(row["ends_on"]))
        for row in store.query("SELECT member_id, starts_on, ends_on FROM leave WHERE _cl % 2 = 1")
    ]
    data = RotationInput(
        policy=role["policy"],
        starts_on=dt.date.fromisoformat(role["starts_on"]),
        term_days=int(role["term_days"]),
        holders=int(role["holders"]),
        order=eligible_order(store, role),
        overrides=overrides,
        leave=leave,
    )
    return data, notes


def _overrides_as_of(store: Store, role_id: str, stamp: int) -> dict[str, Any]:
    """Each term's override of ``role_id`` as last written at or before ``stamp``."""
    found: dict[str, Any] = {}
    for row_id, value in store.conn.execute(
        "SELECT c.row_id, json_extract(c.fields, '$.holders_override') FROM _change c"
        " JOIN role_term t ON t.id = c.row_id AND t.role_id = ?"
        " WHERE c.tbl = 'role_term' AND c.hlc <= ?"
        " AND json_type(c.fields, '$.holders_override') IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM _held h WHERE h.origin = c.origin AND h.seq = c.seq)"
        " ORDER BY c.hlc, c.origin",
        (role_id, stamp),
    ):
        found[str(row_id)] = value
    return found


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _member_names(store: Store, ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    return {
        row["id"]: row["name"]
        for row in store.query(f"SELECT id, name FROM member WHERE id IN ({marks})", wanted)
    }


def _index_of(role: dict[str, Any], day: dt.date) -> int:
    """The index of the term that covers ``day`` (negative before the first term)."""
    return (day - dt.date.fromisoformat(role["starts_on"])).days // int(role["term_days"])


def _terms(
    store: Store, role: dict[str, Any], first: int, last: int, as_of: int | None = None
) -> list[Term]:
    """Terms ``first`` to ``last`` (indexes, both included) of one role."""
    if last < first or last < 0:
        return []
    data, notes = _rotation_input(store, role, as_of)
    planned = remembered_plan(data, last + 1)[max(first, 0) :]
    names = _member_names(store, (m for _start, holders, _o in planned for m in holders))
    length = dt.timedelta(days=data.term_days - 1)
    return [
        Term(
            role_id=role["id"],
            role_name=role["name"],
            term_id=term_id(role["id"], start),
            starts_on=start,
            ends_on=start + length,
            holders=holders,
            holder_names=tuple(names.get(m, _("(unknown member)")) for m in holders),
            overridden=overridden,
            handover_notes=notes.get(start, ""),
        )
        for start, holders, overridden in planned
    ]


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def schedule(
    store: Store,
    *,
    role_id: str | None = None,
    terms: int | None = None,
    today: dt.date | None = None,
) -> list[Term]:
    """For each active role (or just ``role_id``): the current term and the next ``terms``.

    ``terms`` defaults to the role's ``plan_terms``. A role that has not started yet shows
    its first terms.
    """
    day = _today(today)
    roles = [_role(store, role_id)] if role_id else active_roles(store)
    result: list[Term] = []
    for role in roles:
        ahead = int(role["plan_terms"] or DEFAULT_PLAN_TERMS) if terms is None else terms
        current = max(0, _index_of(role, day))
        result.extend(_terms(store, role, current, current + ahead))
    return result


def history(store: Store, role_id: str, *, until: dt.date | None = None) -> list[Term]:
    """The role's terms that ended before ``until`` (default today), oldest first."""
    role = _role(store, role_id)
    current = _index_of(role, _today(until))
    return _terms(store, role, 0, current - 1)


def terms_between(store: Store, start: dt.date, end: dt.date) -> list[Term]:
    """Every active role's terms that overlap ``start`` to ``end`` (both included), by role
    name then start: who held (or holds) each role in a period, for the reports."""
    result: list[Term] = []
    for role in active_roles(store):
        first, last = max(0, _index_of(role, start)), _index_of(role, end)
        result.extend(_terms(store, role, first, last))
    return result


def current_terms(store: Store, on: dt.date | None = None) -> list[Term]:
    """The term of every active role that covers ``on`` (roles not started yet: none)."""
    day = _today(on)
    return [term for role in active_roles(store) if (term := current_term(store, role, day))]


def current_term(
    store: Store, role: dict[str, Any], day: dt.date, as_of: int | None = None
) -> Term | None:
    """The term of ``role`` (a row as ``active_roles`` gives it) covering ``day``, if started;
    ``as_of``: with the overrides written by then (see ``_rotation_input``)."""
    index = _index_of(role, day)
    return _terms(store, role, index, index, as_of)[0] if index >= 0 else None


def term_on(store: Store, role_id: str, day: dt.date) -> Term:
    """The term of a role that covers ``day``."""
    role = _role(store, role_id)
    index = _index_of(role, day)
    if index < 0:
        raise ValidationError(
            _("{name} starts on {starts_on}: there is no term on {day}.").format(
                name=role["name"], starts_on=role["starts_on"], day=day.isoformat()
            )
        )
    return _terms(store, role, index, index)[0]


def holders_without_override(store: Store, role_id: str, starts_on: dt.date) -> tuple[str, ...]:
    """Who would hold the term starting ``starts_on`` if it had no override of its own (the
    members a swap may be made by without a mandate)."""
    role = _role(store, role_id)
    index = _index_of(role, starts_on)
    if index < 0:
        return ()
    data, _notes = _rotation_input(store, role)
    data.overrides.pop(starts_on, None)
    planned = plan_terms(data, index + 1)
    return planned[index][1] if index < len(planned) else ()


def _term_starting(store: Store, role_id: str, term_start: dt.date | str) -> Term:
    start = parse_date(term_start, "Term")
    term = term_on(store, role_id, start)
    if term.starts_on != start:
        raise ValidationError(
            _(
                "No term of {role_name} starts on {start}: the term covering that day "
                "starts on {starts_on}."
            ).format(
                role_name=term.role_name,
                start=start.isoformat(),
                starts_on=term.starts_on.isoformat(),
            )
        )
    return term


# -- writing: swaps and handover notes -----------------------------------------------------


def _write_term(tx: Any, term: Term, fields: dict[str, Any]) -> None:
    """Write fields of a term's row, creating (or restoring) the row with its derived id."""
    existing = tx.store.get("role_term", term.term_id)
    if existing is None:
        tx.insert(
            "role_term",
            {"role_id": term.role_id, "starts_on": term.starts_on, **fields},
            row_id=term.term_id,
        )
        return
    if existing["archived"]:
        tx.restore("role_term", term.term_id)
    tx.update("role_term", term.term_id, fields)


def swap(
    store: Store,
    author: str,
    role_id: str,
    term_start: dt.date | str,
    out_member_id: str,
    in_member_id: str,
) -> None:
    """Give one term of a role to someone else: recorded as that term's override.

    A holder may give their own term away (to an eligible member); anything else, taking a
    term from someone among it, needs the "roles" mandate: otherwise any eligible member
    could make themselves this term's Coordinator.
    """

    with store.transaction(author) as tx:
        term = _term_starting(store, role_id, term_start)
        role = _role(store, role_id)
        if out_member_id not in term.holders:
            raise ValidationError(
                _(
                    "{name} does not hold {name2} in the term from {starts_on}: only a "
                    "holder can hand the term over."
                ).format(
                    name=_name(store, out_member_id),
                    name2=role["name"],
                    starts_on=term.starts_on.isoformat(),
                )
            )
        if in_member_id == out_member_id:
            raise ValidationError(_("Swap with someone else: that member already holds this term."))
        if in_member_id in term.holders:
            raise ValidationError(
                _("{name} already holds {name2} in this term.").format(
                    name=_name(store, in_member_id), name2=role["name"]
                )
            )
        if in_member_id not in eligible_order(store, role):
            raise ValidationError(
                _("{name} is not eligible for {name2}: they must opt in").format(
                    name=_name(store, in_member_id), name2=role["name"]
                )
                + (
                    _(" or have the skill {skill!r}").format(skill=role["skill"])
                    if role["skill"]
                    else ""
                )
                + _(" first.")
            )
        holders = [in_member_id if m == out_member_id else m for m in term.holders]
        if author != out_member_id:
            tx.use_mandate(
                "roles",
                f"gave {_name(store, in_member_id)} the {role['name']} term from "
                f"{term.starts_on.isoformat()} instead of {_name(store, out_member_id)}",
            )
        _write_term(tx, term, {"holders_override": holders})


def write_handover(
    store: Store, author: str, role_id: str, term_start: dt.date | str, notes: str
) -> None:
    """Handover notes of a term, written by its holder for whoever comes next.

    The holders of the term or of the next one may write them; anyone else needs the
    "roles" mandate.
    """

    with store.transaction(author) as tx:
        term = _term_starting(store, role_id, term_start)
        following = term_on(store, role_id, term.ends_on + dt.timedelta(days=1))
        if author not in term.holders and author not in following.holders:
            tx.use_mandate(
                "roles",
                f"wrote the handover notes of {term.role_name} from {term.starts_on.isoformat()}",
            )
        _write_term(tx, term, {"handover_notes": notes})


def _name(store: Store, member_id: str) -> str:
    row = store.get("member", member_id)
    return row["name"] if row else f"member {member_id}"
