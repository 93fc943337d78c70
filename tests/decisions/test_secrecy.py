"""Secret ballots: try to link ballots to voters from everything a site keeps, and fail.

Twelve members vote in a known order, each with a ballot nobody else casts (scores that
spell out their number), so a ballot that could be tied to a voter would be. The attacks
look at the dump, every table of the SQLite file (local ones too), the raw file, the bundle
and the activity log, and try author, transaction, sequence number, time and order.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coopdesk.base.errors import ValidationError
from coopdesk.coop.activity import recent_changes
from coopdesk.coop.members import add_member
from coopdesk.decisions.ballots import MIN_BATCH, ballots_in_box, vote
from coopdesk.decisions.decisions import add_decision, get_decision
from coopdesk.decisions.outcomes import close_decision
from coopdesk.decisions.results import tally
from coopdesk.store.check import check_store
from coopdesk.store.dump import dump_json
from coopdesk.store.store import Store
from coopdesk.store.transaction import URN
from coopdesk.sync.bundle import read_envelope, read_frames
from coopdesk.sync.trust import trust_of
from tests.sync_helpers import Federation, fast_tmp_root

VOTERS = 12
OPTIONS = ["Farm", "Mill", "Dairy", "Orchard"]
CLOSES = "2099-01-01T12:00"


def scores_of(number: int) -> dict[str, int]:
    """Voter ``number``'s own ballot: their number in base 6, one digit per option."""
    digits = [(number // 6**place) % 6 for place in range(len(OPTIONS))]
    return dict(zip(OPTIONS, digits, strict=True))


@pytest.fixture
def coop():
    root = fast_tmp_root()
    federation = Federation.create(root / "coop", ["Kitchen", "Warehouse"])
    yield federation
    federation.close()
    shutil.rmtree(root, ignore_errors=True)


def _setup(coop: Federation) -> tuple[Store, str, list[str]]:
    kitchen = coop["Kitchen"]
    voters = [add_member(kitchen, coop.ana, f"Voter {n:02d}") for n in range(VOTERS)]
    decision = add_decision(
        kitchen, coop.ana, "Supplier", kind="score", options=OPTIONS, secret=True, closes_at=CLOSES
    )
    return kitchen, decision, voters


def _content_key(scores: dict[str, int]) -> tuple[int, ...]:
    return tuple(scores[option] for option in OPTIONS)


def test_nothing_a_site_keeps_links_a_ballot_to_its_voter(coop: Federation):
    kitchen, decision_id, voters = _setup(coop)
    decision = get_decision(kitchen, decision_id)
    label_of = {option.id: option.label for option in decision.options}
    for number, voter in enumerate(voters):
        vote(kitchen, voter, decision_id, choice=scores_of(number))
    bundle = coop.export("Kitchen")  # the ballot box releases its ballots first
    coop.deliver(bundle, "Warehouse")
    assert ballots_in_box(kitchen) == 0

    for store in (kitchen, coop["Warehouse"]):
        ballots = store.query("SELECT id, choice FROM ballot WHERE decision_id = ?", (decision_id,))
        assert len(ballots) == VOTERS
        # Ground truth, which an attacker would need: the voter behind each ballot.
        voter_of = {
            row["id"]: voters[
                [_content_key(scores_of(n)) for n in range(VOTERS)].index(
                    _content_key({label_of[o]: v for o, v in json.loads(row["choice"]).items()})
                )
            ]
            for row in ballots
        }
        _attack_the_log(store, voter_of, voters)
        _attack_every_table(store, set(voter_of), set(voters))
    _attack_the_bundle(kitchen, bundle, set(voters))
    _attack_the_dump(kitchen, set(voters))
    _attack_the_activity_log(kitchen, set(voters))


def _attack_the_log(store: Store, voter_of: dict[str, str], voters: list[str]) -> None:
    log = store.query(
        "SELECT lsn, origin, seq, idx, hlc, author, tbl, row_id FROM _change"
        " WHERE tbl IN ('ballot', 'participation') ORDER BY lsn"
    )
    ballots = [row for row in log if row["tbl"] == "ballot"]
    taking_part = [row for row in log if row["tbl"] == "participation"]
    members = set(voters)
    # Author: the ballot box (the site itself), never a member.
    assert all(row["author"] == row["origin"] and row["author"] not in members for row in ballots)
    # Transaction: no ballot shares a transaction with a participation.
    assert not {(r["origin"], r["seq"]) for r in ballots} & {
        (r["origin"], r["seq"]) for r in taking_part
    }
    # Sequence and time: ballots leave in batches of at least MIN_BATCH, each batch one
    # transaction with one timestamp, so the next number or the nearest time after a
    # participation points at a batch, never at one ballot.
    batches: dict[tuple[str, int], list[dict]] = {}
    for row in ballots:
        batches.setdefault((row["origin"], row["seq"]), []).append(row)
    for batch in batches.values():
        assert len(batch) >= MIN_BATCH
        assert len({row["hlc"] for row in batch}) == 1
    # Order: neither the log's order nor the table's row order nor the ids follow the
    # order in which the members voted.
    cast_order = list(voters)
    orders = {
        "log": [voter_of[r["row_id"]] for r in sorted(ballots, key=lambda r: (r["lsn"], r["idx"]))],
        "table": [
            voter_of[r[0]] for r in store.conn.execute("SELECT id FROM ballot ORDER BY rowid")
        ],
        "ids": [voter_of[ballot_id] for ballot_id in sorted(voter_of)],
    }
    for name, order in orders.items():
        assert order not in (cast_order, cast_order[::-1]), name


def _attack_every_table(store: Store, ballot_ids: set[str], members: set[str]) -> None:
    """No row of any table, local or replicated, holds a ballot's id and a voter's id."""
    tables = [
        row[0] for row in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    for table in tables:
        for row in store.conn.execute(f"SELECT * FROM {table}"):
            text = " ".join(str(value) for value in row)
            has_ballot = any(ballot in text for ballot in ballot_ids)
            has_member = any(member in text for member in members)
            assert not (has_ballot and has_member), table
    assert store.query("SELECT * FROM _urn") == []


def _attack_the_bundle(store: Store, bundle: Path, members: set[str]) -> None:
    trust = trust_of(store)
    rows = [
        row
        for frame in read_frames(read_envelope(bundle, trust), trust.bundle_key)
        for row in frame
    ]
    ballots = [row for row in rows if row[5] == "ballot"]
    taking_part = [row for row in rows if row[5] == "participation"]
    assert len(ballots) == len(taking_part) == VOTERS
    assert all(row[4] not in members for row in ballots)  # author
    assert not {(row[0], row[1]) for row in ballots} & {(row[0], row[1]) for row in taking_part}
    for row in ballots:  # nothing of the voter, nor of when they voted, in the ballot
        fields = json.loads(row[9])
        assert set(fields) == {"decision_id", "site_id", "round", "stance", "choice", "reason"}
        assert not any(member in row[9] for member in members)


def _attack_the_dump(store: Store, members: set[str]) -> None:
    tables = json.loads(dump_json(store))["tables"]
    assert tables["ballot"] and all(
        set(row)
        == {"id", "decision_id", "site_id", "round", "stance", "choice", "reason", "archived"}
        for row in tables["ballot"]
    )
    assert {row["member_id"] for row in tables["participation"]} == members  # who took part
    assert all("choice" not in row for row in tables["participation"])
    ids_in_order = [row["id"] for row in tables["ballot"]]
    assert ids_in_order == sorted(ids_in_order)  # sorted by random id, not by time


def _attack_the_activity_log(store: Store, members: set[str]) -> None:
    items = [item for item in recent_changes(store, limit=500) if item.table == "ballot"]
    assert len(items) == VOTERS
    assert {item.author for item in items} == {"the ballot box"}
    assert not {item.author_id for item in items} & members


def test_the_box_keeps_fewer_than_three_ballots_until_the_decision_closes(coop: Federation):
    kitchen, decision_id, voters = _setup(coop)
    for number in range(MIN_BATCH - 1):
        vote(kitchen, voters[number], decision_id, choice=scores_of(number))
    coop.deliver(coop.export("Kitchen"), "Warehouse")
    assert ballots_in_box(kitchen, decision_id) == MIN_BATCH - 1
    assert kitchen.query("SELECT count(*) AS n FROM ballot")[0]["n"] == 0
    warehouse = tally(coop["Warehouse"], decision_id)
    assert warehouse.voters == MIN_BATCH - 1 and warehouse.hidden  # who took part travels
    close_decision(kitchen, coop.ana, decision_id)  # closing releases however few
    assert ballots_in_box(kitchen) == 0
    coop.deliver(coop.export("Kitchen"), "Warehouse")
    for store in (kitchen, coop["Warehouse"]):
        result = tally(store, decision_id)
        assert not result.hidden and result.ballots == MIN_BATCH - 1 and result.waiting == 0


def test_earlier_states_of_the_box_do_not_linger_in_the_file(coop: Federation):
    """After each vote the file and its write-ahead log hold the box once, not its history:
    a copy of the store does not show which ballot arrived after which."""
    kitchen, decision_id, voters = _setup(coop)
    for number in range(3):
        vote(kitchen, voters[number], decision_id, choice=scores_of(number))
        box = json.loads(kitchen.query("SELECT ballots FROM _urn")[0]["ballots"])
        raw = kitchen.path.read_bytes()
        wal = Path(f"{kitchen.path}-wal")
        raw += wal.read_bytes() if wal.exists() else b""
        for ballot in box:
            assert raw.count(ballot["id"].encode()) == 1, f"after vote {number + 1}"


def test_a_ballot_cannot_be_written_under_a_members_name(store, ana):
    decision = add_decision(store, ana, "X", kind="consent", secret=True, closes_at=CLOSES)
    with (
        pytest.raises(ValidationError, match="written by the site's ballot box"),
        store.transaction(ana) as tx,
    ):
        tx.insert("ballot", {"decision_id": decision, "stance": "consent"})
    with (
        pytest.raises(ValidationError, match="writes only secret ballots"),
        store.transaction(URN) as tx,
    ):
        tx.insert("member", {"name": "Nobody"})
    assert store.query("SELECT count(*) AS n FROM ballot")[0]["n"] == 0


def test_check_reports_a_ballot_logged_under_a_members_name(store, ana):
    decision = add_decision(store, ana, "X", kind="consent", secret=True, closes_at=CLOSES)
    vote(store, ana, decision, stance="consent")
    close_decision(store, ana, decision)
    assert check_store(store) == []
    store.conn.execute("UPDATE _change SET author = ? WHERE tbl = 'ballot'", (ana,))
    assert any("ballot box" in problem for problem in check_store(store))
