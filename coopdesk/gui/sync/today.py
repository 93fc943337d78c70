"""Today's sync panel: conflicts to settle, sites not heard from, clocks that look wrong."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from coopdesk.base.i18n import _, ngettext
from coopdesk.gui.kit.panels import Attention, TodayPanel
from coopdesk.gui.sync.models import days_silent, is_peer, is_stale, recent_identity_notice
from coopdesk.store.store import Store
from coopdesk.sync.conflicts import count_conflicts
from coopdesk.sync.forks import split_overview
from coopdesk.sync.peers import sites_overview

if TYPE_CHECKING:
    from coopdesk.gui.shell.main_window import MainWindow


def sync_attention(store: Store) -> list[tuple[str, str]]:
    """``(key, text)`` for each sync matter: conflicts, silent sites, wrong clocks, identity."""
    found = []
    conflicts = count_conflicts(store)
    if conflicts:
        found.append(
            (
                "conflicts",
                ngettext(
                    "{conflicts} sync conflict to settle: two sites changed the same thing "
                    "before they synced.",
                    "{conflicts} sync conflicts to settle: two sites changed the same thing "
                    "before they synced.",
                    conflicts,
                ).format(conflicts=conflicts),
            )
        )
    for status in sites_overview(store, with_pending=False):
        if not is_peer(status):
            continue
        problems = []
        if is_stale(status):
            days = days_silent(status)
            problems.append(
                _("no bundle received from it yet")
                if days is None
                else _("not heard from for {days} days").format(days=days)
            )
        if status.clock_warning:
            problems.append(status.clock_warning)
        if problems:
            found.append(
                (
                    _("site:{site_id}").format(site_id=status.site_id),
                    f"{status.name}: {'; '.join(problems)}.",
                )
            )
    found += folder_attention(store, {key for key, _text in found})
    notice = recent_identity_notice(store)
    if notice:
        found.append(("identity", notice))
    for split in split_overview(store):
        if not split.made_here:  # this computer's own repair is said by the identity notice
            found.append((f"split:{split.site_id}", split.sentence()))
    return found


# A site on the sync folder usually answers within minutes: after this, say it is silent.
FOLDER_SILENT_DAYS = 2


def folder_attention(store: Store, already: set[str]) -> list[tuple[str, str]]:
    """The sync folder's matters: a folder that is not there, a site silent on it for long."""
    from coopdesk.sync.folder import folder_status

    status = folder_status(store)
    if status.folder is None:
        return []
    found = []
    if status.problem:
        found.append(("folder", status.problem))
    now = time.time()
    for site in status.sites:
        if f"site:{site.site_id}" in already or site.last_in_at is None:
            continue
        days = int((now - site.last_in_at) // 86400)
        if days >= FOLDER_SILENT_DAYS:
            found.append(
                (
                    _("folder-site:{site_id}").format(site_id=site.site_id),
                    _(
                        "{name}: no bundle in the sync folder for {days} days (is its computer, "
                        "or Syncthing there, switched off?)."
                    ).format(name=site.name, days=days),
                )
            )
    if status.refused:
        found.append(
            (
                "folder-refused",
                _("{count} file(s) in the sync folder were refused: see Sync, Sync folder.").format(
                    count=len(status.refused)
                ),
            )
        )
    return found


class SyncAttentionPanel(TodayPanel):
    """No panel of its own: its matters go into "Needs attention", each with a way to act."""

    shows_itself = False

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window, _("Sync"))
        self.found: list[tuple[str, str]] = []

    def load(self) -> None:
        self.found = sync_attention(self.store)

    def attention_items(self) -> list[Attention]:
        window = self.window_
        return [
            Attention(key, text, _("Settle conflicts"), window.show_conflicts)
            if key == "conflicts"
            else Attention(key, text, _("Open Sync"), lambda: window.go_to("sync"))
            for key, text in self.found
        ]


def build_panels(window: MainWindow) -> list[TodayPanel]:
    return [SyncAttentionPanel(window)]
