"""``coopdesk role``, ``task``, ``chore`` and ``member pin`` from a script's point of view."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.cli_helpers import coopdesk, coopdesk_json

TODAY = dt.date.today()


@pytest.fixture
def site(tmp_path: Path) -> dict:
    data = tmp_path / "site"
    ana = coopdesk_json(data, "init", "--coop", "C", "--site", "Kitchen", "--member", "Ana")[
        "member_id"
    ]
    ben = coopdesk_json(data, "member", "add", "Ben")["id"]
    return {"data": data, "ana": ana, "ben": ben}


def test_roles_from_the_command_line(site):
    data, ana, ben = site["data"], site["ana"], site["ben"]
    start = TODAY.isoformat()
    role = coopdesk_json(
        data,
        "role",
        "add",
        "Coordinator",
        "--term-days",
        "14",
        "--policy",
        "round-robin",
        "--members",
        f"{ana},{ben}",
        "--mandates",
        "members,roles",
        "--starts",
        start,
    )["id"]
    [listed] = coopdesk_json(data, "role", "list")
    assert listed["id"] == role and listed["current_term"]["holders"] == [ana]
    plan = coopdesk_json(data, "role", "schedule", "--terms", "3")
    assert [t["holders"] for t in plan] == [[ana], [ben], [ana], [ben]]
    assert plan[1]["starts_on"] == (TODAY + dt.timedelta(days=14)).isoformat()
    text = coopdesk(data, "role", "schedule", "--terms", "1").stdout
    assert f"Coordinator  {start}" in text and "Ana" in text

    swapped = coopdesk_json(data, "role", "swap", role, "--term", start, "--out", ana, "--in", ben)
    assert swapped["holders"] == [ben] and swapped["overridden"]
    noted = coopdesk_json(
        data, "role", "handover", role, "--term", start, "--notes", "Keys!", "--as", ben
    )
    assert noted["handover_notes"] == "Keys!"
    # Ben holds the mandate now; Ana, at the keyboard by default, is refused and told who.
    refused = coopdesk(data, "member", "add", "Cleo", check=False)
    assert refused.returncode == 1
    assert "Only this term's Coordinator can do this: Ben" in refused.stderr
    cleo = coopdesk_json(data, "member", "add", "Cleo", "--as", ben)["id"]
    activity = coopdesk(data, "activity").stdout
    assert "Ben used the Coordinator's mandate: added member Cleo" in activity
    dump = json.loads(coopdesk(data, "dump").stdout)
    assert {r["id"] for r in dump["tables"]["member"]} >= {ana, ben, cleo}
    assert len(dump["tables"]["role_term"]) == 1 and len(dump["tables"]["mandate_use"]) == 1


def test_bad_role_input_says_what_is_wrong(site):
    data = site["data"]
    for args, message in (
        (("--term-days", "0", "--members", site["ana"]), "at least one day"),
        (("--term-days", "7"), "Nobody could hold"),
        (("--term-days", "7", "--members", site["ana"], "--mandates", "bank"), "Unknown mandate"),
    ):
        result = coopdesk(data, "role", "add", "Coordinator", *args, check=False)
        assert result.returncode == 1 and message in result.stderr
        assert "Traceback" not in result.stderr
    assert coopdesk_json(data, "role", "list") == []


def test_tasks_and_chores_from_the_command_line(site):
    data, ana, ben = site["data"], site["ana"], site["ben"]
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    task = coopdesk_json(
        data,
        "task",
        "add",
        "Fix the door",
        "--assignee",
        ben,
        "--due",
        yesterday,
        "--priority",
        "3",
    )["id"]
    [listed] = coopdesk_json(data, "task", "list", "--assignee", ben)
    assert listed["id"] == task and listed["overdue"] and listed["assignee_name"] == "Ben"
    assert coopdesk_json(data, "task", "move", task, "--status", "doing")["status"] == "doing"
    done = coopdesk_json(data, "task", "done", task)
    assert done["status"] == "done" and done["done_by"] == ana
    assert coopdesk_json(data, "task", "list", "--status", "todo") == []

    chore = coopdesk_json(
        data,
        "chore",
        "add",
        "Compost",
        "--every-days",
        "7",
        "--strategy",
        "round-robin",
        "--members",
        f"{ana},{ben}",
        "--starts",
        yesterday,
    )["id"]
    made = coopdesk_json(
        data,
        "chore",
        "generate",
        "--until",
        (TODAY + dt.timedelta(days=13)).isoformat(),
        "--since",
        yesterday,
    )
    assert made == {"tasks": 3}
    history = coopdesk_json(data, "chore", "history", chore)
    assert len(history) == 3 and history[0]["due_on"] == yesterday


def test_member_pin(site):
    data, ana = site["data"], site["ana"]
    set_here = coopdesk_json(data, "member", "pin", ana, "--new-pin", "2468")
    assert set_here == {"pin": True, "this_computer_only": True}  # a PIN never travels
    # Changing it again is acting as Ana, who now has a PIN: it is asked for.
    bad = coopdesk(data, "member", "pin", ana, "--new-pin", "12", "--pin", "2468", check=False)
    assert bad.returncode == 1 and "4 to 12 digits" in bad.stderr
    assert coopdesk_json(data, "member", "pin", ana, "--clear", "--pin", "2468") == {"pin": False}
