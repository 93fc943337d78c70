"""``coopdesk dump`` streams: the text written row by row is exactly ``dump_json``'s."""

from __future__ import annotations

import io
import json
import shutil

from coopdesk.cli.main import main
from coopdesk.store.dump import dump_json, write_dump
from coopdesk.store.store import Store
from tests.sync_helpers import Federation, fast_tmp_root


def streamed(store: Store) -> str:
    out = io.StringIO()
    write_dump(store, out)
    return out.getvalue()


def test_a_fresh_store_streams_the_same_text(store: Store):
    assert streamed(store) == dump_json(store)


def test_rows_tags_archived_rows_and_conflicts_stream_as_dump_json_writes_them(capsys):
    root = fast_tmp_root()
    coop = Federation.create(root / "coop", ["Kitchen", "Warehouse"])
    kitchen, warehouse = coop["Kitchen"], coop["Warehouse"]
    with kitchen.transaction(coop.ana) as tx:
        zoe = tx.insert("member", {"name": 'Zoë "Z"\nSecond line', "skills": ["b", "a"]})
        gone = tx.insert("member", {"name": "Gone"})
    with kitchen.transaction(coop.ana) as tx:
        tx.archive("member", gone)
    coop.sync_all()
    for site, phone in ((kitchen, "111"), (warehouse, "222")):
        with site.transaction(coop.ana) as tx:
            tx.update("member", zoe, {"phone": phone})
    coop.sync_all()
    data = json.loads(dump_json(kitchen))
    assert data["conflicts"], "the concurrent phone numbers should be an open conflict"
    assert streamed(kitchen) == dump_json(kitchen)
    assert main(["--data-dir", str(kitchen.path.parent), "dump"]) == 0
    assert capsys.readouterr().out == dump_json(kitchen)
    coop.close()
    shutil.rmtree(root, ignore_errors=True)
