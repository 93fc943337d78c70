"""``dump``: the canonical JSON that sync promises to make equal on every site."""

from __future__ import annotations

import json
from pathlib import Path

from coopdesk.store.dump import dump_json
from coopdesk.store.store import Store

SITE = "11111111-1111-4111-8111-111111111111"
COOP = "22222222-2222-4222-8222-222222222222"
ANA = "33333333-3333-4333-8333-333333333333"
PEOPLE = {
    "44444444-4444-4444-8444-444444444444": "Tomás",
    "55555555-5555-4555-8555-555555555555": "Li Wei",
    "66666666-6666-4666-8666-666666666666": "Zoë",
}


def build(data_dir: Path, order: list[str], archive_in_between: bool) -> Store:
    store = Store.create(data_dir, site_id=SITE)
    store.local_set("coop_id", COOP)
    with store.transaction(ANA) as tx:
        tx.insert("coop", {"name": "Coop"}, row_id=COOP)
        tx.insert("site", {"name": "Kitchen"}, row_id=SITE)
        tx.insert("member", {"name": "Ana"}, row_id=ANA)
    for row_id in order:
        with store.transaction(ANA) as tx:
            tx.insert("member", {"name": PEOPLE[row_id], "skills": ["b", "a"]}, row_id=row_id)
    target = "55555555-5555-4555-8555-555555555555"
    with store.transaction(ANA) as tx:
        tx.archive("member", target)
    if archive_in_between:
        with store.transaction(ANA) as tx:
            tx.restore("member", target)
        with store.transaction(ANA) as tx:
            tx.archive("member", target)
    store.local_set("gui.geometry", "local only")
    return store


def test_same_data_gives_byte_identical_dumps_whatever_the_history(tmp_path: Path):
    one = build(tmp_path / "one", list(PEOPLE), archive_in_between=False)
    two = build(tmp_path / "two", list(reversed(PEOPLE)), archive_in_between=True)
    assert dump_json(one) == dump_json(two)


def test_dump_is_sorted_marks_archived_rows_and_leaves_out_local_state(tmp_path: Path):
    store = build(tmp_path / "one", list(PEOPLE), archive_in_between=False)
    text = dump_json(store)
    data = json.loads(text)
    ids = [row["id"] for row in data["tables"]["member"]]
    assert ids == sorted(ids)
    archived = {row["name"]: row["archived"] for row in data["tables"]["member"]}
    assert archived["Li Wei"] is True and archived["Tomás"] is False
    assert data["tables"]["member"][1]["skills"] == ["a", "b"]
    assert "local only" not in text
    assert "_clock" not in text and "_cl" not in text
    assert text == json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1) + "\n"
