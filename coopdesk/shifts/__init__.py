"""Shifts: types, templates, sign-ups and waiting lists, attendance, the duty rule, calendars."""

from coopdesk.base.feature import Feature, Section
from coopdesk.shifts.tables import TABLES

FEATURE = Feature(
    name="shifts",
    tables=TABLES,
    commands="coopdesk.cli.shifts",
    command_words=("shift", "member"),
    demo_steps=((30, "coopdesk.shifts.demo:demo_shifts"),),
    sections=(Section("shifts", "Shifts", "coopdesk.gui.shifts.page:ShiftsPage", order=10),),
    today="coopdesk.gui.shifts.today:build_panels",
)
