"""Sync between sites: bundles, keys and trust, export and import, merge, peers and backups."""

from coopdesk.base.feature import Feature, Section

FEATURE = Feature(
    name="sync",
    commands="coopdesk.cli.sync",
    command_words=(
        "invite",
        "join",
        "export",
        "preview",
        "import",
        "sites",
        "conflicts",
        "backups",
    ),
    sections=(Section("sync", "Sync", "coopdesk.gui.sync.page:SyncPage", order=70),),
    today="coopdesk.gui.sync.today:build_panels",
)
