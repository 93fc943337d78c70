"""Integrity check of a store: SQLite's own checks, then CoopDesk's invariants.

Returns a list of problems in words, in the current language (``coopdesk check --json``
runs in English, so scripts read them unchanged); an empty list means the store is sound.
"""

from __future__ import annotations

import json

from coopdesk.base.feature import all_features, resolve
from coopdesk.base.i18n import _, ngettext
from coopdesk.store import migrations
from coopdesk.store.merging import rules_broken
from coopdesk.store.schema import TABLES, stored_value_ok
from coopdesk.store.store import Store


def check_store(store: Store) -> list[str]:
    problems: list[str] = []
    conn = store.conn
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        problems.extend(_("SQLite integrity: {line}").format(line=line) for line in result)
        return problems
    for table, rowid, parent, _fk in conn.execute("PRAGMA foreign_key_check"):
        problems.append(
            _("{table} row {row} points at a missing {parent} row").format(
                table=table, row=rowid, parent=parent
            )
        )
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != migrations.SCHEMA_VERSION:
        problems.append(
            _("schema version is {version}, expected {expected}").format(
                version=version, expected=migrations.SCHEMA_VERSION
            )
        )
    problems.extend(_check_columns(store))
    problems.extend(_check_identity(store))
    problems.extend(_check_log(store))
    for spec in TABLES.values():
        problems.extend(_check_rows(store, spec.name))
    problems.extend(_check_ledgers(store))
    problems.extend(_check_anonymous(store))
    problems.extend(_check_stock_balances(store))
    problems.extend(_check_duty_done(store))
    problems.extend(_check_rules(store))
    for feature in all_features():
        if feature.checks:
            problems.extend(resolve(feature.checks)(store))
    return problems


# A transaction held aside is in the log but not applied (see coopdesk.store.merging).
NOT_HELD = "(origin, seq) NOT IN (SELECT origin, seq FROM _held)"


def _check_rules(store: Store) -> list[str]:
    """The rules the merge enforces, over the whole log: what breaks one must be held."""
    broken = rules_broken(store)
    return [
        _("transaction {seq} of site {origin} {reason}, and it was applied").format(
            seq=seq, origin=origin, reason=reason
        )
        for (origin, seq), reason in sorted(broken.items())
    ]


def _check_ledgers(store: Store) -> list[str]:
    """Ledger rows are only ever inserted: no change may update or archive one."""
    problems = []
    for spec in TABLES.values():
        if spec.kind != "ledger":
            continue
        changed = store.conn.execute(
            f"SELECT count(*) FROM _change WHERE tbl = ? AND op != 'insert' AND {NOT_HELD}",
            (spec.name,),
        ).fetchone()[0]
        archived = store.conn.execute(
            f"SELECT count(*) FROM {spec.name} WHERE _cl != 1"
        ).fetchone()[0]
        if changed or archived:
            problems.append(
                ngettext(
                    "{table} is a ledger, but {count} row was changed",
                    "{table} is a ledger, but {count} rows were changed",
                    changed + archived,
                ).format(table=spec.name, count=changed + archived)
            )
    return problems


def _check_anonymous(store: Store) -> list[str]:
    """Secret ballots carry no member: written by a site's ballot box (author = origin) only."""
    anonymous = [spec.name for spec in TABLES.values() if spec.anonymous]
    marks = ", ".join("?" * len(anonymous))
    if not anonymous:
        return []
    wrong = store.conn.execute(
        f"SELECT count(*) FROM _change WHERE (tbl IN ({marks})) != (author = origin)"
        f" AND {NOT_HELD}",
        anonymous,
    ).fetchone()[0]
    if wrong:
        return [
            ngettext(
                "{count} logged change mixes a ballot box's secret ballots with a member's changes",
                "{count} logged changes mix a ballot box's secret ballots with a member's changes",
                wrong,
            ).format(count=wrong)
        ]
    return []


def _check_stock_balances(store: Store) -> list[str]:
    """The derived per-site balances equal the sum of the ledger (they are never synced)."""
    drift = store.conn.execute(
        """
        SELECT count(*) FROM (
            SELECT item_id, site_id, sum(delta) AS total, count(*) AS moves
            FROM stock_move GROUP BY item_id, site_id
        ) AS ledger
        FULL OUTER JOIN _stock_balance AS derived USING (item_id, site_id)
        WHERE ledger.total IS NOT derived.balance OR ledger.moves IS NOT derived.moves
        """
    ).fetchone()[0]
    if drift:
        return [
            ngettext(
                "{count} derived stock balance differs from the sum of its movements",
                "{count} derived stock balances differ from the sum of their movements",
                drift,
            ).format(count=drift)
        ]
    return []


def _check_duty_done(store: Store) -> list[str]:
    """Each member's derived attended minutes equal the sum over their sign-ups."""
    drift = store.conn.execute(
        """
        SELECT count(*) FROM (
            SELECT su.member_id,
                   sum((julianday(s.ends_at) - julianday(s.starts_at)) * 1440) AS minutes
            FROM shift_signup su JOIN shift s ON s.id = su.shift_id
            WHERE su.attendance = 'attended' AND su._cl % 2 = 1 AND s._cl % 2 = 1
            GROUP BY su.member_id
        ) AS sums
        FULL OUTER JOIN _duty_done AS derived USING (member_id)
        WHERE abs(coalesce(sums.minutes, 0) - coalesce(derived.minutes, 0)) > 0.001
        """
    ).fetchone()[0]
    if drift:
        return [
            ngettext(
                "{count} member's derived attended minutes differ from their sign-ups",
                "{count} members' derived attended minutes differ from their sign-ups",
                drift,
            ).format(count=drift)
        ]
    return []


def _check_columns(store: Store) -> list[str]:
    """Every replicated table has exactly the columns the schema describes."""
    problems = []
    for spec in TABLES.values():
        if not store.db[spec.name].exists():
            problems.append(_("table {table} is missing").format(table=spec.name))
            continue
        found = set(store.db[spec.name].columns_dict)
        expected = {"id", *spec.column_names, "_cl", "_clock"}
        if found != expected:
            problems.append(
                _("table {table} has columns {columns} wrong").format(
                    table=spec.name, columns=sorted(found ^ expected)
                )
            )
    return problems


def _check_identity(store: Store) -> list[str]:
    problems = []
    if store.coop_id is None:
        problems.append(_("this store does not know its coop (no coop id)"))
    elif store.get("coop", store.coop_id) is None:
        problems.append(_("the coop row is missing"))
    if store.conn.execute("SELECT count(*) FROM coop").fetchone()[0] > 1:
        problems.append(_("more than one coop row"))
    if store.get("site", store.site_id) is None:
        problems.append(_("this site is missing from the site table"))
    return problems


def _check_log(store: Store) -> list[str]:
    problems = []
    conn = store.conn
    vv = store.version_vector()
    for origin, top, distinct in conn.execute(
        "SELECT origin, max(seq), count(DISTINCT seq) FROM _change GROUP BY origin"
    ):
        if distinct != top:
            problems.append(
                _("change log of site {origin} has gaps ({distinct} of {top} changes)").format(
                    origin=origin, distinct=distinct, top=top
                )
            )
        if vv.get(origin) != top:
            problems.append(
                _("version vector says {said} for site {origin}, log has {top}").format(
                    said=vv.get(origin), origin=origin, top=top
                )
            )
    own = vv.get(store.site_id, 0)
    if own != store.last_seq:
        problems.append(
            _("last sequence number {last} differs from the log's {own}").format(
                last=store.last_seq, own=own
            )
        )
    top_hlc = conn.execute(
        "SELECT max(hlc) FROM _change WHERE origin = ?", (store.site_id,)
    ).fetchone()[0]
    if top_hlc is not None and store.clock.last < top_hlc:
        problems.append(_("the local clock is behind this site's own changes"))
    marks = ", ".join("?" * len(TABLES))
    unknown = conn.execute(
        f"SELECT DISTINCT tbl FROM _change WHERE tbl NOT IN ({marks})", list(TABLES)
    ).fetchall()
    problems.extend(
        _("change log names an unknown table {table!r}").format(table=row[0]) for row in unknown
    )
    return problems


def _check_rows(store: Store, table: str) -> list[str]:
    spec = TABLES[table]
    problems = []
    columns = ", ".join(("id", *spec.column_names))
    for row in store.conn.execute(f"SELECT {columns}, _cl, _clock FROM {table}"):
        row_id, values, cl, clock_text = row[0], row[1:-2], row[-2], row[-1]
        if cl < 1:
            problems.append(
                _("{table} {row}: causal length {cl} is below 1").format(
                    table=table, row=row_id, cl=cl
                )
            )
        try:
            clock = json.loads(clock_text)
        except ValueError:
            problems.append(
                _("{table} {row}: unreadable field clock").format(table=table, row=row_id)
            )
            continue
        if "" not in clock and not set(spec.column_names) <= set(clock):
            problems.append(
                _("{table} {row}: field clock does not cover every field").format(
                    table=table, row=row_id
                )
            )
        for column, value in zip(spec.columns, values, strict=True):
            if not stored_value_ok(column, value):
                problems.append(
                    _("{table} {row}: {column} holds an invalid value").format(
                        table=table, row=row_id, column=column.name
                    )
                )
    missing = store.conn.execute(
        f"SELECT count(*) FROM {table} WHERE id NOT IN"
        " (SELECT row_id FROM _change WHERE tbl = ? AND op = 'insert')",
        (table,),
    ).fetchone()[0]
    if missing:
        problems.append(
            ngettext(
                "{count} {table} row has no change that created it",
                "{count} {table} rows have no change that created them",
                missing,
            ).format(count=missing, table=table)
        )
    orphans = store.conn.execute(
        f"SELECT count(*) FROM _change WHERE tbl = ? AND op = 'insert'"
        f" AND row_id NOT IN (SELECT id FROM {table}) AND {NOT_HELD}",
        (table,),
    ).fetchone()[0]
    if orphans:
        problems.append(
            ngettext(
                "{count} change created a {table} row that is not there",
                "{count} changes created {table} rows that are not there",
                orphans,
            ).format(count=orphans, table=table)
        )
    return problems
