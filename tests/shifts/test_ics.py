"""iCalendar export: what phones' and computers' calendar programs read back.

Every file is read with three parsers: icalendar (what writes it), vobject and ics-py (what
other programs use), so a calendar that only our own library accepts would fail here.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from zoneinfo import ZoneInfo

import ics
import pytest
import vobject
from icalendar import Calendar

from coopdesk.base.errors import ValidationError
from coopdesk.base.files import OutputError
from coopdesk.coop import coop as coop_module
from coopdesk.coop.coop import update_settings
from coopdesk.coop.members import add_member
from coopdesk.shifts import shifts
from coopdesk.shifts.ics import export_ics
from coopdesk.shifts.templates import add_shift_type
from coopdesk.store.store import Store
from tests.sync_helpers import Federation, fast_tmp_root

DAY = dt.date.today() + dt.timedelta(days=10)
START = dt.datetime.combine(DAY, dt.time(18))
WEEK = {"start": DAY, "end": DAY + dt.timedelta(days=7)}


@pytest.fixture(autouse=True)
def _computer_in_berlin(monkeypatch: pytest.MonkeyPatch) -> None:
    """The computer's own zone, whatever the machine running the tests says."""
    monkeypatch.setattr(coop_module, "local_time_zone", lambda: "Europe/Berlin")


def parse_everywhere(data: bytes) -> Calendar:
    """The calendar as icalendar reads it, after checking vobject and ics-py read it too."""
    text = data.decode("utf-8")
    events = Calendar.from_ical(data).walk("VEVENT")
    vcal = vobject.readOne(text)
    assert len(getattr(vcal, "vevent_list", [])) == len(events)
    assert len(ics.Calendar(text).events) == len(events)
    return Calendar.from_ical(data)


def write(store: Store, path: Path, **options) -> Calendar:
    written = export_ics(store, path, **{**WEEK, **options})
    assert written.path == path
    return parse_everywhere(path.read_bytes())


def events_by_uid(calendar: Calendar) -> dict[str, dict]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def meal(store: Store, ana: str) -> str:
    return shifts.add_shift(
        store,
        ana,
        title="Tuesday meal",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=3),
        capacity=1,
        site_id=store.site_id,
        description="Soup for 40",
    )


def test_events_carry_uid_zoned_times_location_and_who_is_on_it(
    store: Store, ana: str, meal: str, tmp_path: Path
):
    bo = add_member(store, ana, "Bo")
    desk = shifts.add_shift(
        store,
        ana,
        title="Front desk",
        starts_at=START + dt.timedelta(days=1),
        ends_at=START + dt.timedelta(days=1, hours=2),
        capacity=2,
    )
    shifts.sign_up(store, ana, meal, bo)
    shifts.sign_up(store, ana, meal, ana, allow_waitlist=True)
    shifts.sign_up(store, ana, desk, ana)

    calendar = write(store, tmp_path / "all.ics")
    assert str(calendar["X-WR-CALNAME"]) == "Test Coop: shifts"
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Tuesday meal", "Front desk"]
    first = events[0]
    assert str(first["UID"]) == f"{meal}@coopdesk"
    berlin = ZoneInfo("Europe/Berlin")
    assert first.decoded("DTSTART") == START.replace(tzinfo=berlin)
    assert first["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert first.decoded("DTEND") == (START + dt.timedelta(hours=3)).replace(tzinfo=berlin)
    assert str(first["LOCATION"]) == "Kitchen"
    description = str(first["DESCRIPTION"])
    assert "Soup for 40" in description
    assert "On this shift (1 of 1): Bo" in description
    assert "Waiting: Ana" in description
    zones = calendar.walk("VTIMEZONE")
    assert [str(zone["TZID"]) for zone in zones] == ["Europe/Berlin"]

    mine = write(store, tmp_path / "mine.ics", member_id=ana)
    assert "Ana" in str(mine["X-WR-CALNAME"])
    statuses = {str(e["SUMMARY"]): str(e["STATUS"]) for e in mine.walk("VEVENT")}
    # Ana waits for a place on the meal: tentative on her calendar; the desk is hers.
    assert statuses == {"Tuesday meal": "TENTATIVE", "Front desk": "CONFIRMED"}
    assert sorted(p.name for p in tmp_path.glob("*.ics*")) == ["all.ics", "mine.ics"]
    assert not list(tmp_path.glob(".*"))  # no temporary file left


def test_a_phone_in_another_zone_shows_the_coops_hour(store: Store, ana: str, tmp_path: Path):
    """A coop in Mexico City: 18:00 there is 00:00 UTC the next day, whatever the phone says."""
    update_settings(store, ana, time_zone="America/Mexico_City")
    shifts.add_shift(
        store, ana, title="Meal", starts_at=START, ends_at=START + dt.timedelta(hours=2), capacity=1
    )
    path = tmp_path / "coop.ics"
    export_ics(store, path, **WEEK)
    text = path.read_text()
    assert "TZID:America/Mexico_City" in text  # the VTIMEZONE travels with the file
    vevent = vobject.readOne(text).vevent
    assert vevent.dtstart.value.utcoffset() == dt.timedelta(hours=-6)
    expected_utc = START.replace(tzinfo=ZoneInfo("America/Mexico_City")).astimezone(dt.UTC)
    assert vevent.dtstart.value.astimezone(dt.UTC) == expected_utc
    tokyo = ZoneInfo("Asia/Tokyo")
    (event,) = ics.Calendar(text).events
    assert event.begin.datetime.astimezone(tokyo) == expected_utc.astimezone(tokyo)


def test_the_time_zone_setting_is_checked_and_defaults_to_the_computers(
    store: Store, ana: str, meal: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    with pytest.raises(ValidationError, match="not a time zone"):
        update_settings(store, ana, time_zone="Mars/Olympus_Mons")
    assert coop_module.coop_time_zone(store) == "Europe/Berlin"  # no setting: this computer's
    update_settings(store, ana, time_zone="Asia/Kolkata")
    assert coop_module.coop_time_zone(store) == "Asia/Kolkata"
    update_settings(store, ana, time_zone="local")
    assert store.get("coop", store.coop_id)["time_zone"] == ""
    # A computer that cannot tell its zone: floating times, still a valid calendar.
    monkeypatch.setattr(coop_module, "local_time_zone", lambda: None)
    calendar = write(store, tmp_path / "floating.ics")
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == START
    assert event.decoded("DTSTART").tzinfo is None


def test_cancelled_shifts_and_sign_ups_stay_in_the_calendar_marked_cancelled(
    store: Store, ana: str, meal: str, tmp_path: Path
):
    bo = add_member(store, ana, "Bo")
    later = shifts.add_shift(
        store,
        ana,
        title="Deep clean",
        starts_at=START + dt.timedelta(days=2),
        ends_at=START + dt.timedelta(days=2, hours=2),
        capacity=3,
    )
    shifts.sign_up(store, ana, meal, bo)
    shifts.sign_up(store, ana, later, bo)
    before = events_by_uid(write(store, tmp_path / "bo.ics", member_id=bo))
    meal_uid, later_uid = f"{meal}@coopdesk", f"{later}@coopdesk"
    assert {uid: str(e["STATUS"]) for uid, e in before.items()} == {
        meal_uid: "CONFIRMED",
        later_uid: "CONFIRMED",
    }

    shifts.cancel_signup(store, ana, meal, bo)  # Bo cannot come after all
    shifts.cancel_shift(store, ana, later)  # and the clean is called off
    after = events_by_uid(write(store, tmp_path / "bo.ics", member_id=bo))
    assert {uid: str(e["STATUS"]) for uid, e in after.items()} == {
        meal_uid: "CANCELLED",
        later_uid: "CANCELLED",
    }
    for uid in (meal_uid, later_uid):  # so calendar apps take the newer version
        assert int(after[uid]["SEQUENCE"]) > int(before[uid]["SEQUENCE"])
        assert after[uid].decoded("LAST-MODIFIED") >= before[uid].decoded("LAST-MODIFIED")
        assert after[uid].decoded("DTSTAMP") == after[uid].decoded("LAST-MODIFIED")
    # The coop's calendar: the meal still happens; the clean is cancelled.
    coop = events_by_uid(write(store, tmp_path / "all.ics"))
    assert str(coop[meal_uid]["STATUS"]) == "CONFIRMED"
    assert str(coop[later_uid]["STATUS"]) == "CANCELLED"
    assert "was cancelled" in str(coop[later_uid]["DESCRIPTION"])

    # Nothing changed since: a re-export is the same file, byte for byte.
    first = (tmp_path / "all.ics").read_bytes()
    export_ics(store, tmp_path / "again.ics", **WEEK)
    assert (tmp_path / "again.ics").read_bytes() == first


def test_every_site_writes_the_same_sequence_and_last_modified():
    federation = Federation.create(fast_tmp_root(), ["Kitchen", "Warehouse"])
    try:
        kitchen, warehouse, ana = federation["Kitchen"], federation["Warehouse"], federation.ana
        meal = shifts.add_shift(
            kitchen, ana, title="Meal", starts_at=START, ends_at=START.replace(hour=21), capacity=2
        )
        shifts.sign_up(kitchen, ana, meal, ana)
        federation.sync_all()
        shifts.edit_shift(warehouse, ana, meal, notes="Bring aprons")
        shifts.cancel_signup(kitchen, ana, meal, ana)
        federation.sync_all()
        texts = []
        for store in (kitchen, warehouse):
            path = federation.root / f"{store.site_id}.ics"
            export_ics(store, path, member_id=ana, **WEEK)
            texts.append(path.read_bytes())
            (event,) = parse_everywhere(path.read_bytes()).walk("VEVENT")
            assert int(event["SEQUENCE"]) == 3  # sign-up, notes, cancelled sign-up
            assert str(event["STATUS"]) == "CANCELLED"
        assert texts[0] == texts[1]
    finally:
        federation.close()


def test_a_member_with_no_shifts_gets_a_valid_calendar(store: Store, ana: str, tmp_path: Path):
    path = tmp_path / "nothing.ics"
    written = export_ics(store, path, member_id=ana, **WEEK)
    assert written.count == 0
    data = path.read_bytes()
    calendar = parse_everywhere(data)
    assert calendar.walk("VEVENT") == []
    # RFC 5545 3.4: at least one component; the coop's VTIMEZONE is it.
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")


def test_a_calendar_per_site_and_per_shift_type(store: Store, ana: str, meal: str, tmp_path: Path):
    from coopdesk.coop.coop import add_site

    market = add_site(store, ana, "Market Hall")
    clean = add_shift_type(store, ana, title="Deep clean", duration_minutes=120)
    shifts.add_shift(
        store,
        ana,
        title="Market clean",
        starts_at=START + dt.timedelta(days=1),
        ends_at=START + dt.timedelta(days=1, hours=2),
        capacity=2,
        site_id=market,
        shift_type_id=clean,
    )
    at_market = write(store, tmp_path / "market.ics", site_id=market)
    assert str(at_market["X-WR-CALNAME"]) == "Test Coop: shifts at Market Hall"
    assert [str(e["SUMMARY"]) for e in at_market.walk("VEVENT")] == ["Market clean"]
    kitchen = write(store, tmp_path / "kitchen.ics", site_id=store.site_id)
    assert [str(e["SUMMARY"]) for e in kitchen.walk("VEVENT")] == ["Tuesday meal"]
    cleans = write(store, tmp_path / "cleans.ics", shift_type_id=clean)
    assert str(cleans["X-WR-CALNAME"]) == "Test Coop: Deep clean"
    assert [str(e["SUMMARY"]) for e in cleans.walk("VEVENT")] == ["Market clean"]
    # A folder gets the calendar's name.
    folder = tmp_path / "stick"
    folder.mkdir()
    written = export_ics(store, folder, site_id=market, **WEEK)
    assert written.path == folder / "Test-Coop-shifts-at-Market-Hall.ics"


def test_the_file_follows_the_umask_and_the_folder_must_exist(
    store: Store, ana: str, meal: str, tmp_path: Path
):
    old = os.umask(0o027)
    try:
        export_ics(store, tmp_path / "mine.ics", **WEEK)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "mine.ics").stat().st_mode) == 0o640
    with pytest.raises(OutputError, match="does not exist") as refused:
        export_ics(store, tmp_path / "missing" / "x.ics", **WEEK)
    assert refused.value.code == "folder_missing"
    assert not (tmp_path / "missing").exists()  # no folder is created either
