"""``coopdesk`` commands about the store itself: init, demo, dump, check, --version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coopdesk import __version__
from coopdesk.cli.main import build_parser, command_named
from tests.cli_helpers import coopdesk, coopdesk_json


def test_version():
    result = subprocess.run(
        [sys.executable, "-m", "coopdesk", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"CoopDesk {__version__}"


def test_init_makes_a_store_and_refuses_a_second_time(tmp_path: Path):
    site = tmp_path / "site"
    made = coopdesk_json(site, "init", "--coop", "Coop", "--site", "Kitchen", "--member", "Ana")
    assert Path(made["path"]) == site / "coopdesk.sqlite3"
    again = coopdesk(site, "init", "--coop", "X", "--site", "Y", "--member", "Z", check=False)
    assert again.returncode == 1
    assert "already a CoopDesk store" in again.stderr
    assert coopdesk_json(site, "dump")["tables"]["coop"][0]["name"] == "Coop"


def test_data_dir_option_beats_the_environment(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    coopdesk(
        tmp_path / "env",
        "--data-dir",
        str(elsewhere),
        "init",
        "--coop",
        "C",
        "--site",
        "S",
        "--member",
        "M",
    )
    assert (elsewhere / "coopdesk.sqlite3").exists()
    assert not (tmp_path / "env").exists()


def test_commands_without_a_store_say_what_to_do(tmp_path: Path):
    result = coopdesk(tmp_path / "none", "member", "list", check=False)
    assert result.returncode == 1
    assert "coopdesk init" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_dump_and_check(tmp_path: Path):
    site = tmp_path / "demo"
    made = coopdesk_json(site, "demo")
    assert made["members"] >= 30
    dump = coopdesk(site, "dump").stdout
    assert dump == coopdesk(site, "dump").stdout
    assert "Riverside Food Coop" in dump
    assert coopdesk_json(site, "check") == {"ok": True, "problems": []}


def test_check_fails_on_a_damaged_store(tmp_path: Path):
    site = tmp_path / "site"
    coopdesk(site, "init", "--coop", "C", "--site", "S", "--member", "M")
    import sqlite3

    conn = sqlite3.connect(site / "coopdesk.sqlite3")
    conn.execute("DELETE FROM _change")
    conn.commit()
    conn.close()
    result = coopdesk(site, "check", check=False)
    assert result.returncode == 1
    assert "problem:" in result.stdout


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        ([], None),
        (["--json"], None),
        (["--data-dir", "shift", "--json"], None),  # a folder called "shift"
        (["--json", "--as", "Ana", "stock", "list"], "stock"),
        (["member", "balance", "--json"], "member"),
    ],
)
def test_the_command_word_is_found_among_the_options(argv, command):
    assert command_named(argv) == command


def test_opening_the_app_builds_no_feature_commands_but_help_shows_them_all():
    """The app starts through the same parser: it need not build every command's parser."""
    with pytest.raises(SystemExit):
        build_parser([]).parse_args(["shift", "list"])
    assert build_parser(["stock", "list"]).parse_args(["stock", "list"]).handler
    assert build_parser(["member"]).parse_args(["member", "balance"]).handler
    usage = build_parser(["--help"]).format_help()
    for name in ("shift", "role", "task", "chore", "item", "stock"):
        assert f"    {name} " in usage, name
