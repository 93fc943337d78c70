"""The role tables: roles, who takes turns, terms with overrides and notes, uses of a mandate."""

from __future__ import annotations

from typing import Any

from coopdesk.base.i18n import N_, _, npgettext
from coopdesk.store.schema import Column, TableSpec

ROTATION_POLICIES = ("round-robin", "least-recent", "fewest-terms")


# What a role may carry: actions that need a mandate (see coopdesk.mandates).
MANDATE_ACTIONS = (
    "members",
    "roles",
    "conflicts",
    "stock",
    "settings",
    "sites",
    "decisions",
    "shifts",
    "tasks",
)


ROLE = TableSpec(
    name="role",
    noun=N_("role"),
    counted=lambda n: npgettext("table rows", "role", "roles", n),
    label_column="name",
    columns=(
        Column("name", "text", N_("Name"), required=True, max_len=120),
        Column("description", "text", N_("Description"), max_len=2000, default=""),
        Column("term_days", "int", N_("Term (days)"), minimum=1, maximum=366, default=28),
        Column("holders", "int", N_("Holders at once"), minimum=1, maximum=20, default=1),
        Column(
            "policy", "choice", N_("Rotation"), choices=ROTATION_POLICIES, default="round-robin"
        ),
        # Empty: the members who opted in (role_member rows). A skill: every active
        # member with that skill.
        Column("skill", "text", N_("Eligible skill"), max_len=100, default=""),
        Column("starts_on", "date", N_("First term starts"), required=True),
        Column("plan_terms", "int", N_("Terms planned ahead"), minimum=1, maximum=104, default=12),
        Column("mandates", "tags", N_("Mandates"), max_len=500, default="[]"),
    ),
)


def role_member_phrase(
    store: Any, op: str, row_id: str, fields: dict[str, Any], author_id: str
) -> str | None:
    """ "put Bea in the Coordinator rotation", "left the Treasurer rotation": what the
    Activity page says of a rotation change, instead of "added role member <id>"."""
    row = store.get("role_member", row_id) or {}
    member_id = fields.get("member_id") or row.get("member_id")
    role = store.get("role", str(fields.get("role_id") or row.get("role_id") or ""))
    member = store.get("member", str(member_id or ""))
    role_name = role["name"] if role else ""
    name = member["name"] if member else _("someone")
    if member_id == author_id:
        if op in ("insert", "restore"):
            said = _("joined the {role} rotation") if role else _("joined a role's rotation")
        elif op == "archive":
            said = _("left the {role} rotation") if role else _("left a role's rotation")
        else:
            said = _("moved in the {role} rotation") if role else _("moved in a role's rotation")
    elif op in ("insert", "restore"):
        said = (
            _("put {name} in the {role} rotation") if role else _("put {name} in a role's rotation")
        )
    elif op == "archive":
        said = (
            _("took {name} out of the {role} rotation")
            if role
            else _("took {name} out of a role's rotation")
        )
    else:
        said = (
            _("moved {name} in the {role} rotation")
            if role
            else _("moved {name} in a role's rotation")
        )
    return said.format(name=name, role=role_name)


ROLE_MEMBER = TableSpec(
    name="role_member",
    noun=N_("role member"),
    counted=lambda n: npgettext("table rows", "role member", "role members", n),
    label_column="member_id",
    phrase=role_member_phrase,
    columns=(
        # The id derives from role and member; opting out archives the row.
        Column("role_id", "ref", N_("Role"), required=True, ref_table="role"),
        Column("member_id", "ref", N_("Member"), required=True, ref_table="member"),
        # Round-robin order; ties by member id.
        Column("position", "int", N_("Order"), minimum=0, maximum=1_000_000, default=0),
    ),
)


ROLE_TERM = TableSpec(
    name="role_term",
    noun=N_("term"),
    counted=lambda n: npgettext("table rows", "term", "terms", n),
    label_column="starts_on",
    columns=(
        # Written only when a term has something of its own: the id derives from role
        # and start date, so two sites never create two different futures.
        Column("role_id", "ref", N_("Role"), required=True, ref_table="role"),
        Column("starts_on", "date", N_("Starts"), required=True),
        # Member ids; empty means "as the rotation computes". A swap is an override.
        Column("holders_override", "tags", N_("Holders (override)"), max_len=1000, default="[]"),
        Column("handover_notes", "text", N_("Handover notes"), max_len=5000, default=""),
    ),
)


MANDATE_USE = TableSpec(
    name="mandate_use",
    noun=N_("use of a mandate"),
    counted=lambda n: npgettext("table rows", "use of a mandate", "uses of a mandate", n),
    plural_noun=N_("uses of a mandate"),
    label_column="action",
    kind="ledger",
    columns=(
        Column("member_id", "ref", N_("Member"), required=True, ref_table="member"),
        Column("role_id", "ref", N_("Role"), ref_table="role"),
        Column("action", "choice", N_("Action"), choices=MANDATE_ACTIONS, default="members"),
        Column("detail", "text", N_("What"), max_len=500, default=""),
        Column("used_at", "datetime", N_("When"), required=True),
    ),
)

TABLES = (ROLE, ROLE_MEMBER, ROLE_TERM, MANDATE_USE)
