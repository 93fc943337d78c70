"""Importing a bundle: what it would bring (preview), and merging it in (with an undo record;
then the day's backup, when due)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.base.progress import Cancelled, Progress
from coopdesk.base.text import plural
from coopdesk.store import hlc
from coopdesk.store.schema import TABLES
from coopdesk.store.store import Store
from coopdesk.sync.backups import AUTOMATIC_PREFIX, Backup, backup_if_due
from coopdesk.sync.bundle import Envelope, read_envelope, read_frames
from coopdesk.sync.identity import previous_site_ids, written_here
from coopdesk.sync.merge import MergeReport, apply_bundle
from coopdesk.sync.trust import trust_of


@dataclass(frozen=True)
class Preview:
    path: Path
    site_id: str
    site_name: str
    bundle_seq: int
    made_at: float
    entries: int
    new_entries: int
    counts: dict[tuple[str, str], int]
    already_imported: bool
    for_site: str | None
    for_this_site: bool
    encrypted: bool

    def summary(self) -> str:
        return describe_counts(self.counts) or _("nothing new")

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "site_id": self.site_id,
            "site_name": self.site_name,
            "bundle_seq": self.bundle_seq,
            "made_at": self.made_at,
            "entries": self.entries,
            "new_entries": self.new_entries,
            "counts": [[t, o, n] for (t, o), n in sorted(self.counts.items())],
            "summary": self.summary(),
            "already_imported": self.already_imported,
            "for_site": self.for_site,
            "encrypted": self.encrypted,
        }


@dataclass
class ImportResult:
    path: Path
    site_id: str
    site_name: str
    already_imported: bool
    report: MergeReport = field(default_factory=MergeReport)
    backup: Backup | None = None
    # What arrived and was not applied, in words (refused origins, revoked and held changes).
    not_applied: list[str] = field(default_factory=list)

    @property
    def changed_tables(self) -> frozenset[str]:
        return frozenset(self.report.changed_tables)

    def summary(self) -> str:
        if self.already_imported:
            return _("This bundle from {site_name} was already imported; nothing changed.").format(
                site_name=self.site_name
            )
        if not self.report.new_entries and self.not_applied:
            return _("Nothing new applied from {site_name}: see below.").format(
                site_name=self.site_name
            )
        if not self.report.new_entries:
            return _("Nothing new from {site_name}: every change was already here.").format(
                site_name=self.site_name
            )
        text = _("Imported from {site_name}: {describe_counts}.").format(
            site_name=self.site_name, describe_counts=describe_counts(self.report.counts)
        )
        new_conflicts = self.report.conflicts_after - self.report.conflicts_before
        if new_conflicts > 0:
            text += " " + ngettext(
                "{count} new conflict to review.", "{count} new conflicts to review.", new_conflicts
            ).format(count=new_conflicts)
        if self.not_applied:
            text += _(" Some changes were not applied: see below.")
        return text

    def as_json(self) -> dict[str, Any]:
        report = self.report
        return {
            "path": str(self.path),
            "site_id": self.site_id,
            "site_name": self.site_name,
            "already_imported": self.already_imported,
            "new_changes": report.new_entries,
            "already_here": report.duplicate_entries,
            "counts": [[t, o, n] for (t, o), n in sorted(report.counts.items())],
            "conflicts": report.conflicts_after,
            "clock_warnings": report.clock_warnings,
            "identity_notice": report.identity_notice,
            "refused_origins": dict(report.refused_origins),
            "revoked": dict(report.revoked),
            "set_aside": dict(report.set_aside),
            "made_again": report.made_again,
            "held": [
                [origin, seq, reason] for (origin, seq), reason in sorted(report.held.items())
            ],
            "not_applied": self.not_applied,
            "backup": str(self.backup.path) if self.backup else None,
            "summary": self.summary(),
        }


OP_WORDS = {
    "insert": N_("{number} new {noun}"),
    "update": N_("{number} {noun} changed"),
    "archive": N_("{number} {noun} archived"),
    "restore": N_("{number} {noun} restored"),
}


def describe_counts(counts: dict[tuple[str, str], int] | Counter[tuple[str, str]]) -> str:
    """``3 new members, 12 members changed, 1 member archived``."""
    parts = []
    for table in TABLES:
        for op in ("insert", "update", "archive", "restore"):
            number = counts.get((table, op), 0)
            if not number:
                continue
            noun = TABLES[table].nouns(number)
            parts.append(_(OP_WORDS[op]).format(number=number, noun=noun))
    return _(", ").join(parts)


def _already_imported(store: Store, envelope: Envelope) -> bool:
    row = store.conn.execute(
        "SELECT sha256 FROM _bundle_seen WHERE site_id = ? AND bundle_seq = ?",
        (envelope.site_id, envelope.bundle_seq),
    ).fetchone()
    if row and row[0] == envelope.payload_sha256:
        return True
    return written_here(store, envelope.site_id, envelope.bundle_seq, envelope.payload_sha256)


def preview_bundle(store: Store, path: Path) -> Preview:
    """What importing would bring, read from the verified file; nothing is written."""
    trust = trust_of(store)
    envelope = read_envelope(Path(path), trust)
    vv = store.version_vector()
    counts: Counter[tuple[str, str]] = Counter()
    total = new = 0
    for rows in read_frames(envelope, trust.bundle_key):
        for row in rows:
            total += 1
            if row[1] > vv.get(row[0], 0):
                new += 1
                counts[(row[5], row[7])] += 1
    header = envelope.header
    return Preview(
        path=Path(path),
        site_id=envelope.site_id,
        site_name=envelope.site_name,
        bundle_seq=envelope.bundle_seq,
        made_at=hlc.wall_seconds(header["created_hlc"]),
        entries=total,
        new_entries=new,
        counts=dict(counts),
        already_imported=_already_imported(store, envelope),
        for_site=header["for_site"],
        for_this_site=header["for_site"] in (None, store.site_id),
        encrypted=header["encryption"] is not None,
    )


def import_bundle(
    store: Store,
    path: Path,
    author: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    backup: bool = True,
) -> ImportResult:
    """Check, then merge a bundle in one transaction, then make the day's backup if due.

    The merge keeps an undo record of exactly what it changed (``Store.take_back_last_import``),
    so the store before the import can be had back without a whole copy before every import:
    by ten years of history that copy cost four times the weekly sync. The scheduled backup
    (at most one a day, ``backups.backup_if_due``) comes after, and only when ``backup``.
    Refusals raise BundleError. ``result.backup`` is the backup made, or None."""
    path = Path(path)
    trust = trust_of(store)
    envelope = read_envelope(path, trust)
    result = ImportResult(path, envelope.site_id, envelope.site_name, False)
    if _already_imported(store, envelope):
        result.already_imported = True
        return result

    def read_again() -> Any:
        return read_frames(envelope, trust.bundle_key)

    result.report = apply_bundle(
        store, envelope, read_again(), author, progress, cancelled, read_again
    )
    result.not_applied = not_applied_lines(store, result.report)
    if backup:
        result.backup = daily_backup(store, envelope.site_name)
    return result


def daily_backup(store: Store, site_name: str) -> Backup | None:
    """The day's backup after an import from ``site_name``, when the newest is a day old.
    The window runs it after the import's result is shown, so it never delays the import."""
    return backup_if_due(store, f"{AUTOMATIC_PREFIX} after import from {site_name}")


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def not_applied_lines(store: Store, report: MergeReport) -> list[str]:
    """What a merge refused or held aside, in sentences (never silently dropped)."""
    names = dict(store.conn.execute("SELECT id, name FROM site").fetchall())
    own = {store.site_id, *previous_site_ids(store)} if report.made_again else {store.site_id}

    def site(site_id: str) -> str:
        name = names.get(site_id)
        if name:
            return _("site {name}").format(name=name)
        return _("an unknown site ({site})").format(site=site_id[:8])

    lines = [
        _("Changes said to come from {site} were not imported: {reason}.").format(
            site=site(origin), reason=reason
        )
        for origin, reason in sorted(report.refused_origins.items())
    ]
    lines += [
        _(
            "{site} was used on two computers: {transactions} of one of them set aside here,"
            " kept but not applied (coopdesk repair says more)."
        ).format(site=_sentence_start(site(origin)), transactions=plural(count, "transaction"))
        for origin, count in sorted(report.set_aside.items())
        if count and origin not in own  # this computer's own: the identity notice says it
    ]
    lines += report.not_made_again
    lines += [
        ngettext(
            "{changes} made at {site} after it was archived was refused.",
            "{changes} made at {site} after it was archived were refused.",
            count,
        ).format(changes=plural(count, "change"), site=site(origin))
        for origin, count in sorted(report.revoked.items())
    ]
    if report.held:
        reasons = sorted(set(report.held.values()))
        lines.append(
            ngettext(
                "{transactions} held aside, not applied: {reasons}. It is listed under Sync,"
                " Held aside (coopdesk held).",
                "{transactions} held aside, not applied: {reasons}. They are listed under Sync,"
                " Held aside (coopdesk held).",
                len(report.held),
            ).format(
                transactions=plural(len(report.held), "transaction"),
                reasons=_("; ").join(reasons[:3]) + (_("; and more") if len(reasons) > 3 else ""),
            )
        )
    return lines
