"""The decision and meeting commands: as a script would run them, every one with --json."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from coopdesk.cli.main import main
from tests.cli_helpers import coopdesk, coopdesk_json

CLOSES = (dt.datetime.now() + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def cli(tmp_path: Path, capsys):
    """Run ``coopdesk`` in this process (quicker than a subprocess): (exit code, out, err)."""
    data = tmp_path / "site"

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(data), *args])
        out, err = capsys.readouterr()
        return code, out, err

    def json_of(*args: str):
        code, out, err = run(*args, "--json")
        assert code == 0, err
        return json.loads(out)

    run.json = json_of  # type: ignore[attr-defined]
    run.data = data  # type: ignore[attr-defined]
    json_of("init", "--coop", "C", "--site", "Kitchen", "--member", "Ana")
    for name in ("Bea", "Cai", "Dee"):
        json_of("member", "add", name)
    return run


def test_a_consent_proposal_from_the_command_line(cli):
    made = cli.json("decision", "add", "Buy a van", "--kind", "consent", "--closes", CLOSES)
    van = made["id"]
    cli.json("decision", "vote", van, "--stance", "consent", "--as", "Bea")
    code, _out, err = cli("decision", "vote", van, "--stance", "object", "--as", "Cai")
    assert code == 1 and "Reason is required" in err and "Traceback" not in err
    cli.json(
        "decision", "vote", van, "--stance", "object", "--reason", "No parking.", "--as", "Cai"
    )
    shown = cli.json("decision", "show", van)
    assert shown["result"]["status"] == "open"
    assert shown["result"]["counts"] == {"consent": 1, "object": 1}
    assert shown["result"]["reasons"] == [
        {"stance": "object", "reason": "No parking.", "member": "Cai"}
    ]
    cli.json("decision", "vote", "Buy a van", "--stance", "consent", "--as", "Cai")  # by title
    closed = cli.json("decision", "close", van, "--outcome", "We buy it.", "--task", "Find a van")
    assert closed["result"]["status"] == "passed" and closed["decision"]["outcome"] == "We buy it."
    tasks = cli.json("task", "list")
    assert [task["title"] for task in tasks] == ["Find a van"]
    assert [d["status"] for d in cli.json("decision", "list", "--closed")] == ["passed"]
    assert cli.json("decision", "list", "--open") == []
    code, out, _err = cli("decision", "show", van)
    assert code == 0 and "Passed · 2 members took part" in out and "Outcome: We buy it." in out


def test_a_secret_ranked_election_hides_its_result_until_it_closes(cli):
    made = cli.json(
        "decision", "add", "Treasurer", "--kind", "ranked", "--secret",
        "--option", "Bea", "--option", "Cai", "--option", "Dee", "--closes", CLOSES,
    )  # fmt: skip
    election = made["id"]
    cli.json("decision", "vote", election, "--choice", "Cai", "Bea", "--as", "Ana")
    cli.json("decision", "vote", election, "--choice", "Bea", "--choice", "Dee", "--as", "Bea")
    cli.json("decision", "vote", election, "--choice", "Dee", "Cai", "--as", "Dee")
    code, _out, err = cli("decision", "vote", election, "--choice", "Cai", "Cai", "--as", "Cai")
    assert code == 1 and "You ranked Cai twice" in err
    shown = cli.json("decision", "show", election)["result"]
    assert shown["hidden"] and shown["tally"] == [] and shown["voters"] == 3
    assert shown["participants"] == ["Ana", "Bea", "Dee"]
    code, out, _err = cli("decision", "show", election)
    assert "results when it closes" in out and "Tally" not in out
    result = cli.json("decision", "close", election)["result"]
    assert not result["hidden"] and result["ballots"] == 3 and len(result["winners"]) == 1
    assert result["ranked"]["rounds"][0]["votes"]
    code, _out, err = cli("decision", "vote", election, "--choice", "Bea", "--as", "Cai")
    assert code == 1 and "no longer taken" in err


def test_bad_input_gets_one_line_and_changes_nothing(cli):
    before = cli("dump")[1]
    for args, message in (
        (("--kind", "consent", "--closes", "2020-01-01T10:00"), "has passed already"),
        (("--kind", "consent", "--closes", CLOSES, "--quorum", "150"), "Quorum 150%"),
        (("--kind", "consent", "--closes", CLOSES, "--opens", "2099-01-01T00:00"), "not after"),
        (("--kind", "single", "--option", "A", "--closes", CLOSES), "at least two options"),
        (("--kind", "consent", "--closes", "tomorrow"), "not a valid date and time"),
    ):
        code, _out, err = cli("decision", "add", "X", *args)
        assert code == 1 and message in err and err.count("\n") == 1, err
    assert cli("dump")[1] == before


def test_meetings_and_a_show_of_hands(cli, tmp_path):
    van = cli.json("decision", "add", "Van", "--kind", "consent", "--closes", CLOSES)["id"]
    made = cli.json(
        "meeting", "add", "Spring assembly", "--date", "2030-03-01T19:00",
        "--facilitator", "Cai", "--item", "Welcome", "--decision", van,
    )  # fmt: skip
    meeting = made["id"]
    cli.json("decision", "hands", van, "consent=12", "object=0", "--meeting", meeting)
    result = cli.json("decision", "show", van)["result"]
    assert result["counts"] == {"consent": 12, "object": 0} and result["hands"] == 12
    notes = tmp_path / "minutes.txt"
    notes.write_text("We agreed to buy a van.\nNext assembly in June.\n", encoding="utf-8")
    shown = cli.json(
        "meeting", "minutes", meeting, "--file", str(notes), "--attended", "Bea,Cai,Dee"
    )
    assert shown["minutes"].startswith("We agreed") and shown["attendee_names"] == [
        "Bea",
        "Cai",
        "Dee",
    ]
    assert [item["title"] for item in shown["agenda"]] == ["Welcome", "Van"]
    code, out, _err = cli("meeting", "show", meeting)
    assert code == 0
    assert "Facilitator: Cai" in out and "2. Van" in out and "Next assembly in June." in out
    assert [m["id"] for m in cli.json("meeting", "show")] == [meeting]


def test_a_meeting_time_poll_exports_its_winner(cli, tmp_path):
    made = cli.json(
        "decision", "add", "When", "--kind", "meeting",
        "--option", "2030-05-01T18:00", "--option", "2030-05-02T18:00", "--closes", CLOSES,
    )  # fmt: skip
    poll = made["id"]
    cli.json("decision", "vote", poll, "--choice", "2030-05-02T18:00=yes", "1=maybe", "--as", "Bea")
    target = tmp_path / "when.ics"
    cli.json("decision", "ics", poll, "--to", str(target))
    assert "DTSTART:20300502T180000" in target.read_text()


def test_the_real_command_prints_the_id_and_lists_decisions(tmp_path: Path):
    data = tmp_path / "site"
    coopdesk_json(data, "init", "--coop", "C", "--site", "Kitchen", "--member", "Ana")
    made = coopdesk(
        data,
        "decision",
        "add",
        "Paint the door",
        "--kind",
        "single",
        "--option",
        "Red",
        "--option",
        "Blue",
        "--closes",
        CLOSES,
    )
    decision_id = made.stdout.strip()
    assert len(decision_id) == 36
    coopdesk(data, "decision", "vote", decision_id, "--choice", "Blue")
    listed = coopdesk_json(data, "decision", "list")
    assert [(d["id"], d["status"], d["voters"]) for d in listed] == [(decision_id, "open", 1)]
