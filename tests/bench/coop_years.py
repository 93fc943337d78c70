"""A coop with years of history, built through the core functions (for bench_years).

300 members at three sites, 30 weekly shift templates (ten per site), about 40 stock
movements a day, weekly chores, a few rotating roles, a decision a month, members on leave
and members coming and going. Every change is made the way a person makes it: one core
call (``sign_up``, ``record_attendance``, ``move``, ...), one transaction, with the time it
happened (``now=``, ``when=``) and the site's clock running at that simulated time. The
history ends today, with the next four weeks of shifts already generated and partly filled.

All of it is made at the founding site (one origin): the other two sites are joined from it
by the benchmark. Building through the write path is slow (about a millisecond a change);
``cached_coop`` keeps the result between runs.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import time
from pathlib import Path

from coopdesk.coop.coop import add_site, start_coop
from coopdesk.coop.demo import DOMAINS, FIRST_NAMES, LAST_NAMES, SKILLS
from coopdesk.coop.leave import add_leave
from coopdesk.coop.members import add_member, archive_member
from coopdesk.decisions.ballots import vote
from coopdesk.decisions.decisions import add_decision
from coopdesk.inventory.items import add_item, set_minimum
from coopdesk.inventory.stock import move
from coopdesk.roles.roles import add_role
from coopdesk.shifts.duty import set_duty_rule
from coopdesk.shifts.shifts import record_attendance, sign_up
from coopdesk.shifts.templates import (
    add_shift_type,
    add_standing_member,
    add_template,
    generate_shifts,
)
from coopdesk.store.ids import fold
from coopdesk.store.migrations import SCHEMA_VERSION
from coopdesk.store.store import Store
from coopdesk.sync.invite import site_secrets
from coopdesk.tasks.chores import add_chore, generate_chore_tasks
from coopdesk.tasks.tasks import complete_task

BUILD_VERSION = 1  # bump when the builder changes what it makes
MEMBERS = 300
TEMPLATES_PER_SITE = 10
MOVES_PER_DAY = 40
ITEMS = 150
AHEAD_WEEKS = 4  # shifts are generated this far ahead
SEED = 1936

SITE_NAMES = ("Kitchen", "Warehouse", "Market")
TITLES = ("Shop opening", "Community meal", "Warehouse sort", "Delivery run", "Front desk")
UNITS = (("kg", 3), ("l", 1), ("piece", 0))
CHORES = ("Clean the fridge", "Take out compost", "Mop the floor", "Check the first-aid kit")


class SimulatedClock:
    """The wall clock the store's hybrid clock reads while history is being made."""

    def __init__(self) -> None:
        # Before any coop's first day: the 30-year coop starts in the 1990s, and a clock
        # that began in 2000 called every shift of its first years "in the past".
        self.moment = dt.datetime(1971, 1, 1)

    def set(self, moment: dt.datetime) -> None:
        self.moment = max(self.moment, moment)

    def ms(self) -> int:
        return int(self.moment.timestamp() * 1000)


class Builder:
    def __init__(self, data_dir: Path, years: int) -> None:
        self.rng = random.Random(SEED + years)
        self.today = dt.date.today()
        first = self.today - dt.timedelta(days=round(years * 365.25))
        self.first_day = first - dt.timedelta(days=first.weekday())  # a Monday
        self.clock = SimulatedClock()
        self.clock.set(dt.datetime.combine(self.first_day, dt.time(9)))
        self.store = start_coop(data_dir, "Years Coop", SITE_NAMES[0], "Ana Okafor", self.clock.ms)
        # Only speeds the build up (no fsync per commit); the data written is the same.
        self.store.conn.execute("PRAGMA synchronous = OFF")
        self.founder = str(self.store.local_get("default_member_id"))
        self.sites = [self.store.site_id]
        self.sites += [add_site(self.store, self.founder, name) for name in SITE_NAMES[1:]]
        self.members: list[str] = [self.founder]
        self.standing: set[str] = set()
        self.items: list[tuple[str, int]] = []  # (id, scale)
        self.stock: dict[tuple[str, str], int] = {}
        self.serial = 0

    # -- the coop as it starts ------------------------------------------------------------

    def _member(self) -> str:
        rng = self.rng
        self.serial += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        handle = fold(first).replace(" ", "")
        return add_member(
            self.store,
            self.founder,
            f"{first} {last}",
            email=f"{handle}.{self.serial}@{rng.choice(DOMAINS)}" if rng.random() < 0.8 else "",
            phone=f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            skills=rng.sample(SKILLS, rng.randint(0, 2)),
            home_site_id=rng.choice(self.sites),
        )

    def start(self) -> None:
        store, founder, rng = self.store, self.founder, self.rng
        self.members += [self._member() for _ in range(MEMBERS - 1)]
        set_duty_rule(store, founder, minutes=180, period_days=28, duty_from=self.first_day)
        for number in range(ITEMS):
            unit, decimals = UNITS[number % len(UNITS)]
            item = add_item(
                store,
                founder,
                f"Item {number:03d}",
                unit=unit,
                decimals=decimals,
                minimum=rng.randint(0, 20),
                category=f"Category {number % 9}",
            )
            self.items.append((item, 10**decimals))
            if number % 10 == 0:
                set_minimum(store, founder, item, rng.choice(self.sites[1:]), rng.randint(1, 9))
        for site_index, site_id in enumerate(self.sites):
            kind = add_shift_type(
                store, founder, title=f"{SITE_NAMES[site_index]} shift", site_id=site_id
            )
            for number in range(TEMPLATES_PER_SITE):
                template = add_template(
                    store,
                    founder,
                    title=f"{rng.choice(TITLES)} {number + 1}",
                    weekday=number % 7,
                    start_time=f"{8 + 3 * (number % 4):02d}:00",
                    duration_minutes=180,
                    capacity=rng.choice((2, 3, 3, 4)),
                    cycle_start=self.first_day,
                    site_id=site_id,
                    shift_type_id=kind,
                )
                if number % 2 == 0:
                    member = rng.choice(self.members[1:])
                    self.standing.add(member)
                    add_standing_member(
                        store,
                        founder,
                        template,
                        member,
                        since=self.first_day,
                        now=self.clock.moment,
                    )
        for title in CHORES:
            add_chore(
                store,
                founder,
                title,
                every_days=7,
                strategy="round-robin",
                member_ids=rng.sample(self.members, 12),
                starts_on=self.first_day,
                site_id=rng.choice(self.sites),
            )
        for name, days in (("Coordinator", 91), ("Treasurer", 182), ("Facilitator", 28)):
            add_role(
                store,
                founder,
                name,
                term_days=days,
                member_ids=rng.sample(self.members, 8),
                starts_on=self.first_day,
            )
        end = self.first_day + dt.timedelta(weeks=AHEAD_WEEKS)
        generate_shifts(store, founder, self.first_day, end)

    # -- one week ---------------------------------------------------------------------------

    def at(self, moment: dt.datetime) -> dt.datetime:
        self.clock.set(moment)
        return self.clock.moment

    def week(self, monday: dt.date) -> None:
        store, founder, rng = self.store, self.founder, self.rng
        start = dt.datetime.combine(monday, dt.time(7))
        self.at(start)
        horizon = monday + dt.timedelta(weeks=AHEAD_WEEKS)
        generate_shifts(store, founder, horizon, horizon + dt.timedelta(days=7))
        generate_chore_tasks(store, founder, monday + dt.timedelta(days=6), since=monday)
        if monday.day <= 7:
            self.month(monday)
        # Sign-ups for the shifts two weeks ahead, made over this week.
        ahead = monday + dt.timedelta(weeks=2)
        shifts = store.conn.execute(
            "SELECT s.id, s.capacity, (SELECT count(*) FROM shift_signup x"
            " WHERE x.shift_id = s.id AND x._cl % 2 = 1) FROM shift s"
            " WHERE s.starts_at >= ? AND s.starts_at < ? ORDER BY s.starts_at",
            (ahead.isoformat(), (ahead + dt.timedelta(days=7)).isoformat()),
        ).fetchall()
        for shift_id, capacity, taken in shifts:
            wanted = max(0, min(capacity, rng.choice((1, 2, 2, 3))) - taken)
            on_it = {
                row[0]
                for row in store.conn.execute(
                    "SELECT member_id FROM shift_signup WHERE shift_id = ?", (shift_id,)
                )
            }
            for member in rng.sample([m for m in self.members if m not in on_it], wanted):
                when = self.at(start + dt.timedelta(minutes=rng.randrange(7 * 24 * 60)))
                sign_up(store, member, shift_id, member, now=when)
        for day in range(7):
            self.day(monday + dt.timedelta(days=day))
        # Attendance of the week's shifts, written up at the end of it.
        done = store.conn.execute(
            "SELECT su.shift_id, su.member_id FROM shift_signup su JOIN shift s"
            " ON s.id = su.shift_id WHERE su._cl % 2 = 1 AND s.starts_at >= ?"
            " AND s.starts_at < ? ORDER BY s.starts_at, su.member_id",
            (monday.isoformat(), (monday + dt.timedelta(days=7)).isoformat()),
        ).fetchall()
        when = self.at(dt.datetime.combine(monday + dt.timedelta(days=6), dt.time(21)))
        for shift_id, member in done:
            status = rng.choices(("attended", "no-show", "excused"), (90, 6, 4))[0]
            record_attendance(store, founder, shift_id, member, status, now=when)
        for (task_id,) in store.conn.execute(
            "SELECT id FROM task WHERE _cl % 2 = 1 AND status != 'done' AND due_on <= ?"
            " ORDER BY id",
            ((monday + dt.timedelta(days=6)).isoformat(),),
        ).fetchall():
            if rng.random() < 0.85:
                complete_task(store, founder, task_id)

    def day(self, day: dt.date) -> None:
        rng = self.rng
        opening = dt.datetime.combine(day, dt.time(8))
        for number in range(MOVES_PER_DAY):
            when = self.at(opening + dt.timedelta(minutes=number * 15 + rng.randrange(15)))
            item, scale = rng.choice(self.items)
            site = rng.choice(self.sites)
            held = self.stock.get((item, site), 0)
            if held < 20 * scale or rng.random() < 0.25:
                reason, quantity = "received", rng.randint(20, 60) * scale
            else:
                reason, quantity = "used", rng.randint(1, min(held, 10 * scale))
            move(
                self.store,
                rng.choice(self.members),
                item,
                quantity,
                reason,
                site_id=site,
                when=when.isoformat(timespec="seconds"),
            )
            self.stock[(item, site)] = held + (quantity if reason == "received" else -quantity)

    def month(self, monday: dt.date) -> None:
        """A decision with votes; a member on leave; one member leaves, one joins."""
        store, founder, rng = self.store, self.founder, self.rng
        opened = self.at(dt.datetime.combine(monday, dt.time(10)))
        decision = add_decision(
            store,
            rng.choice(self.members),
            f"Proposal of {monday:%B %Y}",
            kind="consent",
            details="Shall we do this?",
            closes_at=opened + dt.timedelta(days=5),
            now=opened,
        )
        for hour, member in enumerate(rng.sample(self.members, 12), start=1):
            when = self.at(opened + dt.timedelta(hours=hour * 3))
            stance = rng.choices(("consent", "object"), (92, 8))[0]
            reason = "Not before the spring." if stance == "object" else ""
            vote(store, member, decision, stance=stance, reason=reason, now=when)
        away = rng.choice(self.members[1:])
        start = monday + dt.timedelta(days=rng.randrange(30))
        add_leave(store, founder, away, start, start + dt.timedelta(days=rng.randint(7, 40)))
        leaving = rng.choice([m for m in self.members[1:] if m not in self.standing])
        archive_member(store, founder, leaving)
        self.members.remove(leaving)
        self.members.append(self._member())

    def run(self) -> None:
        self.start()
        monday = self.first_day
        while monday + dt.timedelta(days=6) < self.today:
            self.week(monday)
            monday += dt.timedelta(weeks=1)
        self.store.conn.execute("PRAGMA optimize")


def build(folder: Path, years: int) -> None:
    """``folder/kitchen``: the founding site after ``years``; ``folder/warehouse.json``: what
    a new computer for the Warehouse needs to join (its key, certified at the Kitchen)."""
    builder = Builder(folder / "kitchen", years)
    store = builder.store
    try:
        builder.run()
        snapshot = folder / "snapshot.coopsync"
        secrets = site_secrets(store, builder.founder, builder.sites[1], snapshot)
        snapshot.unlink()
        (folder / "warehouse.json").write_text(json.dumps(secrets))
        (folder / "founder").write_text(builder.founder)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()


def cached_coop(root: Path, years: int) -> tuple[Path, str]:
    """The folder of ``build``, built once and kept under ``root``.

    The key holds the builder's version, not the store schema: a store built by an older
    CoopDesk is upgraded when a copy of it is opened, as a coop's own store would be.
    """
    target = root / f"years-{years}-b{BUILD_VERSION}"
    if (target / "founder").exists():
        built = json.loads((target / "built.json").read_text())
        return target, f"cached {target} (built on {built['on']} in {built['seconds']:.0f} s)"
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    print(f"   building {years} years of history in {partial} ...", flush=True)
    began = time.perf_counter()
    build(partial, years)
    took = time.perf_counter() - began
    (partial / "built.json").write_text(
        json.dumps({"seconds": took, "on": str(dt.date.today()), "schema": SCHEMA_VERSION})
    )
    partial.rename(target)
    return target, f"built {target} in {took:.0f} s"


if __name__ == "__main__":  # python tests/bench/coop_years.py YEARS CACHE_ROOT
    import sys

    folder, note = cached_coop(Path(sys.argv[2]), int(sys.argv[1]))
    print(note)
    with Store.open(folder / "kitchen") as built:
        print(built.conn.execute("SELECT count(*) FROM _change").fetchone()[0], "changes")
