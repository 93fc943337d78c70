"""Sync from the command line: invite, join, export, import, sites, conflicts."""

from __future__ import annotations

from pathlib import Path

from tests.cli_helpers import coopdesk, coopdesk_json


def test_three_sites_end_with_identical_dumps(tmp_path: Path):
    kitchen, warehouse, market = (tmp_path / name for name in ("kitchen", "warehouse", "market"))
    coopdesk(kitchen, "init", "--coop", "Coop", "--site", "Kitchen", "--member", "Ana")
    ana = coopdesk_json(kitchen, "member", "list")[0]["id"]
    joined = {}
    for data_dir, name in ((warehouse, "Warehouse"), (market, "Market")):
        invite = coopdesk_json(
            kitchen, "invite", "--site", name, "--to", str(tmp_path / f"{name}.coopinvite")
        )
        assert len(invite["passphrase"]) == 19
        joined[name] = coopdesk_json(
            data_dir, "join", invite["path"], "--passphrase", invite["passphrase"]
        )
        assert joined[name]["site_id"] == invite["site_id"]
    tomas = coopdesk(warehouse, "member", "add", "Tomás", "--as", ana).stdout.strip()
    coopdesk(market, "member", "add", "Zoë", "--as", ana)
    coopdesk(kitchen, "member", "edit", tomas, "--phone", "1", check=False)  # not there yet
    sites = [kitchen, warehouse, market]
    for _round in range(2):
        bundles = []
        for number, data_dir in enumerate(sites):
            made = coopdesk_json(
                data_dir, "export", "--to", str(tmp_path / f"b{_round}{number}.coopsync")
            )
            assert made["verified"] is True
            bundles.append(Path(made["path"]))
        for data_dir in sites:
            for path in bundles:
                result = coopdesk(data_dir, "import", str(path), "--as", ana)
                assert result.returncode == 0
    dumps = {coopdesk(data_dir, "dump").stdout for data_dir in sites}
    assert len(dumps) == 1
    names = [m["name"] for m in coopdesk_json(market, "member", "list")]
    assert names == ["Ana", "Tomás", "Zoë"]
    listing = coopdesk_json(kitchen, "sites")
    assert {s["name"] for s in listing} == {"Kitchen", "Warehouse", "Market"}
    assert all(s["not_yet_received"] == 0 for s in listing if not s["this_site"])


def test_import_exit_codes_and_messages(tmp_path: Path):
    kitchen = tmp_path / "kitchen"
    coopdesk(kitchen, "init", "--coop", "Coop", "--site", "Kitchen", "--member", "Ana")
    made = coopdesk_json(kitchen, "export", "--to", str(tmp_path))
    again = coopdesk(kitchen, "import", made["path"])
    assert again.returncode == 0 and "already imported" in again.stdout
    junk = tmp_path / "junk.coopsync"
    junk.write_text("not a bundle")
    refused = coopdesk(kitchen, "import", str(junk), check=False)
    assert refused.returncode == 1
    assert refused.stderr.strip() == "coopdesk: junk.coopsync is not a CoopDesk sync bundle."
    truncated = tmp_path / "cut.coopsync"
    truncated.write_bytes(Path(made["path"]).read_bytes()[:-20])
    cut = coopdesk(kitchen, "import", str(truncated), check=False)
    assert cut.returncode == 1 and "incomplete" in cut.stderr
    assert junk.exists() and truncated.exists()


def test_conflicts_can_be_listed_and_resolved(tmp_path: Path):
    kitchen, warehouse = tmp_path / "kitchen", tmp_path / "warehouse"
    coopdesk(kitchen, "init", "--coop", "Coop", "--site", "Kitchen", "--member", "Ana")
    ana = coopdesk_json(kitchen, "member", "list")[0]["id"]
    invite = coopdesk_json(
        kitchen, "invite", "--site", "Warehouse", "--to", str(tmp_path / "w.coopinvite")
    )
    coopdesk(warehouse, "join", invite["path"], "--passphrase", invite["passphrase"])
    coopdesk(kitchen, "member", "edit", ana, "--phone", "111")
    coopdesk(warehouse, "member", "edit", ana, "--phone", "222", "--as", ana)
    for source, target in ((kitchen, warehouse), (warehouse, kitchen)):
        made = coopdesk_json(source, "export", "--to", str(tmp_path / f"{source.name}.coopsync"))
        coopdesk(target, "import", made["path"], "--as", ana)
    conflicts = coopdesk_json(kitchen, "conflicts")
    assert len(conflicts) == 1
    assert {conflicts[0]["current_value"], conflicts[0]["other_value"]} == {"111", "222"}
    resolved = coopdesk_json(kitchen, "conflicts", "--resolve", conflicts[0]["key"])
    assert resolved["value"] == conflicts[0]["other_value"]
    assert coopdesk_json(kitchen, "conflicts") == []
    assert "No conflicts." in coopdesk(kitchen, "conflicts").stdout


def test_preview_changes_nothing_and_describes_the_bundle(tmp_path: Path):
    kitchen, warehouse = tmp_path / "kitchen", tmp_path / "warehouse"
    coopdesk(kitchen, "init", "--coop", "Coop", "--site", "Kitchen", "--member", "Ana")
    invite = coopdesk_json(
        kitchen, "invite", "--site", "Warehouse", "--to", str(tmp_path / "w.coopinvite")
    )
    coopdesk(warehouse, "join", invite["path"], "--passphrase", invite["passphrase"])
    coopdesk(kitchen, "member", "add", "Bea")
    coopdesk(kitchen, "member", "add", "Cai")
    made = coopdesk_json(
        kitchen, "export", "--to", str(tmp_path / "k.coopsync"), "--for", invite["site_id"]
    )
    before = coopdesk(warehouse, "dump").stdout
    preview = coopdesk_json(warehouse, "preview", made["path"])
    assert preview["summary"] == "2 new members"
    assert preview["site_name"] == "Kitchen"
    assert coopdesk(warehouse, "dump").stdout == before


def test_encryption_setting(tmp_path: Path):
    kitchen = tmp_path / "kitchen"
    coopdesk(kitchen, "init", "--coop", "Coop", "--site", "Kitchen", "--member", "Ana")
    coopdesk(kitchen, "member", "add", "Secretive Person", "--phone", "555 999 8888")
    assert coopdesk_json(kitchen, "coop")["encrypt_bundles"] is True
    sealed = coopdesk_json(kitchen, "export", "--to", str(tmp_path / "sealed.coopsync"), "--full")
    assert b"555 999" not in Path(sealed["path"]).read_bytes()
    assert coopdesk_json(kitchen, "coop", "--encrypt-bundles", "off")["encrypt_bundles"] is False
    plain = coopdesk_json(kitchen, "export", "--to", str(tmp_path / "plain.coopsync"), "--full")
    assert plain["encrypted"] is False and sealed["encrypted"] is True


def test_undo_import_takes_the_last_import_back_once(tmp_path: Path):
    kitchen, warehouse = tmp_path / "kitchen", tmp_path / "warehouse"
    coopdesk(kitchen, "init", "--coop", "Coop", "--site", "Kitchen", "--member", "Ana")
    ana = coopdesk_json(kitchen, "member", "list")[0]["id"]
    invite = coopdesk_json(
        kitchen, "invite", "--site", "Warehouse", "--to", str(tmp_path / "w.coopinvite")
    )
    coopdesk(warehouse, "join", invite["path"], "--passphrase", invite["passphrase"])
    coopdesk(warehouse, "member", "add", "Tomás", "--as", ana)
    made = coopdesk_json(warehouse, "export", "--to", str(tmp_path / "week.coopsync"))
    before = coopdesk(kitchen, "dump").stdout
    coopdesk(kitchen, "import", made["path"], "--as", ana)
    assert coopdesk(kitchen, "dump").stdout != before

    can = coopdesk_json(kitchen, "undo-import", "--dry-run")
    assert can["undone"] is False and can["import"]["site_name"] == "Warehouse"
    done = coopdesk_json(kitchen, "undo-import")
    assert done["undone"] is True and done["rows"] >= 1
    assert coopdesk(kitchen, "dump").stdout == before
    again = coopdesk(kitchen, "undo-import", check=False)
    assert again.returncode == 1 and "no import to take back" in again.stdout
