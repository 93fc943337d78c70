"""Roles that rotate: coordinator, treasurer, facilitator, minute-taker.

A role says how long a term is, how many hold it at once, who is eligible (members who
opted in, or everyone with a skill), how the next holders are chosen (``coopdesk.rotation``)
and which mandates it carries (``coopdesk.mandates``). Creating and changing roles needs
the "roles" mandate; opting in or out is each member's own business.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from coopdesk.base.errors import ValidationError
from coopdesk.base.i18n import _
from coopdesk.roles.mandates import ACTION_LABELS
from coopdesk.roles.rotation import DEFAULT_PLAN_TERMS, active_roles, current_terms, eligible_order
from coopdesk.roles.tables import ROTATION_POLICIES
from coopdesk.store.ids import derived_id
from coopdesk.store.schema import tags_list
from coopdesk.store.store import Store

ROLE_FIELDS = (
    "name",
    "description",
    "term_days",
    "holders",
    "policy",
    "skill",
    "starts_on",
    "plan_terms",
    "mandates",
)


def role_member_id(role_id: str, member_id: str) -> str:
    return derived_id("role_member", role_id, member_id)


def _check_role_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Refuse what the schema alone would word less clearly; normalise mandates."""
    checked = dict(fields)
    if "term_days" in checked:
        try:
            days = int(checked["term_days"])
        except (TypeError, ValueError):
            raise ValidationError(_("Term length must be a whole number of days.")) from None
        if days < 1:
            raise ValidationError(_("A term must last at least one day."))
        checked["term_days"] = days
    if "policy" in checked:
        policy = str(checked["policy"]).strip().lower()
        if policy not in ROTATION_POLICIES:
            raise ValidationError(
                _("Unknown rotation {policy!r}: choose one of {rotation_policies}.").format(
                    policy=checked["policy"], rotation_policies=", ".join(ROTATION_POLICIES)
                )
            )
        checked["policy"] = policy
    if "mandates" in checked:
        mandates = _mandate_list(checked["mandates"])
        unknown = [m for m in mandates if m not in ACTION_LABELS]
        if unknown:
            raise ValidationError(
                _("Unknown mandate {unknown}: a role may carry {action_labels}.").format(
                    unknown=", ".join(unknown), action_labels=", ".join(ACTION_LABELS)
                )
            )
        checked["mandates"] = mandates
    if "holders" in checked:
        try:
            checked["holders"] = int(checked["holders"])
        except (TypeError, ValueError):
            raise ValidationError(_("Holders at once must be a whole number.")) from None
        if checked["holders"] < 1:
            raise ValidationError(_("A role needs at least one holder at a time."))
    unknown_fields = set(checked) - set(ROLE_FIELDS)
    if unknown_fields:
        raise ValidationError(
            _("A role has no field called {unknown_fields}.").format(
                unknown_fields=", ".join(sorted(unknown_fields))
            )
        )
    return checked


def _mandate_list(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    return sorted({str(item).strip().lower() for item in value or () if str(item).strip()})


def _skilled_members(store: Store, skill: str) -> list[str]:
    return eligible_order(store, {"id": "", "skill": skill})


def add_role(
    store: Store,
    author: str,
    name: str,
    *,
    term_days: int,
    policy: str = "round-robin",
    member_ids: Iterable[str] = (),
    holders: int = 1,
    skill: str = "",
    starts_on: dt.date | str | None = None,
    description: str = "",
    mandates: Iterable[str] = (),
    plan_terms: int = DEFAULT_PLAN_TERMS,
) -> str:
    """Create a role and opt ``member_ids`` in (in that order). Needs the "roles" mandate."""
    with store.transaction(author) as tx:
        fields = _check_role_fields(
            {
                "name": name,
                "description": description,
                "term_days": term_days,
                "holders": holders,
                "policy": policy,
                "skill": skill or "",
                "starts_on": starts_on or dt.date.today(),
                "plan_terms": plan_terms,
                "mandates": list(mandates),
            }
        )
        members = list(dict.fromkeys(member_ids))
        for member_id in members:
            row = store.get("member", member_id)
            if row is None or row["archived"]:
                raise ValidationError(
                    _(
                        "There is no active member with id {member_id}: choose members from the "
                        "list."
                    ).format(member_id=member_id)
                )
        if not members and not (fields["skill"] and _skilled_members(store, fields["skill"])):
            raise ValidationError(
                _("Nobody could hold {name}: choose at least one member").format(
                    name=name.strip() or _("this role")
                )
                + (
                    _(" (no active member has the skill {skill!r}).").format(skill=fields["skill"])
                    if fields["skill"]
                    else "."
                )
            )
        tx.use_mandate("roles", f"added the role {name.strip()}")
        role_id = tx.insert("role", fields)
        for position, member_id in enumerate(members):
            tx.insert(
                "role_member",
                {"role_id": role_id, "member_id": member_id, "position": position},
                row_id=role_member_id(role_id, member_id),
            )
    return role_id


def edit_role(store: Store, author: str, role_id: str, **fields: Any) -> set[str]:
    """Change a role's fields (see ``ROLE_FIELDS``). Needs the "roles" mandate.

    Changing ``member_ids`` replaces who opted in, in the order given.
    """
    with store.transaction(author) as tx:
        role = store.require("role", role_id)
        member_ids = fields.pop("member_ids", None)
        checked = _check_role_fields(fields)
        changed: set[str] = set()
        tx.use_mandate("roles", f"changed the role {role['name']}")
        if checked:
            changed |= tx.update("role", role_id, checked)
        if member_ids is not None and _set_members(tx, role_id, list(dict.fromkeys(member_ids))):
            changed.add("members")
        after = tx.store.require("role", role_id)
        touched = member_ids is not None or "skill" in checked
        if touched and not eligible_order(tx.store, after):
            raise ValidationError(
                _("Nobody could hold {name}: keep at least one eligible member.").format(
                    name=after["name"]
                )
            )
    return changed


def _set_members(tx: Any, role_id: str, member_ids: list[str]) -> bool:
    store = tx.store
    changed = False
    existing = {
        row["member_id"]: row
        for row in store.query(
            "SELECT id, member_id, position, _cl % 2 = 0 AS archived FROM role_member"
            " WHERE role_id = ?",
            [role_id],
        )
    }
    for position, member_id in enumerate(member_ids):
        row = existing.get(member_id)
        if row is None:
            tx.insert(
                "role_member",
                {"role_id": role_id, "member_id": member_id, "position": position},
                row_id=role_member_id(role_id, member_id),
            )
            changed = True
            continue
        if row["archived"]:
            tx.restore("role_member", row["id"])
            changed = True
        changed |= bool(tx.update("role_member", row["id"], {"position": position}))
    for member_id, row in existing.items():
        if member_id not in member_ids and not row["archived"]:
            tx.archive("role_member", row["id"])
            changed = True
    return changed


def archive_role(store: Store, author: str, role_id: str) -> None:
    with store.transaction(author) as tx:
        role = store.require("role", role_id)
        tx.use_mandate("roles", f"archived the role {role['name']}")
        tx.archive("role", role_id)


def restore_role(store: Store, author: str, role_id: str) -> None:
    with store.transaction(author) as tx:
        role = store.require("role", role_id)
        tx.use_mandate("roles", f"restored the role {role['name']}")
        tx.restore("role", role_id)


def _may_change_membership(tx: Any, author: str, member_id: str, role: dict, verb: str) -> None:
    """A member opts themselves in or out; doing it for someone else needs "roles"."""
    if author != member_id:
        member = tx.store.require("member", member_id)
        tx.use_mandate("roles", f"{verb} {member['name']} for the role {role['name']}")


def opt_in(store: Store, author: str, role_id: str, member_id: str) -> None:
    """Put a member in the role's rotation (at the end of the order)."""
    with store.transaction(author) as tx:
        role = store.require("role", role_id)
        member = store.require("member", member_id)
        if member["archived"]:
            raise ValidationError(
                _("{name} is archived: restore them first.").format(name=member["name"])
            )
        row_id = role_member_id(role_id, member_id)
        existing = store.get("role_member", row_id)
        if existing is not None and not existing["archived"]:
            raise ValidationError(
                _("{name} already takes turns as {name2}.").format(
                    name=member["name"], name2=role["name"]
                )
            )
        position = store.conn.execute(
            "SELECT coalesce(max(position) + 1, 0) FROM role_member"
            " WHERE role_id = ? AND _cl % 2 = 1",
            (role_id,),
        ).fetchone()[0]
        _may_change_membership(tx, author, member_id, role, "opted in")
        if existing is None:
            tx.insert(
                "role_member",
                {"role_id": role_id, "member_id": member_id, "position": position},
                row_id=row_id,
            )
        else:
            tx.restore("role_member", row_id)
            tx.update("role_member", row_id, {"position": position})


def opt_out(store: Store, author: str, role_id: str, member_id: str) -> None:
    """Take a member out of the role's rotation; refused if nobody would be left."""
    with store.transaction(author) as tx:
        role = store.require("role", role_id)
        member = store.require("member", member_id)
        row_id = role_member_id(role_id, member_id)
        existing = store.get("role_member", row_id)
        if existing is None or existing["archived"]:
            raise ValidationError(
                _("{name} does not take turns as {name2}.").format(
                    name=member["name"], name2=role["name"]
                )
            )
        _may_change_membership(tx, author, member_id, role, "opted out")
        tx.archive("role_member", row_id)
        if not role["skill"] and not eligible_order(tx.store, role):
            raise ValidationError(
                _(
                    "{name} is the last member who takes turns as {name2}: add someone else "
                    "first, or archive the role."
                ).format(name=member["name"], name2=role["name"])
            )


def eligible_members(store: Store, role_id: str) -> list[str]:
    """The role's eligible active members, in rotation order."""
    return eligible_order(store, store.require("role", role_id))


def list_roles(store: Store) -> list[dict[str, Any]]:
    """Active roles with their eligible members and the current term's holders."""
    current = {term.role_id: term for term in current_terms(store)}
    result = []
    for role in active_roles(store):
        term = current.get(role["id"])
        order = eligible_order(store, role)
        names = {
            row["id"]: row["name"]
            for row in store.query(
                f"SELECT id, name FROM member WHERE id IN ({', '.join('?' * len(order))})",
                order,
            )
        }
        result.append(
            {
                **role,
                "member_ids": order,
                "member_names": [names.get(m, "") for m in order],
                "current_term": term.as_json() if term else None,
            }
        )
    return result


def get_role(store: Store, role_id: str) -> dict[str, Any]:
    role = store.require("role", role_id)
    role["mandates"] = tags_list(role["mandates"])
    role["member_ids"] = eligible_order(store, role)
    return role
