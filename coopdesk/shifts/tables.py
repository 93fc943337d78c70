"""The shift tables: types, templates, shifts, standing slots and sign-ups."""

from __future__ import annotations

from coopdesk.base.i18n import N_, npgettext
from coopdesk.shifts.words import signup_phrase
from coopdesk.store.schema import Column, TableSpec

ATTENDANCE = ("pending", "attended", "no-show", "excused")


SHIFT_TYPE = TableSpec(
    name="shift_type",
    noun=N_("shift type"),
    counted=lambda n: npgettext("table rows", "shift type", "shift types", n),
    label_column="title",
    columns=(
        Column("title", "text", N_("Title"), required=True, max_len=120),
        Column("description", "text", N_("Description"), max_len=2000, default=""),
        Column("site_id", "ref", N_("Site"), ref_table="site"),
        Column("skills", "tags", N_("Skills needed"), max_len=1000, default="[]"),
        Column("capacity", "int", N_("People needed"), minimum=1, maximum=1000, default=2),
        Column(
            "duration_minutes",
            "int",
            N_("Duration (minutes)"),
            minimum=5,
            maximum=1440,
            default=180,
        ),
    ),
)


SHIFT_TEMPLATE = TableSpec(
    name="shift_template",
    noun=N_("shift template"),
    counted=lambda n: npgettext("table rows", "shift template", "shift templates", n),
    label_column="title",
    columns=(
        Column("title", "text", N_("Title"), required=True, max_len=120),
        Column("shift_type_id", "ref", N_("Shift type"), ref_table="shift_type"),
        Column("site_id", "ref", N_("Site"), ref_table="site"),
        Column("description", "text", N_("Description"), max_len=2000, default=""),
        Column("skills", "tags", N_("Skills needed"), max_len=1000, default="[]"),
        Column("capacity", "int", N_("People needed"), minimum=1, maximum=1000, default=2),
        # Monday is 0, as in Python's date.weekday().
        Column("weekday", "int", N_("Day of the week"), required=True, minimum=0, maximum=6),
        Column("start_time", "time", N_("Starts at"), required=True),
        Column(
            "duration_minutes",
            "int",
            N_("Duration (minutes)"),
            minimum=5,
            maximum=1440,
            default=180,
        ),
        # An N-week cycle (the supermarket coops' ABCD is 4): the template runs in week
        # cycle_week (0 = A) of every cycle, cycles counted from the Monday of cycle_start.
        Column("cycle_weeks", "int", N_("Cycle length (weeks)"), minimum=1, maximum=12, default=1),
        Column("cycle_week", "int", N_("Week of the cycle"), minimum=0, maximum=11, default=0),
        Column("cycle_start", "date", N_("Cycle starts"), required=True),
        Column("until", "date", N_("Runs until")),
    ),
)


SHIFT = TableSpec(
    name="shift",
    noun=N_("shift"),
    counted=lambda n: npgettext("table rows", "shift", "shifts", n),
    label_column="title",
    columns=(
        Column("title", "text", N_("Title"), required=True, max_len=120),
        Column("description", "text", N_("Description"), max_len=2000, default=""),
        Column("site_id", "ref", N_("Site"), ref_table="site"),
        Column("shift_type_id", "ref", N_("Shift type"), ref_table="shift_type"),
        # Set for shifts generated from a template; their id derives from template and
        # date, so two sites generating the same weeks make the same rows.
        Column("template_id", "ref", N_("Template"), ref_table="shift_template"),
        Column("starts_at", "datetime", N_("Starts"), required=True),
        Column("ends_at", "datetime", N_("Ends"), required=True),
        Column("capacity", "int", N_("People needed"), minimum=1, maximum=1000, default=2),
        Column("skills", "tags", N_("Skills needed"), max_len=1000, default="[]"),
        Column("notes", "text", N_("Notes"), max_len=2000, default=""),
    ),
)


STANDING_SLOT = TableSpec(
    name="standing_slot",
    noun=N_("standing slot"),
    counted=lambda n: npgettext("table rows", "standing slot", "standing slots", n),
    label_column="since",
    columns=(
        # The id derives from template and member: one standing slot per pair.
        Column("template_id", "ref", N_("Template"), required=True, ref_table="shift_template"),
        Column("member_id", "ref", N_("Member"), required=True, ref_table="member"),
        Column("since", "date", N_("Since"), required=True),
        Column("until", "date", N_("Until")),
    ),
)


SHIFT_SIGNUP = TableSpec(
    name="shift_signup",
    noun=N_("sign-up"),
    counted=lambda n: npgettext("table rows", "sign-up", "sign-ups", n),
    label_column="signed_up_at",
    phrase=signup_phrase,
    columns=(
        # The id derives from shift and member, so signing up at two sites is one row.
        # Cancelling archives it; signing up again restores it.
        Column("shift_id", "ref", N_("Shift"), required=True, ref_table="shift"),
        Column("member_id", "ref", N_("Member"), required=True, ref_table="member"),
        # Who is confirmed when a shift is overbooked: first by these two, then member.
        Column("signed_up_at", "datetime", N_("Signed up"), required=True, conflicts=False),
        Column("site_id", "ref", N_("Signed up at"), ref_table="site", conflicts=False),
        Column("attendance", "choice", N_("Attendance"), choices=ATTENDANCE, default="pending"),
        Column("makeup", "bool", N_("Make-up shift"), default=0),
        Column("swap_wanted", "bool", N_("Looking for a swap"), default=0),
        Column("taken_over_from", "ref", N_("Took over from"), ref_table="member"),
        Column("note", "text", N_("Note"), max_len=500, default=""),
    ),
)

TABLES = (SHIFT_TYPE, SHIFT_TEMPLATE, SHIFT, STANDING_SLOT, SHIFT_SIGNUP)
