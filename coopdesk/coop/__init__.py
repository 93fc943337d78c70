"""The coop itself: its settings, sites and members, members' leave, PINs, and the activity log."""

from coopdesk.base.feature import Feature, Section, public_api
from coopdesk.coop.tables import TABLES

FEATURE = Feature(
    name="coop",
    tables=TABLES,
    commands="coopdesk.cli.coop",
    command_words=("member", "activity", "coop"),
    demo_steps=((10, "coopdesk.coop.demo:demo_members"),),
    sections=(
        Section("members", "Members", "coopdesk.gui.coop.members_page:MembersPage", order=50),
        Section("activity", "Activity", "coopdesk.gui.coop.activity_page:ActivityPage", order=60),
    ),
)

# The names other features may use, each loaded from its module on first use.
__getattr__, __dir__, __all__ = public_api(
    __name__,
    {
        "activity": (
            "ActivityItem",
            "changes_recorded",
            "count_changes",
            "describe",
            "recent_changes",
            "relative_time",
        ),
        "coop": (
            "Identity",
            "add_site",
            "check_time_zone",
            "coop_language",
            "coop_time_zone",
            "identity",
            "idle_minutes",
            "local_time_zone",
            "member_language",
            "sites",
            "start_coop",
            "update_settings",
        ),
        "demo": ("DemoContext",),
        "leave": ("add_leave", "end_leave", "leave_periods", "list_leave", "withdraw_leave"),
        "members": (
            "active_members",
            "member_names",
            "MemberQuery",
            "add_member",
            "archive_member",
            "count_members",
            "find_member",
            "get_member",
            "list_members",
            "matched_elsewhere",
            "member_ids",
            "names_first",
            "members_by_id",
            "restore_member",
            "update_member",
        ),
        "pins": (
            "PIN_ENV",
            "PinGate",
            "PinLockedError",
            "PinNeededError",
            "WrongPinError",
            "clear_pin",
            "confirm_member_pin",
            "has_pin",
            "hash_pin",
            "pin_matches",
            "pin_travelled",
            "set_pin",
            "verify_pin",
        ),
        "tables": ("COOP", "LEAVE", "MEMBER", "SITE"),
    },
)
