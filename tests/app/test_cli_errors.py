"""Errors on the command line: one line for people, ``{"error", "code"}`` for scripts, and
names that start with "-"."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from coopdesk.base import errors
from coopdesk.base.files import OutputError
from coopdesk.cli import coop as cli_coop
from coopdesk.cli import main as cli_main
from coopdesk.coop.pins import PinLockedError
from coopdesk.inventory.stock import WouldGoNegative
from coopdesk.inventory.transfers import AlreadyReceivedError
from coopdesk.roles.mandates import MandateRequiredError
from coopdesk.sync import bundle
from coopdesk.sync.invite import InvitationError
from tests.cli_helpers import coopdesk, coopdesk_json


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    coopdesk(site, "init", "--coop", "Coop", "--site", "Kitchen", "--member", "Ana")
    return site


def error_of(result) -> dict:
    assert result.returncode != 0
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    return json.loads(line)


def test_with_json_errors_are_json_on_stderr_with_a_code(site: Path, tmp_path: Path):
    missing = error_of(coopdesk(site, "--json", "member", "show", "nobody", check=False))
    assert missing == {"error": "There is no member with id nobody.", "code": "not_found"}
    # --json after the command counts too.
    no_store = error_of(coopdesk(tmp_path / "none", "member", "list", "--json", check=False))
    assert no_store["code"] == "no_store" and "coopdesk init" in no_store["error"]
    invalid = error_of(coopdesk(site, "--json", "item", "add", "Rice", "--unit", "", check=False))
    assert invalid["code"] == "invalid"
    nowhere = error_of(
        coopdesk(site, "--json", "shift", "ics", "--to", str(tmp_path / "no/x.ics"), check=False)
    )
    assert nowhere["code"] == "folder_missing"
    usage = error_of(coopdesk(site, "--json", "member", "show", check=False))
    assert usage["code"] == "usage" and "required" in usage["error"]


def test_without_json_errors_stay_one_plain_line(site: Path):
    result = coopdesk(site, "member", "show", "nobody", check=False)
    assert result.returncode == 1
    assert result.stderr == "coopdesk: There is no member with id nobody.\n"


def test_a_busy_store_blames_another_program(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """Any program holding the store's lock (a backup tool, sqlite3) makes it busy."""

    def busy(_args):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(cli_coop, "cmd_activity", busy)
    assert cli_main.main(["--data-dir", str(site), "activity"]) == 1
    assert capsys.readouterr().err == (
        "coopdesk: the store is busy (another program is using it); try again in a moment.\n"
    )
    assert cli_main.main(["--data-dir", str(site), "--json", "activity"]) == 1
    assert json.loads(capsys.readouterr().err)["code"] == "store_busy"


def test_error_codes_are_stable_english_words():
    """Scripts test these: renaming an error class must not change its code silently."""
    codes = {
        errors.CoopDeskError: "error",
        errors.NoStoreError: "no_store",
        errors.StoreExistsError: "store_exists",
        errors.NewerStoreError: "newer_store",
        errors.NotAStoreError: "not_a_store",
        errors.ValidationError: "invalid",
        errors.NotFoundError: "not_found",
        errors.NoAuthorError: "no_author",
        MandateRequiredError: "mandate_required",
        PinLockedError: "pin_locked",
        WouldGoNegative: "would_go_negative",
        AlreadyReceivedError: "already_received",
        InvitationError: "invitation",
        bundle.BundleSignatureError: "bundle_signature",
        bundle.BundleUncertifiedError: "bundle_uncertified",
        bundle.BundleNewerError: "bundle_newer",
    }
    assert {cls: cls.code for cls in codes} == codes
    assert OutputError("x", "disk_full").code == "disk_full"


def test_an_item_name_may_start_with_a_dash(site: Path):
    made = coopdesk_json(site, "item", "add", "-2+3", "--unit", "kg")
    also = json.loads(
        coopdesk(site, "--json", "item", "add", "--unit", "kg", "--", "-5 bags").stdout
    )
    spaced = coopdesk_json(site, "item", "add", "-1 tin", "--unit", "tin")
    names = {item["id"]: item["name"] for item in coopdesk_json(site, "item", "list")}
    assert names[made["id"]] == "-2+3"
    assert names[also["id"]] == "-5 bags"
    assert names[spaced["id"]] == "-1 tin"
    member = coopdesk(site, "member", "add", "-Zoé-").stdout.strip()
    assert coopdesk_json(site, "member", "show", member)["name"] == "-Zoé-"
    # An option that does not exist is still an error, not a name.
    wrong = coopdesk(site, "item", "add", "Rice", "--unit", "kg", "--colour", "red", check=False)
    assert wrong.returncode == 2 and "unrecognized arguments: --colour red" in wrong.stderr
    forgotten = coopdesk(site, "item", "add", "--unit", "kg", check=False)
    assert forgotten.returncode == 2 and "NAME" in forgotten.stderr
    assert "-2+3" in coopdesk(site, "item", "add", "--help").stdout
