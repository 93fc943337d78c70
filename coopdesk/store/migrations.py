"""Versioned schema migrations, applied when a store is opened.

Each migration is a function that runs inside the same transaction as the bump of
``PRAGMA user_version``, so a store is always at exactly one version. A store whose version
is higher than ``SCHEMA_VERSION`` was made by a newer CoopDesk: it is refused before
anything is written, never "upgraded" down.

Migrations are additive (new tables, new columns with defaults) so that a newer CoopDesk can
still merge bundles from sites that have not upgraded yet. They spell out their DDL instead
of deriving it from ``coopdesk.schema`` because a migration must keep meaning what it meant
when it shipped; ``tests/store/test_migrations.py`` checks that the result matches the schema.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from coopdesk import __version__
from coopdesk.store.connection import atomic

Migration = Callable[[sqlite3.Connection], None]


def replicated_table_sql(name: str, columns: str) -> str:
    """DDL of a record table: the id, its columns, and the merge bookkeeping columns."""
    return f"""
        CREATE TABLE {name} (
            id TEXT PRIMARY KEY NOT NULL,
            {columns},
            _cl INTEGER NOT NULL DEFAULT 1,
            _clock TEXT NOT NULL
        ) STRICT
    """


def _001_foundation(conn: sqlite3.Connection) -> None:
    """Local identity, the change log, and the coop, its sites and members."""
    conn.execute(
        """
        CREATE TABLE _local (
            key TEXT PRIMARY KEY NOT NULL,
            value ANY
        ) STRICT
        """
    )
    conn.execute(
        """
        CREATE TABLE _change (
            lsn INTEGER PRIMARY KEY,
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            hlc INTEGER NOT NULL,
            author TEXT NOT NULL,
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL,
            op TEXT NOT NULL,
            cl INTEGER NOT NULL,
            fields TEXT,
            versions TEXT,
            UNIQUE (origin, seq, idx)
        ) STRICT
        """
    )
    conn.execute(
        """
        CREATE TABLE _vv (
            site_id TEXT PRIMARY KEY NOT NULL,
            seq INTEGER NOT NULL
        ) STRICT
        """
    )
    conn.execute(
        """
        CREATE TABLE _rival (
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL,
            col TEXT NOT NULL,
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            version INTEGER NOT NULL,
            hlc INTEGER NOT NULL,
            author TEXT NOT NULL,
            value ANY,
            PRIMARY KEY (tbl, row_id, col, origin, seq)
        ) STRICT
        """
    )
    conn.execute(replicated_table_sql("coop", "name TEXT NOT NULL"))
    conn.execute(replicated_table_sql("site", "name TEXT NOT NULL"))
    conn.execute(
        replicated_table_sql(
            "member",
            """name TEXT NOT NULL,
            email TEXT,
            phone TEXT,
            skills TEXT NOT NULL DEFAULT '[]',
            home_site_id TEXT REFERENCES site(id) DEFERRABLE INITIALLY DEFERRED,
            notes TEXT""",
        )
    )
    conn.execute("CREATE INDEX member_name ON member(name COLLATE NOCASE)")


def _002_sync(conn: sqlite3.Connection) -> None:
    """What sync needs: what each peer has, which bundles came in, the encryption setting."""
    conn.execute("ALTER TABLE coop ADD COLUMN encrypt_bundles INTEGER NOT NULL DEFAULT 1")
    conn.execute(
        """
        CREATE TABLE _peer (
            site_id TEXT PRIMARY KEY NOT NULL,
            vv TEXT NOT NULL DEFAULT '{}',
            bundle_seq INTEGER NOT NULL DEFAULT 0,
            last_hlc INTEGER,
            heard_at REAL,
            clock_warning TEXT
        ) STRICT
        """
    )
    conn.execute(
        """
        CREATE TABLE _bundle_seen (
            site_id TEXT NOT NULL,
            bundle_seq INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            imported_at REAL NOT NULL,
            PRIMARY KEY (site_id, bundle_seq)
        ) STRICT
        """
    )
    conn.execute(
        """
        CREATE TABLE _export (
            bundle_seq INTEGER PRIMARY KEY,
            for_site TEXT,
            path TEXT NOT NULL,
            entries INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            made_at REAL NOT NULL
        ) STRICT
        """
    )


def _003_site_replaced_by(conn: sqlite3.Connection) -> None:
    """A site identity retired by a restore names the identity that replaced it."""
    conn.execute(
        "ALTER TABLE site ADD COLUMN replaced_by TEXT"
        " REFERENCES site(id) DEFERRABLE INITIALLY DEFERRED"
    )


def _ref(table: str, *, required: bool = False) -> str:
    null = " NOT NULL" if required else ""
    return f"TEXT{null} REFERENCES {table}(id) DEFERRABLE INITIALLY DEFERRED"


def _004_shifts(conn: sqlite3.Connection) -> None:
    """Shift types, recurring templates, shifts, sign-ups, leave, and the coop's duty rule."""
    for column in (
        "duty_minutes INTEGER NOT NULL DEFAULT 180",
        "duty_period_days INTEGER NOT NULL DEFAULT 28",
        "duty_from TEXT",
        "idle_minutes INTEGER NOT NULL DEFAULT 15",
    ):
        conn.execute(f"ALTER TABLE coop ADD COLUMN {column}")
    conn.execute(
        replicated_table_sql(
            "shift_type",
            f"""title TEXT NOT NULL,
            description TEXT,
            site_id {_ref("site")},
            skills TEXT NOT NULL DEFAULT '[]',
            capacity INTEGER NOT NULL DEFAULT 2,
            duration_minutes INTEGER NOT NULL DEFAULT 180""",
        )
    )
    conn.execute(
        replicated_table_sql(
            "shift_template",
            f"""title TEXT NOT NULL,
            shift_type_id {_ref("shift_type")},
            site_id {_ref("site")},
            description TEXT,
            skills TEXT NOT NULL DEFAULT '[]',
            capacity INTEGER NOT NULL DEFAULT 2,
            weekday INTEGER NOT NULL,
            start_time TEXT NOT NULL,
            duration_minutes INTEGER NOT NULL DEFAULT 180,
            cycle_weeks INTEGER NOT NULL DEFAULT 1,
            cycle_week INTEGER NOT NULL DEFAULT 0,
            cycle_start TEXT NOT NULL,
            until TEXT""",
        )
    )
    conn.execute(
        replicated_table_sql(
            "shift",
            f"""title TEXT NOT NULL,
            description TEXT,
            site_id {_ref("site")},
            shift_type_id {_ref("shift_type")},
            template_id {_ref("shift_template")},
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,
            capacity INTEGER NOT NULL DEFAULT 2,
            skills TEXT NOT NULL DEFAULT '[]',
            notes TEXT""",
        )
    )
    conn.execute("CREATE INDEX shift_starts_at ON shift(starts_at)")
    conn.execute("CREATE INDEX shift_template_id ON shift(template_id)")
    conn.execute(
        replicated_table_sql(
            "standing_slot",
            f"""template_id {_ref("shift_template", required=True)},
            member_id {_ref("member", required=True)},
            since TEXT NOT NULL,
            until TEXT""",
        )
    )
    conn.execute("CREATE INDEX standing_slot_template ON standing_slot(template_id)")
    conn.execute(
        replicated_table_sql(
            "shift_signup",
            f"""shift_id {_ref("shift", required=True)},
            member_id {_ref("member", required=True)},
            signed_up_at TEXT NOT NULL,
            site_id {_ref("site")},
            attendance TEXT NOT NULL DEFAULT 'pending',
            makeup INTEGER NOT NULL DEFAULT 0,
            swap_wanted INTEGER NOT NULL DEFAULT 0,
            taken_over_from {_ref("member")},
            note TEXT""",
        )
    )
    conn.execute("CREATE INDEX shift_signup_shift ON shift_signup(shift_id)")
    conn.execute("CREATE INDEX shift_signup_member ON shift_signup(member_id)")
    conn.execute(
        replicated_table_sql(
            "leave",
            f"""member_id {_ref("member", required=True)},
            starts_on TEXT NOT NULL,
            ends_on TEXT NOT NULL,
            reason TEXT""",
        )
    )
    conn.execute("CREATE INDEX leave_member ON leave(member_id)")


def _005_roles_and_tasks(conn: sqlite3.Connection) -> None:
    """Rotating roles and their terms, chores, tasks, PINs, and the record of mandates used."""
    conn.execute("ALTER TABLE member ADD COLUMN pin_hash TEXT")
    conn.execute(
        replicated_table_sql(
            "role",
            """name TEXT NOT NULL,
            description TEXT,
            term_days INTEGER NOT NULL DEFAULT 28,
            holders INTEGER NOT NULL DEFAULT 1,
            policy TEXT NOT NULL DEFAULT 'round-robin',
            skill TEXT,
            starts_on TEXT NOT NULL,
            plan_terms INTEGER NOT NULL DEFAULT 12,
            mandates TEXT NOT NULL DEFAULT '[]'""",
        )
    )
    conn.execute(
        replicated_table_sql(
            "role_member",
            f"""role_id {_ref("role", required=True)},
            member_id {_ref("member", required=True)},
            position INTEGER NOT NULL DEFAULT 0""",
        )
    )
    conn.execute("CREATE INDEX role_member_role ON role_member(role_id)")
    conn.execute(
        replicated_table_sql(
            "role_term",
            f"""role_id {_ref("role", required=True)},
            starts_on TEXT NOT NULL,
            holders_override TEXT NOT NULL DEFAULT '[]',
            handover_notes TEXT""",
        )
    )
    conn.execute("CREATE INDEX role_term_role ON role_term(role_id, starts_on)")
    conn.execute(
        replicated_table_sql(
            "chore",
            f"""title TEXT NOT NULL,
            notes TEXT,
            every_days INTEGER NOT NULL DEFAULT 7,
            strategy TEXT NOT NULL DEFAULT 'least-done',
            member_ids TEXT NOT NULL DEFAULT '[]',
            site_id {_ref("site")},
            role_id {_ref("role")},
            starts_on TEXT NOT NULL""",
        )
    )
    conn.execute(
        replicated_table_sql(
            "task",
            f"""title TEXT NOT NULL,
            notes TEXT,
            status TEXT NOT NULL DEFAULT 'todo',
            assignee_id {_ref("member")},
            due_on TEXT,
            priority INTEGER NOT NULL DEFAULT 1,
            site_id {_ref("site")},
            role_id {_ref("role")},
            chore_id {_ref("chore")},
            done_at TEXT,
            done_by {_ref("member")}""",
        )
    )
    conn.execute("CREATE INDEX task_status ON task(status, due_on)")
    conn.execute("CREATE INDEX task_assignee ON task(assignee_id)")
    conn.execute("CREATE INDEX task_chore ON task(chore_id)")
    conn.execute(
        replicated_table_sql(
            "mandate_use",
            f"""member_id {_ref("member", required=True)},
            role_id {_ref("role")},
            action TEXT NOT NULL DEFAULT 'members',
            detail TEXT,
            used_at TEXT NOT NULL""",
        )
    )


def _006_inventory(conn: sqlite3.Connection) -> None:
    """Items, per-site minimums, transfers, stocktakes and the ledger of stock movements.

    ``_stock_balance`` is derived, never synced: a trigger adds every movement that enters
    the ledger (typed in here or merged from a bundle) to its item's balance at its site,
    so balances for every item at every site are one small table scan.
    """
    conn.execute(
        replicated_table_sql(
            "item",
            """name TEXT NOT NULL,
            category TEXT,
            unit TEXT NOT NULL,
            decimals INTEGER NOT NULL DEFAULT 0,
            barcode TEXT,
            minimum INTEGER NOT NULL DEFAULT 0,
            notes TEXT""",
        )
    )
    conn.execute("CREATE INDEX item_name ON item(name COLLATE NOCASE)")
    conn.execute("CREATE INDEX item_barcode ON item(barcode)")
    conn.execute(
        replicated_table_sql(
            "item_minimum",
            f"""item_id {_ref("item", required=True)},
            site_id {_ref("site", required=True)},
            minimum INTEGER NOT NULL DEFAULT 0""",
        )
    )
    conn.execute("CREATE INDEX item_minimum_item ON item_minimum(item_id)")
    conn.execute(
        replicated_table_sql(
            "transfer",
            f"""item_id {_ref("item", required=True)},
            from_site_id {_ref("site", required=True)},
            to_site_id {_ref("site", required=True)},
            quantity INTEGER NOT NULL,
            sent_at TEXT NOT NULL,
            note TEXT,
            received_quantity INTEGER,
            received_at TEXT,
            received_by {_ref("member")}""",
        )
    )
    conn.execute(
        replicated_table_sql(
            "stocktake",
            f"""site_id {_ref("site", required=True)},
            started_at TEXT NOT NULL,
            finished_at TEXT,
            note TEXT""",
        )
    )
    conn.execute(
        replicated_table_sql(
            "stock_move",
            f"""item_id {_ref("item", required=True)},
            site_id {_ref("site", required=True)},
            delta INTEGER NOT NULL,
            reason TEXT NOT NULL DEFAULT 'received',
            note TEXT,
            transfer_id {_ref("transfer")},
            stocktake_id {_ref("stocktake")},
            moved_at TEXT NOT NULL""",
        )
    )
    conn.execute("CREATE INDEX stock_move_item ON stock_move(item_id, moved_at)")
    conn.execute(
        """
        CREATE TABLE _stock_balance (
            item_id TEXT NOT NULL,
            site_id TEXT NOT NULL,
            balance INTEGER NOT NULL,
            moves INTEGER NOT NULL,
            PRIMARY KEY (item_id, site_id)
        ) STRICT, WITHOUT ROWID
        """
    )
    conn.execute(
        """
        CREATE TRIGGER stock_move_balance AFTER INSERT ON stock_move BEGIN
            INSERT INTO _stock_balance (item_id, site_id, balance, moves)
            VALUES (new.item_id, new.site_id, new.delta, 1)
            ON CONFLICT (item_id, site_id) DO UPDATE
            SET balance = balance + excluded.balance, moves = moves + 1;
        END
        """
    )


def _007_transfer_movements_index(conn: sqlite3.Connection) -> None:
    """Find a transfer's movements without scanning its item's whole history."""
    conn.execute(
        "CREATE INDEX stock_move_transfer ON stock_move(transfer_id) WHERE transfer_id IS NOT NULL"
    )


def _008_sealed_changes(conn: sqlite3.Connection) -> None:
    """Every site seals its transactions and certifies the sites it invites; no root key.

    ``_seal`` holds, per origin and transaction, the hash chain of that origin's changes and
    the origin's signature over it; ``_held`` lists transactions that arrived signed but
    broke a rule (kept in the log, not applied). Sites carry their public key and the
    certificate that vouches for it, and the sequence number after which an archived
    site's changes are refused. The root private key, which every site used to hold, is
    removed, and this site seals its own history so far.
    """
    conn.execute(
        """
        CREATE TABLE _seal (
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            digest BLOB NOT NULL,
            signature BLOB,
            PRIMARY KEY (origin, seq)
        ) STRICT, WITHOUT ROWID
        """
    )
    conn.execute(
        """
        CREATE TABLE _held (
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            reason TEXT NOT NULL,
            held_at REAL NOT NULL,
            rule TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (origin, seq)
        ) STRICT, WITHOUT ROWID
        """
    )
    conn.execute("ALTER TABLE site ADD COLUMN public_key TEXT")
    conn.execute("ALTER TABLE site ADD COLUMN certificate TEXT")
    conn.execute("ALTER TABLE site ADD COLUMN revoked_after INTEGER")
    _recertify_first_version_site(conn)
    conn.execute("DELETE FROM _local WHERE key = 'root_private'")
    own = conn.execute("SELECT value FROM _local WHERE key = 'site_id'").fetchone()
    private = conn.execute("SELECT value FROM _local WHERE key = 'site_private'").fetchone()
    if own and private:
        seal_history(conn, str(own[0]), str(private[0]))
    # Other sites' history received before sealing: its chain of digests, unsigned, so that
    # their next (sealed) transactions chain onto it; their own seals then vouch for it all.
    for (origin,) in conn.execute("SELECT DISTINCT origin FROM _change").fetchall():
        if not own or origin != own[0]:
            seal_history(conn, str(origin), None)


def _recertify_first_version_site(conn: sqlite3.Connection) -> None:
    """A site of CoopDesk's first version: its certificate, signed by the root key every
    site then held, is made again in the new form (a founding certificate), once, before
    that key is deleted. The site announces it in its synced row at its next export."""
    local = dict(conn.execute("SELECT key, value FROM _local").fetchall())
    root, text = local.get("root_private"), local.get("site_certificate")
    if not root or not text:
        return
    old = json.loads(text)
    if "kind" in old:
        return
    from coopdesk.store import keys  # only for a store this old: not on every open

    certificate = keys.certify(
        str(root),
        str(old["coop_id"]),
        str(old["site_id"]),
        str(old["public_key"]),
        certified_by=keys.CERTIFIED_BY_ROOT,
        seq=0,
        kind="founding",
    )
    conn.execute(
        "UPDATE _local SET value = ? WHERE key = 'site_certificate'", (certificate.to_json(),)
    )


def seal_history(conn: sqlite3.Connection, origin: str, private_hex: str | None) -> None:
    """Seal every transaction of ``origin`` in the log (a store from before sealing);
    without a key (another site's history), the chain of digests only."""
    from coopdesk.store import keys  # only for a store this old: not on every open

    signer = keys.Signer(private_hex) if private_hex else None
    digest = keys.GENESIS_DIGEST
    rows: list[tuple] = []
    seq = None
    cursor = conn.execute(
        "SELECT origin, seq, idx, hlc, author, tbl, row_id, op, cl, fields, versions"
        " FROM _change WHERE origin = ? ORDER BY seq, idx",
        (origin,),
    )
    for row in [*cursor, None]:
        if rows and (row is None or row[1] != seq):
            digest = keys.transaction_digest(digest, rows)
            conn.execute(
                "INSERT OR REPLACE INTO _seal (origin, seq, digest, signature) VALUES (?, ?, ?, ?)",
                (
                    origin,
                    seq,
                    digest,
                    signer.sign(keys.seal_message(origin, seq, digest)) if signer else None,
                ),
            )
            rows = []
        if row is not None:
            seq = row[1]
            rows.append(row)


def _009_coop_time_zone(conn: sqlite3.Connection) -> None:
    """The coop's time zone (an IANA name) for calendars; empty: the computer's own zone."""
    conn.execute("ALTER TABLE coop ADD COLUMN time_zone TEXT NOT NULL DEFAULT ''")


def _010_decisions(conn: sqlite3.Connection) -> None:
    """Decisions, their options, stances, secret ballots, assemblies; the local ballot box.

    ``_urn`` is this site's ballot box, never synced: per decision, the secret ballots cast
    here and not yet released, as one shuffled JSON list (so neither row order nor page
    layout tells in which order they were cast). See docs/decisions.md.
    """
    conn.execute(
        replicated_table_sql(
            "meeting",
            f"""title TEXT NOT NULL,
            starts_at TEXT NOT NULL,
            site_id {_ref("site")},
            facilitator_id {_ref("member")},
            attendees TEXT NOT NULL DEFAULT '[]',
            minutes TEXT NOT NULL DEFAULT ''""",
        )
    )
    conn.execute("CREATE INDEX meeting_starts_at ON meeting(starts_at)")
    conn.execute(
        replicated_table_sql(
            "decision",
            f"""title TEXT NOT NULL,
            details TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT 'consent',
            seats INTEGER NOT NULL DEFAULT 1,
            opens_at TEXT NOT NULL,
            closes_at TEXT NOT NULL,
            closed_at TEXT,
            quorum_pct INTEGER NOT NULL DEFAULT 0,
            secret INTEGER NOT NULL DEFAULT 0,
            show_results INTEGER NOT NULL DEFAULT 1,
            electorate TEXT NOT NULL DEFAULT 'members',
            site_id {_ref("site")},
            role_id {_ref("role")},
            by_sites TEXT NOT NULL DEFAULT 'none',
            electorate_size INTEGER NOT NULL DEFAULT 0,
            site_electorates TEXT NOT NULL DEFAULT '{{}}',
            round INTEGER NOT NULL DEFAULT 0,
            proposed_by {_ref("member")},
            outcome TEXT NOT NULL DEFAULT '',
            review_on TEXT,
            fills_role_id {_ref("role")}""",
        )
    )
    conn.execute("CREATE INDEX decision_closes_at ON decision(closes_at)")
    conn.execute(
        replicated_table_sql(
            "decision_option",
            f"""decision_id {_ref("decision", required=True)},
            label TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            starts_at TEXT,
            minutes INTEGER NOT NULL DEFAULT 60,
            member_id {_ref("member")}""",
        )
    )
    conn.execute("CREATE INDEX decision_option_decision ON decision_option(decision_id)")
    conn.execute(
        replicated_table_sql(
            "agenda_item",
            f"""meeting_id {_ref("meeting", required=True)},
            position INTEGER NOT NULL DEFAULT 0,
            title TEXT NOT NULL,
            decision_id {_ref("decision")},
            notes TEXT NOT NULL DEFAULT ''""",
        )
    )
    conn.execute("CREATE INDEX agenda_item_meeting ON agenda_item(meeting_id)")
    conn.execute("CREATE INDEX agenda_item_decision ON agenda_item(decision_id)")
    conn.execute(
        replicated_table_sql(
            "stance",
            f"""decision_id {_ref("decision", required=True)},
            member_id {_ref("member", required=True)},
            site_id {_ref("site")},
            round INTEGER NOT NULL DEFAULT 0,
            stance TEXT NOT NULL DEFAULT 'none',
            choice TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT '',
            cast_at TEXT NOT NULL,
            replaces TEXT NOT NULL DEFAULT '[]'""",
        )
    )
    conn.execute("CREATE INDEX stance_decision ON stance(decision_id, member_id)")
    conn.execute(
        replicated_table_sql(
            "participation",
            f"""decision_id {_ref("decision", required=True)},
            member_id {_ref("member", required=True)},
            site_id {_ref("site")},
            round INTEGER NOT NULL DEFAULT 0,
            voted_at TEXT NOT NULL""",
        )
    )
    conn.execute("CREATE INDEX participation_decision ON participation(decision_id, member_id)")
    conn.execute(
        replicated_table_sql(
            "ballot",
            f"""decision_id {_ref("decision", required=True)},
            site_id {_ref("site")},
            round INTEGER NOT NULL DEFAULT 0,
            stance TEXT NOT NULL DEFAULT 'none',
            choice TEXT NOT NULL DEFAULT '',
            reason TEXT NOT NULL DEFAULT ''""",
        )
    )
    conn.execute("CREATE INDEX ballot_decision ON ballot(decision_id)")
    conn.execute(
        replicated_table_sql(
            "hand_count",
            f"""decision_id {_ref("decision", required=True)},
            site_id {_ref("site")},
            meeting_id {_ref("meeting")},
            round INTEGER NOT NULL DEFAULT 0,
            key TEXT NOT NULL,
            count INTEGER NOT NULL DEFAULT 0""",
        )
    )
    conn.execute("CREATE INDEX hand_count_decision ON hand_count(decision_id)")
    conn.execute(
        """
        CREATE TABLE _urn (
            decision_id TEXT PRIMARY KEY NOT NULL,
            ballots TEXT NOT NULL
        ) STRICT
        """
    )


def _011_reports(conn: sqlite3.Connection) -> None:
    """How long a task or chore takes (for the fair-share reports), and the indexes the
    reports' period queries use: tasks by when they were done, movements by when (covering
    what the supplies report reads, so years of movements are read from the index alone, in
    the order their balances are replayed)."""
    conn.execute("ALTER TABLE chore ADD COLUMN estimate_minutes INTEGER")
    conn.execute("ALTER TABLE task ADD COLUMN estimate_minutes INTEGER")
    conn.execute("CREATE INDEX task_done_at ON task(done_at) WHERE done_at IS NOT NULL")
    conn.execute(
        "CREATE INDEX stock_move_moved_at ON stock_move(moved_at, id, item_id, site_id, reason,"
        " delta)"
    )


def _012_duty_done(conn: sqlite3.Connection) -> None:
    """``_duty_done`` (member, minutes): every member's attended shift time, kept up to date.

    Duty balances need the minutes each member ever attended: summing years of sign-ups on
    every change made the Members page slower every week. Like ``_stock_balance`` it is
    derived and local, never synced: triggers add or take away a sign-up's minutes as the
    sign-up or its shift is written, inserted or deleted (typed in or merged from a bundle),
    so it always equals the sum (``check`` verifies it).
    """
    conn.execute(
        "CREATE TABLE _duty_done (member_id TEXT PRIMARY KEY, minutes REAL NOT NULL) STRICT"
    )
    minutes = "(julianday({s}.ends_at) - julianday({s}.starts_at)) * 1440"
    attended = "{r}.attendance = 'attended' AND {r}._cl % 2 = 1"
    shift_minutes = minutes.format(s="s")

    def add_signup(r: str) -> str:
        return (
            f"INSERT INTO _duty_done (member_id, minutes) SELECT {r}.member_id, {shift_minutes}"
            f" FROM shift s WHERE s.id = {r}.shift_id AND s._cl % 2 = 1"
            " ON CONFLICT (member_id) DO UPDATE SET minutes = minutes + excluded.minutes;"
        )

    def take_signup(r: str) -> str:
        return (
            f"UPDATE _duty_done SET minutes = minutes - coalesce((SELECT {shift_minutes}"
            f" FROM shift s WHERE s.id = {r}.shift_id AND s._cl % 2 = 1), 0)"
            f" WHERE member_id = {r}.member_id;"
        )

    def add_shift(s: str) -> str:
        return (
            f"INSERT INTO _duty_done (member_id, minutes) SELECT su.member_id,"
            f" {minutes.format(s=s)} FROM shift_signup su"
            f" WHERE su.shift_id = {s}.id AND {attended.format(r='su')} AND {s}._cl % 2 = 1"
            " ON CONFLICT (member_id) DO UPDATE SET minutes = minutes + excluded.minutes;"
        )

    def take_shift(s: str) -> str:
        same = f"su.shift_id = {s}.id AND {attended.format(r='su')}"
        return (
            f"UPDATE _duty_done SET minutes = minutes - {minutes.format(s=s)} * (SELECT count(*)"
            f" FROM shift_signup su WHERE {same} AND su.member_id = _duty_done.member_id)"
            f" WHERE {s}._cl % 2 = 1"
            f" AND member_id IN (SELECT su.member_id FROM shift_signup su WHERE {same});"
        )

    triggers = {
        "duty_signup_insert": ("AFTER INSERT ON shift_signup", "new", add_signup("new")),
        "duty_signup_delete": ("AFTER DELETE ON shift_signup", "old", take_signup("old")),
        "duty_signup_update_old": ("AFTER UPDATE ON shift_signup", "old", take_signup("old")),
        "duty_signup_update_new": ("AFTER UPDATE ON shift_signup", "new", add_signup("new")),
    }
    for name, (event, row, body) in triggers.items():
        conn.execute(
            f"CREATE TRIGGER {name} {event} WHEN {attended.format(r=row)} BEGIN {body} END"
        )
    conn.execute(
        f"CREATE TRIGGER duty_shift_insert AFTER INSERT ON shift BEGIN {add_shift('new')} END"
    )
    conn.execute(
        f"CREATE TRIGGER duty_shift_delete AFTER DELETE ON shift BEGIN {take_shift('old')} END"
    )
    conn.execute(
        "CREATE TRIGGER duty_shift_update AFTER UPDATE OF starts_at, ends_at, _cl ON shift"
        f" BEGIN {take_shift('old')} {add_shift('new')} END"
    )
    conn.execute(
        f"INSERT INTO _duty_done (member_id, minutes) SELECT su.member_id, sum({shift_minutes})"
        " FROM shift_signup su JOIN shift s ON s.id = su.shift_id"
        f" WHERE {attended.format(r='su')} AND s._cl % 2 = 1 GROUP BY su.member_id"
    )


def _013_set_aside_histories(conn: sqlite3.Connection) -> None:
    """When two computers wrote under one site identity (one invitation joined on two
    computers, a folder copied before the upgrade), one site's changes have two histories.

    Every site keeps the same one (the deterministic winner, see ``coopdesk.sync.forks``);
    the other's transactions are set aside in ``_set_aside``: kept, listed, never deleted,
    and never applied (the computer that made them makes them again under a new identity:
    ``reissued_as``; ``made_here`` marks that computer's own). ``_fork`` lists the split
    sites and the first sequence number at which their histories differ, so bundles carry
    that site's history from there on.
    """
    conn.execute(
        """
        CREATE TABLE _set_aside (
            origin TEXT NOT NULL,
            seq INTEGER NOT NULL,
            idx INTEGER NOT NULL,
            digest BLOB NOT NULL,
            hlc INTEGER NOT NULL,
            author TEXT NOT NULL,
            tbl TEXT NOT NULL,
            row_id TEXT NOT NULL,
            op TEXT NOT NULL,
            cl INTEGER NOT NULL,
            fields TEXT,
            versions TEXT,
            signature BLOB,
            set_aside_at REAL NOT NULL,
            made_here INTEGER NOT NULL DEFAULT 0,
            reissued_as TEXT,
            PRIMARY KEY (origin, seq, digest, idx)
        ) STRICT
        """
    )
    conn.execute(
        """
        CREATE TABLE _fork (
            origin TEXT PRIMARY KEY,
            from_seq INTEGER NOT NULL,
            found_at REAL NOT NULL
        ) STRICT
        """
    )
    # Which bundle this store wrote, by its content: a bundle of this site's identity with
    # another content was written by another computer using that identity.
    conn.execute("ALTER TABLE _export ADD COLUMN payload_sha256 TEXT")


def _014_pins_stay_here(conn: sqlite3.Connection) -> None:
    """``_pin`` (member, verifier): PIN verifiers stay on the computer where they were set.

    Until now ``member.pin_hash`` was replicated: every bundle, backup and dump carried it,
    and a 4-digit PIN fell to offline guessing in minutes. Each hash moves into this
    computer's ``_pin`` (``travelled`` 1: it has been in bundles, so it is worth changing)
    and the column goes, without logging a change: every site runs this same migration,
    so all stay alike. Open conflicts over a PIN go too (they held hashes, and ``dump``
    shows conflicts). What older sites still send for the column is accepted and never
    applied (``TableSpec.retired``).
    """
    conn.execute(
        """
        CREATE TABLE _pin (
            member_id TEXT PRIMARY KEY NOT NULL,
            verifier TEXT NOT NULL,
            travelled INTEGER NOT NULL DEFAULT 0
        ) STRICT
        """
    )
    conn.execute(
        "INSERT INTO _pin (member_id, verifier, travelled)"
        " SELECT id, pin_hash, 1 FROM member WHERE coalesce(pin_hash, '') != ''"
    )
    conn.execute("ALTER TABLE member DROP COLUMN pin_hash")
    conn.execute("DELETE FROM _rival WHERE tbl = 'member' AND col = 'pin_hash'")


def _015_languages(conn: sqlite3.Connection) -> None:
    """The coop's default language and each member's own ("" : the coop's / English)."""
    conn.execute("ALTER TABLE coop ADD COLUMN language TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE member ADD COLUMN language TEXT NOT NULL DEFAULT ''")


def _016_stock_flow_index(conn: sqlite3.Connection) -> None:
    """Sum a long period of stock movements by item, site and reason without sorting them:
    ten years of a coop's movements took the supplies report seconds to sort."""
    conn.execute(
        "CREATE INDEX stock_move_flow ON stock_move(item_id, site_id, reason, moved_at, delta)"
    )


def _017_undo_record(conn: sqlite3.Connection) -> None:
    """The last import's undo record (coopdesk.store.undo): the earlier state of each row it
    touched, keyed by table and rowid (or primary key, as JSON, for tables without rowid)."""
    conn.execute(
        "CREATE TABLE _undo (tbl TEXT NOT NULL, key ANY NOT NULL, image TEXT,"
        " PRIMARY KEY (tbl, key)) STRICT, WITHOUT ROWID"
    )


MIGRATIONS: list[tuple[int, str, Migration]] = [
    (1, "foundation", _001_foundation),
    (2, "sync", _002_sync),
    (3, "site replaced by", _003_site_replaced_by),
    (4, "shifts", _004_shifts),
    (5, "roles and tasks", _005_roles_and_tasks),
    (6, "inventory", _006_inventory),
    (7, "transfer movements index", _007_transfer_movements_index),
    (8, "sealed changes", _008_sealed_changes),
    (9, "coop time zone", _009_coop_time_zone),
    (10, "decisions", _010_decisions),
    (11, "reports", _011_reports),
    (12, "duty done", _012_duty_done),
    (13, "set-aside histories", _013_set_aside_histories),
    (14, "PINs stay on this computer", _014_pins_stay_here),
    (15, "languages", _015_languages),
    (16, "stock flow index", _016_stock_flow_index),
    (17, "undo record of the last import", _017_undo_record),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]


def record(conn: sqlite3.Connection, version: int, name: str) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL, app_version TEXT NOT NULL) STRICT"
    )
    conn.execute(
        "INSERT INTO _migrations VALUES (?, ?, ?, ?)",
        (version, name, datetime.now(UTC).isoformat(timespec="seconds"), __version__),
    )


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply every migration the store lacks, each in its own transaction. Returns them."""
    applied = []
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    for version, name, migration in MIGRATIONS:
        if version <= current:
            continue
        with atomic(conn):
            migration(conn)
            record(conn, version, name)
            conn.execute(f"PRAGMA user_version = {version:d}")
        applied.append(version)
    return applied
