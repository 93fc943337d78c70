"""Rotating roles and their mandates: who holds each role this term, and what it may do."""

from coopdesk.base.feature import Feature, Section, public_api
from coopdesk.roles.tables import TABLES

FEATURE = Feature(
    name="roles",
    tables=TABLES,
    authority="coopdesk.roles.mandates:use_mandate",
    merge_rules="coopdesk.roles.mandates:merge_rules",
    # Who held a role on a day follows from these: when one changes, judge everything again.
    rejudge_on=("role", "role_member", "role_term", "leave"),
    gate="coopdesk.roles.mandates:gate_transaction",
    commands="coopdesk.cli.roles",
    command_words=("role",),
    demo_steps=((70, "coopdesk.roles.demo:demo_roles"),),
    sections=(Section("roles", "Roles", "coopdesk.gui.roles.page:RolesPage", order=30),),
    today="coopdesk.gui.roles.today:build_panels",
)

# The names other features may use, each loaded from its module on first use.
__getattr__, __dir__, __all__ = public_api(
    __name__,
    {
        "mandates": (
            "ACTION_LABELS",
            "Mandate",
            "MandateRequiredError",
            "holders_of",
            "mandate_uses",
            "may",
            "refusal_message",
            "use_mandate",
        ),
        "roles": (
            "add_role",
            "archive_role",
            "edit_role",
            "eligible_members",
            "get_role",
            "list_roles",
            "opt_in",
            "opt_out",
            "restore_role",
            "role_member_id",
        ),
        "rotation": (
            "Leave",
            "RotationInput",
            "Term",
            "active_roles",
            "current_term",
            "current_terms",
            "eligible_order",
            "history",
            "on_leave",
            "plan_terms",
            "schedule",
            "swap",
            "term_id",
            "term_on",
            "terms_between",
            "write_handover",
        ),
        "tables": ("MANDATE_ACTIONS", "ROTATION_POLICIES"),
    },
)
