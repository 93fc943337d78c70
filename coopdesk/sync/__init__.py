"""Sync between sites: bundles, keys and trust, export and import, merge, peers and backups."""

from coopdesk.base.feature import Feature, Section, public_api

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
        "held",
        "repair",
        "conflicts",
        "backups",
        "sync-folder",
    ),
    sections=(Section("sync", "Sync", "coopdesk.gui.sync.page:SyncPage", order=70),),
    today="coopdesk.gui.sync.today:build_panels",
    window_service="coopdesk.gui.sync.folder_watch:build_watch",
    arrival_checks="coopdesk.sync.trust:site_rules",
    checks="coopdesk.sync.trust:check_trust",
)

# The names other features may use, each loaded from its module on first use.
__getattr__, __dir__, __all__ = public_api(
    __name__,
    {
        "backups": ("Backup", "list_backups", "make_backup", "restore_backup"),
        "bundle": ("SUFFIX", "BundleError"),
        "conflicts": (
            "Conflict",
            "count_conflicts",
            "display_value",
            "list_conflicts",
            "resolve_conflict",
        ),
        "export": (
            "ExportCancelled",
            "ExportResult",
            "default_bundle_name",
            "export_bundle",
            "verify_bundle_file",
        ),
        "folder": ("FolderStatus", "folder_status", "sync_folder"),
        "forks": ("RepairResult", "SplitSite", "repair", "split_overview"),
        "identity": (
            "IdentityNotice",
            "identity_notice",
            "latest_identity_notice",
            "open_for_use",
            "previous_site_ids",
        ),
        "importing": (
            "ImportResult",
            "Preview",
            "describe_counts",
            "import_bundle",
            "preview_bundle",
        ),
        "invite": (
            "Invitation",
            "InvitationError",
            "join_coop",
            "join_with_secrets",
            "make_invitation",
            "read_invitation",
            "site_secrets",
        ),
        "merge": ("ImportCancelled", "MergeReport"),
        "peers": ("SiteStatus", "sites_overview"),
        "trust": ("setup_new_coop_keys", "archive_site", "restore_site"),
    },
)
