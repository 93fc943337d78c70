"""PINs: salted scrypt hashes, verification, and a pause after five wrong tries."""

from __future__ import annotations

import pytest

from coopdesk.base.errors import ValidationError
from coopdesk.coop.members import add_member
from coopdesk.coop.pins import (
    MAX_WRONG,
    PIN_ENV,
    PinGate,
    PinLockedError,
    clear_pin,
    has_pin,
    pin_matches,
    set_pin,
    verify_pin,
)
from coopdesk.roles.mandates import MandateRequiredError
from coopdesk.roles.roles import add_role
from coopdesk.store.dump import dump_json
from coopdesk.store.store import Store
from tests.cli_helpers import coopdesk


def verifier(store, member_id):
    row = store.conn.execute("SELECT verifier FROM _pin WHERE member_id = ?", (member_id,))
    return row.fetchone()[0]


def test_a_pin_is_stored_as_a_salted_scrypt_hash_on_this_computer_only(store, ana):
    assert not has_pin(store, ana)
    changes_before = store.conn.execute("SELECT count(*) FROM _change").fetchone()[0]
    set_pin(store, ana, ana, "4321")
    stored = verifier(store, ana)
    scheme, n, r, p, salt, digest = stored.split("$")
    assert scheme == "scrypt" and int(n) >= 2**14 and int(r) == 8 and int(p) == 1
    assert len(bytes.fromhex(salt)) == 16 and len(bytes.fromhex(digest)) == 64
    assert "4321" not in stored
    assert has_pin(store, ana)
    assert verify_pin(store, ana, "4321")
    assert not verify_pin(store, ana, "1234")
    set_pin(store, ana, ana, "4321")
    assert verifier(store, ana) != stored  # a new salt each time
    # Nothing was logged: no change carries it to another site.
    assert store.conn.execute("SELECT count(*) FROM _change").fetchone()[0] == changes_before
    assert "pin" not in store.require("member", ana)


def test_odd_stored_values_never_verify():
    for stored in ("", "plain", "scrypt$x$8$1$00$00", "bcrypt$1$2$3$00$00", "scrypt$16$8$1$zz$00"):
        assert not pin_matches(stored, "1234")


@pytest.mark.parametrize("pin", ["123", "1234567890123", "12a4", "", "١٢٣٤"])
def test_bad_pins_are_refused_and_nothing_changes(store, ana, pin):
    before = dump_json(store)
    with pytest.raises(ValidationError, match="4 to 12 digits"):
        set_pin(store, ana, ana, pin)
    assert dump_json(store) == before


def test_someone_elses_pin_needs_the_members_mandate(store, ana):
    ben = add_member(store, ana, "Ben")
    set_pin(store, ben, ana, "1111")  # no roles: anyone may
    add_role(store, ana, "Coordinator", term_days=7, member_ids=[ana], mandates=["members"])
    with pytest.raises(MandateRequiredError):
        clear_pin(store, ben, ana)
    set_pin(store, ben, ben, "2222")  # your own PIN is yours
    clear_pin(store, ana, ben)
    assert not has_pin(store, ben) and has_pin(store, ana)
    with pytest.raises(ValidationError, match="has no PIN"):
        clear_pin(store, ben, ben)


def test_five_wrong_pins_pause_the_keyboard_and_the_pause_doubles(store, ana):
    set_pin(store, ana, ana, "2468")
    gate = PinGate()
    before = dump_json(store)
    for attempt in range(4):
        assert gate.check(store, ana, "0000", now=100.0 + attempt) is False
    with pytest.raises(PinLockedError, match="Too many wrong PINs: wait 30 seconds"):
        gate.check(store, ana, "0000", now=104.0)
    with pytest.raises(PinLockedError, match="wait 20 seconds"):
        gate.check(store, ana, "2468", now=114.0)  # even the right PIN waits
    with pytest.raises(PinLockedError, match="wait 60 seconds"):
        gate.check(store, ana, "0000", now=134.0)  # one more wrong: twice as long
    assert gate.check(store, ana, "2468", now=194.0) is True
    assert gate.check(store, ana, "0000", now=195.0) is False  # the count starts again
    assert dump_json(store) == before


def test_members_without_a_pin_pass_the_gate(store, ana):
    assert PinGate().check(store, ana, "") is True


# -- the command line: acting as a member who has a PIN -------------------------------------


def run(data_dir, *args: str):
    return coopdesk(data_dir, *args, check=False)


def test_acting_as_a_member_with_a_pin_needs_the_pin(store, ana, data_dir, monkeypatch):
    ben = add_member(store, ana, "Ben")
    set_pin(store, ana, ana, "2468")
    store.close()
    # The default member (Ana, from init) and --as both need it, on every acting command.
    for who in ((), ("--as", ana)):
        refused = run(data_dir, "member", "add", "Cai", *who)
        assert refused.returncode == 1
        assert "Ana has a PIN: give it with --pin" in refused.stderr
        wrong = run(data_dir, "member", "add", "Cai", *who, "--pin", "1111")
        assert wrong.returncode == 1 and "Wrong PIN for Ana: nothing was changed" in wrong.stderr
    assert run(data_dir, "member", "add", "Cai", "--pin", "2468").returncode == 0
    monkeypatch.setenv(PIN_ENV, "2468")  # for scripts
    assert run(data_dir, "member", "add", "Dee").returncode == 0
    monkeypatch.delenv(PIN_ENV)
    assert run(data_dir, "member", "add", "Eli", "--as", ben).returncode == 0  # Ben has none
    with Store.open(data_dir) as reopened:
        names = {row["name"] for row in reopened.query("SELECT name FROM member")}
    assert names == {"Ana", "Ben", "Cai", "Dee", "Eli"}


def test_the_pause_after_wrong_pins_survives_a_restart(store, ana, data_dir):
    set_pin(store, ana, ana, "2468")
    store.close()
    for _ in range(MAX_WRONG):  # five separate runs of the command, as a guesser would
        run(data_dir, "member", "add", "Guess", "--pin", "0000")
    locked = run(data_dir, "member", "add", "Cai", "--pin", "2468")
    assert locked.returncode == 1 and "Too many wrong PINs: wait" in locked.stderr
    with Store.open(data_dir) as reopened:  # a window opened now: the same pause
        with pytest.raises(PinLockedError):
            PinGate().check(reopened, ana, "2468")
        assert not reopened.query("SELECT 1 FROM member WHERE name IN ('Guess', 'Cai')")
