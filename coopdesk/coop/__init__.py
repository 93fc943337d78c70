"""The coop itself: its settings, sites and members, members' leave, PINs, and the activity log."""

from coopdesk.base.feature import Feature
from coopdesk.coop.tables import TABLES

FEATURE = Feature(
    name="coop",
    tables=TABLES,
    commands="coopdesk.cli.coop",
    command_words=("member", "activity", "coop"),
    demo_steps=((10, "coopdesk.coop.demo:demo_members"),),
)
