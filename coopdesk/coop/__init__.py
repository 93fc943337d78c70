"""The coop itself: its settings, sites and members, members' leave, PINs, and the activity log."""

from coopdesk.base.feature import Feature, Section
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
