"""Rotating roles and their mandates: who holds each role this term, and what it may do."""

from coopdesk.base.feature import Feature, Section
from coopdesk.roles.tables import TABLES

FEATURE = Feature(
    name="roles",
    tables=TABLES,
    commands="coopdesk.cli.roles",
    command_words=("role",),
    demo_steps=((70, "coopdesk.roles.demo:demo_roles"),),
    sections=(Section("roles", "Roles", "coopdesk.gui.roles.page:RolesPage", order=30),),
    today="coopdesk.gui.roles.today:build_panels",
)
