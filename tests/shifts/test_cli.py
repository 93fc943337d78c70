"""The shift commands, run as a script would run them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from icalendar import Calendar

from tests.cli_helpers import coopdesk, coopdesk_json

DAY = dt.date.today() + dt.timedelta(days=3)


def test_shift_commands_end_to_end(tmp_path: Path):
    data = tmp_path / "site"
    ana = coopdesk_json(data, "init", "--coop", "C", "--site", "Kitchen", "--member", "Ana")[
        "member_id"
    ]
    bo = coopdesk_json(data, "member", "add", "Bo")["id"]
    start, end = f"{DAY}T18:00", f"{DAY}T21:00"
    shift_id = coopdesk(
        data, "shift", "add", "--title", "Meal", "--start", start, "--end", end, "--capacity", "1"
    ).stdout.strip()
    view = coopdesk_json(data, "shift", "signup", shift_id, "Bo")
    assert [s["member_id"] for s in view["confirmed"]] == [bo]

    full = coopdesk(data, "shift", "signup", shift_id, ana, check=False)
    assert full.returncode == 1 and "full" in full.stderr and "Traceback" not in full.stderr
    coopdesk(data, "shift", "signup", shift_id, ana, "--waitlist")

    listed = coopdesk_json(
        data, "shift", "list", "--from", str(DAY), "--to", str(DAY + dt.timedelta(days=1))
    )
    assert [(s["id"], s["status"]) for s in listed] == [(shift_id, "overbooked")]
    assert [s["member_name"] for s in listed[0]["waiting"]] == ["Ana"]
    text = coopdesk(data, "shift", "list", "--from", str(DAY)).stdout
    assert "overbooked" in text and "waiting:   Ana" in text
    assert coopdesk_json(data, "shift", "list")[0]["id"] == shift_id  # default: next 7 days

    coopdesk(data, "shift", "cancel", shift_id, "Bo")
    assert coopdesk_json(data, "shift", "show", shift_id)["status"] == "full"
    early = coopdesk(data, "shift", "attend", shift_id, ana, "--status", "attended", check=False)
    assert early.returncode == 1 and "has not started" in early.stderr

    bad = coopdesk(
        data,
        "shift",
        "add",
        "--title",
        "X",
        "--start",
        end,
        "--end",
        start,
        "--capacity",
        "1",
        check=False,
    )
    assert bad.returncode == 1 and "before it starts" in bad.stderr
    zero = coopdesk(
        data,
        "shift",
        "add",
        "--title",
        "X",
        "--start",
        start,
        "--end",
        end,
        "--capacity",
        "0",
        check=False,
    )
    assert zero.returncode == 1 and "at least one person" in zero.stderr

    dump = coopdesk_json(data, "dump")
    assert {row["id"] for row in dump["tables"]["shift"]} == {shift_id}
    assert len(dump["tables"]["shift_signup"]) == 2

    ics = tmp_path / "ana.ics"
    coopdesk(data, "shift", "ics", "--to", str(ics), "--member", "Ana")
    assert [str(e["SUMMARY"]) for e in Calendar.from_ical(ics.read_bytes()).walk("VEVENT")] == [
        "Meal"
    ]


def test_templates_generation_duty_and_balance(tmp_path: Path):
    data = tmp_path / "site"
    coopdesk(data, "init", "--coop", "C", "--site", "Kitchen", "--member", "Ana")
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday()) + dt.timedelta(weeks=1)
    template = coopdesk(
        data,
        "shift",
        "template",
        "add",
        "--title",
        "Meal",
        "--weekday",
        "Tuesday",
        "--start-time",
        "18:00",
        "--cycle-weeks",
        "4",
        "--week",
        "B",
        "--cycle-start",
        str(monday),
    ).stdout.strip()
    coopdesk(data, "shift", "template", "standing", template, "Ana", "--since", str(monday))
    listed = coopdesk_json(data, "shift", "template", "list")
    assert listed[0]["label"] == "Week B, Tuesday 18:00"
    made = coopdesk_json(
        data,
        "shift",
        "generate",
        "--from",
        str(monday),
        "--to",
        str(monday + dt.timedelta(weeks=8)),
    )
    assert made["created"] == 2
    again = coopdesk(
        data,
        "shift",
        "generate",
        "--from",
        str(monday),
        "--to",
        str(monday + dt.timedelta(weeks=8)),
    )
    assert "Made 0 shifts" in again.stdout

    coopdesk(
        data,
        "shift",
        "duty",
        "--minutes",
        "180",
        "--period-days",
        "28",
        "--from",
        str(monday - dt.timedelta(days=28)),  # one period over: 3 hours owed
    )
    balances = coopdesk_json(data, "member", "balance", "--on", str(monday + dt.timedelta(days=1)))
    assert [(b["name"], b["owed_minutes"], b["status"]) for b in balances] == [
        ("Ana", 180, "alert")
    ]
    coopdesk(
        data,
        "shift",
        "leave",
        "add",
        "Ana",
        "--from",
        str(monday),
        "--to",
        str(monday + dt.timedelta(days=3)),
    )
    text = coopdesk(data, "member", "balance", "--on", str(monday + dt.timedelta(days=1))).stdout
    assert "Ana:" in text and "on leave" in text


def test_the_rota_is_saved_as_a_pdf_from_a_script(tmp_path: Path):
    data = tmp_path / "site"
    coopdesk(data, "init", "--coop", "C", "--site", "Kitchen", "--member", "Ana")
    day = dt.date.today() + dt.timedelta(days=8)
    coopdesk(
        data, "shift", "add", "--title", "Bread run", "--start", f"{day}T09:00",
        "--end", f"{day}T11:00", "--capacity", "2",
    )  # fmt: skip
    pdf = tmp_path / "rota"
    saved = coopdesk_json(data, "shift", "rota", "--week", str(day), "--pdf", str(pdf))
    assert saved["shifts"] == 1 and saved["path"] == str(pdf.with_suffix(".pdf"))
    assert pdf.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    refused = coopdesk(
        data, "shift", "rota", "--pdf", str(tmp_path / "none" / "r.pdf"), check=False
    )
    assert refused.returncode != 0 and "does not exist" in refused.stderr
