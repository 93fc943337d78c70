"""The change log, told in words: "Ana added member Tomás · site Kitchen · 2 min ago".

The log is append-only and grows with every change, so the window pages through it by
``lsn`` (the order changes reached this store) instead of loading it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from coopdesk.base import jsontext
from coopdesk.base.i18n import N_, _, ngettext
from coopdesk.base.text import shown
from coopdesk.store.hlc import wall_seconds
from coopdesk.store.schema import TABLES
from coopdesk.store.store import Store

VERBS = {
    "insert": N_("added"),
    "update": N_("changed"),
    "archive": N_("archived"),
    "restore": N_("restored"),
}
# The nouns of the coop's own tables (coopdesk/coop/tables.py), marked for translation here.
COOP_NOUNS = (N_("coop"), N_("site"), N_("member"), N_("leave"), N_("periods of leave"))
# And their column labels (a field's name in "changed member Ana (phone)").
COOP_LABELS = (
    N_("Accepted up to"),
    N_("Certificate"),
    N_("Coop name"),
    N_("Duty counted from"),
    N_("Duty period (days)"),
    N_("Email"),
    N_("Encrypt sync bundles"),
    N_("From"),
    N_("Home site"),
    N_("Idle minutes before locking"),
    N_("Member"),
    N_("Name"),
    N_("Notes"),
    N_("PIN"),
    N_("Phone"),
    N_("Public key"),
    N_("Reason"),
    N_("Replaced by"),
    N_("Shift minutes owed"),
    N_("Site name"),
    N_("Skills"),
    N_("Time zone"),
    N_("Until"),
)


@dataclass(frozen=True)
class ActivityItem:
    lsn: int
    when: float
    author_id: str
    author: str
    verb: str
    noun: str
    label: str
    fields: tuple[str, ...]
    site: str
    table: str
    row_id: str
    # Arrived, broke one of the coop's rules, and was kept without being applied.
    held: bool = False
    # A change of some fields (their names in ``fields``), in the generic words.
    changed: bool = False

    def what(self) -> str:
        """The middle of the sentence: "added member Tomás", "asked for a swap: …"."""
        what = " ".join(part for part in (self.verb, self.noun, self.label) if part)
        if self.changed and self.fields:
            what += f" ({_(', ').join(self.fields)})"
        return what

    def sentence(self, now: float | None = None) -> str:
        text = _("{author} {what} · site {site} · {when}").format(
            author=self.author, what=self.what(), site=self.site, when=relative_time(self.when, now)
        )
        return text + (_(" · held aside, not applied") if self.held else "")

    def as_json(self) -> dict[str, Any]:
        return {
            "lsn": self.lsn,
            "when": self.when,
            "author_id": self.author_id,
            "author": self.author,
            "action": self.verb,
            "table": self.table,
            "row_id": self.row_id,
            "label": self.label,
            "fields": list(self.fields),
            "site": self.site,
            "held": self.held,
        }


def relative_time(when: float, now: float | None = None) -> str:
    seconds = max(0, int((time.time() if now is None else now) - when))
    if seconds < 45:
        return _("just now")
    if seconds >= 86400 * 365:
        count = seconds // (86400 * 365)
        return ngettext("{count} year ago", "{count} years ago", count).format(count=count)
    if seconds >= 86400 * 30:
        count = seconds // (86400 * 30)
        return ngettext("{count} month ago", "{count} months ago", count).format(count=count)
    if seconds >= 86400:
        count = seconds // 86400
        return ngettext("{count} day ago", "{count} days ago", count).format(count=count)
    if seconds >= 3600:
        return _("{count} h ago").format(count=seconds // 3600)
    return _("{count} min ago").format(count=max(1, round(seconds / 60)))


def count_changes(store: Store) -> int:
    """The exact number of changes in the log (reads all of it: for tests and checks)."""
    return store.conn.execute("SELECT count(*) FROM _change").fetchone()[0]


def changes_recorded(store: Store) -> int:
    """How many changes the log holds, for screens: its newest number, one lookup however
    long the history. The log only grows, so this is the count, except when an import took
    out again the changes of a site it refused (then a few more than the count)."""
    return store.conn.execute("SELECT coalesce(max(lsn), 0) FROM _change").fetchone()[0]


def recent_changes(
    store: Store, limit: int = 100, before_lsn: int | None = None
) -> list[ActivityItem]:
    """The newest changes first; pass the last ``lsn`` seen to get the page after it."""
    where = "WHERE lsn < ?" if before_lsn is not None else ""
    params: list[Any] = [before_lsn] if before_lsn is not None else []
    rows = store.conn.execute(
        "SELECT lsn, hlc, author, op, tbl, row_id, origin, fields, versions,"
        " EXISTS (SELECT 1 FROM _held h WHERE h.origin = _change.origin"
        " AND h.seq = _change.seq) FROM _change"
        f" {where} ORDER BY lsn DESC LIMIT ?",
        [*params, limit],
    ).fetchall()
    return describe(store, rows)


def describe(store: Store, rows: list[tuple]) -> list[ActivityItem]:
    """Log rows (lsn, hlc, author, op, tbl, row_id, origin, fields, versions[, held]) in words.

    Names come from other sites too, so each is ``shown``: one line, no control characters
    (a name cannot make the log say something else)."""
    names = _names(store, rows)
    items = []
    for row in rows:
        lsn, hlc, author, op, table, row_id, origin, fields, _versions = row[:9]
        spec = TABLES.get(table)
        changed = tuple(_fields(fields)) if op == "update" else ()
        labels = (
            {c.name: _(c.label).lower() for c in (*spec.columns, *spec.retired)} if spec else {}
        )
        verb, noun, label = _(VERBS[op]) if op in VERBS else op, _(spec.noun) if spec else table, ""
        if table == "mandate_use" and op == "insert" and fields:
            # "Ana used the Coordinator's mandate: archived member Tomás"
            use = _fields(fields)
            role = names.get(("role", str(use.get("role_id") or "")), _("a role"))
            verb, noun = _("used the {role}'s mandate:").format(role=role), ""
            label = str(use.get("detail", ""))
        elif spec is not None and spec.phrase is not None:
            # The feature says it as a person would: "asked for a swap: Shop opening, Sat 5 Dec"
            said = spec.phrase(store, op, row_id, _fields(fields), author)
            if said:
                verb, noun, label, changed = shown(said, LABEL_LIMIT), "", "", ()
        if noun and not label and not (spec and spec.anonymous):
            label = names.get((table, row_id), "")
        items.append(
            ActivityItem(
                lsn=lsn,
                when=wall_seconds(hlc),
                author_id=author,
                # A secret ballot's author is its site's ballot box (author = origin).
                author=names.get(("member", author))
                or (_("the ballot box") if author == origin else _("someone")),
                verb=verb,
                noun=noun,
                label=shown(label, LABEL_LIMIT),
                fields=tuple(shown(labels.get(name, name), 40) for name in changed),
                site=names.get(("site", origin), _("unknown")),
                table=table,
                row_id=row_id,
                held=bool(row[9]) if len(row) > 9 else False,
                changed=op == "update" and bool(changed),
            )
        )
    return items


# Long enough for a task's title; anything longer is cut with "…".
LABEL_LIMIT = 200


def _fields(text: str | None) -> dict[str, Any]:
    """A change's fields; nothing when they cannot be read (the log is read, never judged)."""
    try:
        value = jsontext.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _names(store: Store, rows: list[tuple]) -> dict[tuple[str, str], str]:
    """Current labels of the authors, sites and rows a page of the log mentions."""
    wanted: dict[str, set[str]] = {"member": set(), "site": set()}
    for row in rows:
        _lsn, _hlc, author, _op, table, row_id, origin, fields, _versions = row[:9]
        wanted["member"].add(author)
        wanted["site"].add(origin)
        if table in TABLES:
            wanted.setdefault(table, set()).add(row_id)
        if table == "mandate_use" and fields:
            wanted.setdefault("role", set()).add(str(_fields(fields).get("role_id") or ""))
    names: dict[tuple[str, str], str] = {}
    for table, ids in wanted.items():
        if not ids:
            continue
        label = TABLES[table].label_column
        words = TABLES[table].label_words or {}
        marks = ", ".join("?" * len(ids))
        for row_id, value in store.conn.execute(
            f"SELECT id, {label} FROM {table} WHERE id IN ({marks})", list(ids)
        ):
            value = words.get(value, value) if isinstance(value, str) else value
            names[(table, row_id)] = shown(value, LABEL_LIMIT if table not in PEOPLE else 80)
    return names


# Tables whose label is a name shown beside others (an author, a site).
PEOPLE = frozenset({"member", "site", "role"})
