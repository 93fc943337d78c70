"""Shifts: types, templates, sign-ups and waiting lists, attendance, the duty rule, calendars."""

from coopdesk.base.feature import Feature, Section, public_api
from coopdesk.shifts.tables import TABLES

FEATURE = Feature(
    name="shifts",
    tables=TABLES,
    commands="coopdesk.cli.shifts",
    command_words=("shift", "member"),
    demo_steps=((30, "coopdesk.shifts.demo:demo_shifts"),),
    sections=(Section("shifts", "Shifts", "coopdesk.gui.shifts.page:ShiftsPage", order=10),),
    today="coopdesk.gui.shifts.today:build_panels",
    mandates_needed="coopdesk.shifts.mandates:mandates_needed",
)

# The names other features may use, each loaded from its module on first use.
__getattr__, __dir__, __all__ = public_api(
    __name__,
    {
        "duty": (
            "Balance",
            "DutyRule",
            "attended_minutes",
            "duty_asked",
            "duty_rule",
            "member_balance",
            "member_balances",
            "set_duty_rule",
        ),
        "ics": (
            "CalendarEntry",
            "calendar_entries",
            "calendar_name",
            "entries_to_ics",
            "export_ics",
        ),
        "shifts": (
            "ShiftView",
            "SignupView",
            "add_shift",
            "cancel_shift",
            "cancel_signup",
            "check_capacity",
            "check_times",
            "edit_shift",
            "get_shift",
            "line_order",
            "list_shifts",
            "minutes_between",
            "my_shifts",
            "overbooked_shifts",
            "record_attendance",
            "request_swap",
            "restore_shift",
            "shift_status",
            "shifts_needing_people",
            "sign_up",
            "signup_id_for",
            "take_over",
        ),
        "tables": ("ATTENDANCE",),
        "templates": (
            "add_shift_type",
            "add_standing_member",
            "add_template",
            "archive_shift_type",
            "archive_template",
            "edit_shift_type",
            "edit_template",
            "generate_shifts",
            "list_shift_types",
            "list_templates",
            "occurrences",
            "remove_standing_member",
            "shift_id_for",
            "slot_label",
            "standing_signed_up_at",
            "standing_slot_id_for",
        ),
    },
)
