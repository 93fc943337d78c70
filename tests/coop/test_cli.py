"""``coopdesk member ...``: the same member functions as the window, for scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_helpers import coopdesk, coopdesk_json


@pytest.fixture
def site(tmp_path: Path) -> Path:
    data_dir = tmp_path / "site"
    coopdesk(data_dir, "init", "--coop", "Test Coop", "--site", "Kitchen", "--member", "Ana")
    return data_dir


def test_add_prints_the_new_id_and_list_shows_the_member(site: Path):
    new_id = coopdesk(
        site,
        "member",
        "add",
        "Tomás Ruiz",
        "--email",
        "t@example.org",
        "--skills",
        "cooking,driving",
    ).stdout.strip()
    assert len(new_id) == 36
    listed = coopdesk_json(site, "member", "list")
    tomas = next(m for m in listed if m["id"] == new_id)
    assert tomas["name"] == "Tomás Ruiz"
    assert tomas["skills"] == ["cooking", "driving"]
    assert "Tomás Ruiz" in coopdesk(site, "member", "list").stdout


def test_changes_are_attributed_to_the_init_member_or_to_as(site: Path):
    ana = coopdesk_json(site, "member", "list")[0]["id"]
    bea = coopdesk(site, "member", "add", "Bea").stdout.strip()
    coopdesk(site, "member", "add", "Cai", "--as", bea)
    log = coopdesk_json(site, "activity")
    assert log[0]["author_id"] == bea and log[0]["label"] == "Cai"
    assert log[1]["author_id"] == ana and log[1]["label"] == "Bea"


def test_archive_restore_and_edit(site: Path):
    bea = coopdesk(site, "member", "add", "Bea").stdout.strip()
    archived = coopdesk_json(site, "member", "archive", bea)
    assert archived["archived"] is True
    assert bea not in [m["id"] for m in coopdesk_json(site, "member", "list")]
    assert bea in [m["id"] for m in coopdesk_json(site, "member", "list", "--archived")]
    coopdesk(site, "member", "restore", bea)
    edited = coopdesk_json(site, "member", "edit", bea, "--phone", "555 0101")
    assert edited["changed"] == ["phone"]
    assert coopdesk_json(site, "member", "show", bea)["phone"] == "555 0101"


def test_search(site: Path):
    coopdesk(site, "member", "add", "Zoë Adeyemi")
    found = coopdesk_json(site, "member", "list", "--search", "zoe")
    assert [m["name"] for m in found] == ["Zoë Adeyemi"]


def test_bad_input_is_one_clear_line_and_a_non_zero_exit(site: Path):
    result = coopdesk(site, "member", "add", "Bea", "--email", "nope", check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "coopdesk: Email 'nope' does not look like an email address."
    ]
    missing = coopdesk(site, "member", "archive", "no-such-id", check=False)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert "no member" in missing.stderr
    unknown_author = coopdesk(site, "member", "add", "Bea", "--as", "nobody", check=False)
    assert unknown_author.returncode == 1 and "--as nobody" in unknown_author.stderr
    assert [m["name"] for m in coopdesk_json(site, "member", "list")] == ["Ana"]
