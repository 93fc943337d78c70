"""Sync between sites: bundles, keys and trust, export and import, merge, peers and backups."""

from coopdesk.base.feature import Feature

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
)
