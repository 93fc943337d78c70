"""Property: whatever a malicious site forges, the honest sites end with the honest data.

Warehouse (``HostileSite``) forges at random: other sites' changes relayed or altered on
the way, ledger rows inserted again with other values, changes that needed a mandate its
member does not hold, authors who are not members, blown-up causal lengths, another site's
key, a version vector that claims what it never had. Kitchen and Pantry make honest edits
meanwhile, take Warehouse's bundles in any order and sync with each other. At the end each
holds exactly what it holds in a world where Warehouse sent nothing at all, and they agree.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopdesk.coop.coop import update_settings
from coopdesk.coop.members import archive_member, update_member
from coopdesk.roles.rotation import current_term, swap
from coopdesk.store import keys
from coopdesk.store.check import check_store
from coopdesk.store.dump import dump_json
from coopdesk.store.ids import new_id
from coopdesk.sync.bundle import BundleError
from tests.sync.hostile import HostileSite, coop_with_a_coordinator
from tests.sync_helpers import Federation, fast_tmp_root

EXAMPLES = int(os.environ.get("COOPDESK_FORGERY_EXAMPLES", "25"))
PHONES = ["555 1000", "555 2000", "555 3000", "+44 20 7946 0000"]

forgery = st.one_of(
    st.tuples(st.just("relay"), st.sampled_from(["phone", "notes", "name"]), st.integers(0, 3)),
    st.tuples(st.just("alter"), st.integers(0, 3)),
    st.tuples(st.just("ledger"), st.sampled_from([-5, 0, 11, 10_000])),
    st.tuples(st.just("mandate"), st.sampled_from(["archive", "settings", "swap"])),
    st.tuples(st.just("stranger"), st.integers(0, 3)),
    st.tuples(st.just("causal"), st.integers(1, 1000)),
    st.tuples(st.just("site_key")),
    st.tuples(st.just("vector"), st.integers(1, 10**9)),
)
honest = st.tuples(st.just("honest"), st.sampled_from(["Kitchen", "Pantry"]), st.integers(0, 3))
delivery = st.tuples(st.just("deliver"), st.sampled_from(["Kitchen", "Pantry"]))
steps = st.lists(st.one_of(forgery, forgery, honest, delivery), min_size=1, max_size=8)


@pytest.fixture(scope="module")
def template():
    root = fast_tmp_root()
    coop, ids = coop_with_a_coordinator(root)
    coop.sync_all()
    coop.ids = ids
    yield coop, root
    coop.close()
    shutil.rmtree(root, ignore_errors=True)


def forge(coop: Federation, step: tuple) -> None:
    w, ids = coop["Warehouse"], coop.ids
    warehouse = HostileSite(w)
    kind = step[0]
    if kind == "relay":
        _kind, field, pick = step
        value = PHONES[pick] if field == "phone" else f"forged {pick}"
        warehouse.write(
            [warehouse.update_of("member", coop.ana, {field: value})],
            origin=coop["Pantry"].site_id,
            author=ids["cal"],
        )
    elif kind == "alter":
        rows = w.conn.execute(
            "SELECT lsn FROM _change WHERE origin = ? AND tbl = 'member' AND op = 'update'"
            " AND json_type(fields, '$.phone') = 'text' ORDER BY lsn DESC LIMIT 1",
            (coop["Pantry"].site_id,),
        ).fetchall()
        if rows:
            w.conn.execute(
                "UPDATE _change SET fields = json_set(fields, '$.phone', ?) WHERE lsn = ?",
                (f"666 {step[1]}", rows[0][0]),
            )
    elif kind == "ledger":
        row = w.get("stock_move", ids["received"])
        fields = {k: row[k] for k in ("item_id", "site_id", "reason", "note", "moved_at")}
        warehouse.write(
            [("stock_move", ids["received"], "insert", 1, {**fields, "delta": step[1]}, None)],
            author=ids["bea"],
        )
    elif kind == "mandate":
        with warehouse.unchecked():
            if step[1] == "archive" and not w.get("member", ids["cal"])["archived"]:
                archive_member(w, ids["bea"], ids["cal"])
            elif step[1] == "settings":
                coop_id = str(w.coop_id)
                current = bool(w.require("coop", coop_id)["encrypt_bundles"])
                update_settings(w, ids["bea"], encrypt_bundles=not current)
            elif step[1] == "swap":
                role = w.require("role", ids["coordinator"])
                term = current_term(w, role, dt.date.today())
                if term and coop.ana in term.holders:
                    swap(w, ids["bea"], ids["coordinator"], term.starts_on, coop.ana, ids["bea"])
    elif kind == "stranger":
        warehouse.write(
            [warehouse.update_of("member", ids["bea"], {"phone": PHONES[step[1]]})],
            author=new_id(),
        )
    elif kind == "causal":
        cl = int(w.conn.execute("SELECT _cl FROM member WHERE id = ?", (ids["cal"],)).fetchone()[0])
        op = "restore" if cl % 2 == 0 else "archive"
        warehouse.write(
            [("member", ids["cal"], op, cl + 2 * step[1] + 1, None, None)], author=coop.ana
        )
    elif kind == "site_key":
        fields = {"public_key": keys.new_keypair().public_hex}
        warehouse.write(
            [warehouse.update_of("site", coop["Kitchen"].site_id, fields)], author=ids["bea"]
        )
    elif kind == "vector":
        w.conn.execute(
            "UPDATE _vv SET seq = seq + ? WHERE site_id = ?", (step[1], coop["Kitchen"].site_id)
        )


def play(coop: Federation, program: list[tuple], with_forgeries: bool) -> None:
    ids = coop.ids
    for step in program:
        kind = step[0]
        if kind == "honest":
            _kind, site, pick = step
            member = coop.ana if site == "Kitchen" else ids["cal"]
            if not coop[site].get("member", member)["archived"]:
                update_member(coop[site], member, member, notes=f"{site} note {pick}")
            if site == "Pantry" and with_forgeries:  # Warehouse hears it, to relay (and alter)
                # (Warehouse may refuse it: it forged changes under Pantry's numbers.)
                with contextlib.suppress(BundleError):
                    coop.deliver(coop.export("Pantry", "Warehouse"), "Warehouse")
        elif kind == "deliver":
            if with_forgeries:
                coop.deliver(coop.export("Warehouse", full=True), step[1])
        elif with_forgeries:
            forge(coop, step)
    if with_forgeries:
        for site in ("Kitchen", "Pantry"):
            coop.deliver(coop.export("Warehouse", full=True), site)
    for sender, receiver in (("Kitchen", "Pantry"), ("Pantry", "Kitchen"), ("Kitchen", "Pantry")):
        coop.deliver(coop.export(sender, receiver), receiver)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(program=steps)
def test_honest_sites_keep_the_honest_data_whatever_is_forged(template, program):
    coop, root = template
    work = root / f"run-{new_id()}"
    attacked = coop.copy_to(work / "attacked")
    control = coop.copy_to(work / "control")
    attacked.ids = control.ids = coop.ids
    try:
        play(attacked, program, with_forgeries=True)
        play(control, program, with_forgeries=False)
        kitchen_id = coop["Kitchen"].site_id
        assert attacked["Kitchen"].site_id == kitchen_id
        for site in ("Kitchen", "Pantry"):
            assert dump_json(attacked[site]) == dump_json(control[site])
            assert check_store(attacked[site]) == []
        assert dump_json(attacked["Kitchen"]) == dump_json(attacked["Pantry"])
    finally:
        attacked.close()
        control.close()
        shutil.rmtree(work, ignore_errors=True)
