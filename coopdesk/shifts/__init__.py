"""Shifts: types, templates, sign-ups and waiting lists, attendance, the duty rule, calendars."""

from coopdesk.base.feature import Feature
from coopdesk.shifts.tables import TABLES

FEATURE = Feature(
    name="shifts",
    tables=TABLES,
    commands="coopdesk.cli.shifts",
    command_words=("shift", "member"),
    demo_steps=((30, "coopdesk.shifts.demo:demo_shifts"),),
)
