"""Reports targets (issue "Fair share, visible"): on a coop with ten years of history,

- each report (work, roles, supplies) over the whole ten years in under 200 ms (the supplies
  report as the window makes it: totals, and the trend of the one item it draws);
- the Reports page opens (built, its three reports computed, charts drawn) in under 150 ms.

Each figure is also given as a ratio against a baseline measured in the same run: for the
reports, reading the rows they count with plain SQL (what no report can go below); for the
page, opening the Members page on the same store. Also measured: the reports over the last
twelve months and this month, Today's fair-share panel, a report's PDF, and what importing
QtCharts costs a process (it is imported with the Reports page only, so start-up does not
pay it).

The store: 300 members at three sites over ten years up to today; 30 three-hour shifts a
week with two or three sign-ups each (most attended), a dozen tasks a week and six weekly
chores (some with an estimate), four rotating roles with their mandate ledger, 60 items with
about 40 stock movements a day, members on leave, 200 transfers. Rows go in through the real
write path (``Transaction.insert``) in large transactions, as bench_shifts builds its store;
the result is cached (see ``harness.cache_dir``).
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import Report, Result, cache_dir, offscreen_env, time_call

from coopdesk import __version__
from coopdesk.coop.coop import add_site, start_coop
from coopdesk.inventory.transfers import receive_transfer, send_transfer
from coopdesk.reports.authority import authority_report
from coopdesk.reports.period import make_period, this_month
from coopdesk.reports.supplies import add_trend, busiest_item, supplies_report
from coopdesk.reports.work import work_report
from coopdesk.roles.roles import add_role
from coopdesk.shifts.duty import set_duty_rule
from coopdesk.store.migrations import SCHEMA_VERSION
from coopdesk.store.store import Store

YEARS = 10
MEMBERS = 300
SHIFTS_A_WEEK = 30
TASKS_A_WEEK = 12
CHORES = 6
ITEMS = 60
MOVES_A_DAY = 40
MANDATE_USES = 2_000
TRANSFERS = 200
BATCH_DAYS = 28  # days of history per transaction
BUILD_VERSION = 2  # bump when the builder or the schema's indexes change
SEED = 17

RUNS = 7
REPORT_LIMIT_MS = 200.0
PAGE_LIMIT_MS = 150.0
IMPORT_RUNS = 7


def _first_monday(today: dt.date) -> dt.date:
    start = today.replace(year=today.year - YEARS)
    return start - dt.timedelta(days=start.weekday())


def build_store(data_dir: Path) -> None:
    rng = random.Random(SEED)
    today = dt.date.today()
    first = _first_monday(today)
    store = start_coop(data_dir, "Bench Coop", "Kitchen", "Ana")
    ana = str(store.local_get("default_member_id"))
    sites = [store.site_id, add_site(store, ana, "Warehouse"), add_site(store, ana, "Market")]
    with store.transaction(ana) as tx:
        members = [ana] + [
            tx.insert("member", {"name": f"Member {n:03d}", "home_site_id": rng.choice(sites)})
            for n in range(MEMBERS - 1)
        ]
        items = [
            tx.insert(
                "item",
                {
                    "name": f"Item {n:02d}",
                    "unit": rng.choice(("kg", "l", "piece")),
                    "decimals": 0,
                    "minimum": rng.randint(5, 40),
                },
            )
            for n in range(ITEMS)
        ]
        chores = [
            tx.insert(
                "chore",
                {
                    "title": f"Chore {n}",
                    "every_days": 7,
                    "member_ids": rng.sample(members, 12),
                    "starts_on": first,
                    "site_id": sites[n % 3],
                    "estimate_minutes": rng.choice((None, 30, 45, 60)),
                },
            )
            for n in range(CHORES)
        ]
        for member in rng.sample(members, MEMBERS // 3):
            start = first + dt.timedelta(days=rng.randrange(YEARS * 365))
            tx.insert(
                "leave",
                {
                    "member_id": member,
                    "starts_on": start,
                    "ends_on": start + dt.timedelta(days=rng.randint(7, 90)),
                },
            )
    set_duty_rule(store, ana, minutes=180, period_days=28, duty_from=first)
    for name, term_days, mandates in (
        ("Coordinator", 28, ["members", "settings"]),
        ("Treasurer", 91, ["stock"]),
        ("Facilitator", 14, ["decisions"]),
        ("Minute-taker", 14, []),
    ):
        add_role(
            store,
            ana,
            name,
            term_days=term_days,
            member_ids=rng.sample(members, 20),
            starts_on=first,
            mandates=mandates,
        )
    roles = [row[0] for row in store.conn.execute("SELECT id FROM role")]
    days = (today - first).days + 1
    for batch_start in range(0, days, BATCH_DAYS):
        with store.transaction(ana) as tx:
            for offset in range(batch_start, min(days, batch_start + BATCH_DAYS)):
                day = first + dt.timedelta(days=offset)
                _one_day(tx, rng, day, today, members, sites, items, chores)
    with store.transaction(ana) as tx:
        for _ in range(MANDATE_USES):
            tx.insert(
                "mandate_use",
                {
                    "member_id": rng.choice(members),
                    "role_id": rng.choice(roles),
                    "action": rng.choice(("members", "settings", "stock", "decisions")),
                    "detail": "bench",
                    "used_at": dt.datetime.combine(
                        first + dt.timedelta(days=rng.randrange(days)), dt.time(12)
                    ),
                },
            )
    for _ in range(TRANSFERS):
        source, target = rng.sample(sites, 2)
        sent = rng.randint(1, 50)
        transfer = send_transfer(
            store, ana, rng.choice(items), target, sent, from_site_id=source, allow_negative=True
        )
        if target == store.site_id:
            receive_transfer(store, ana, transfer, sent - rng.choice((0, 0, 1)))
    store.conn.execute("ANALYZE")
    store.close()


def _one_day(tx, rng, day, today, members, sites, items, chores) -> None:
    done = day < today
    for _ in range(SHIFTS_A_WEEK // 7 + (1 if rng.random() < (SHIFTS_A_WEEK % 7) / 7 else 0)):
        start = dt.datetime.combine(day, dt.time(rng.choice((8, 10, 14, 18))))
        site = rng.choice(sites)
        shift = tx.insert(
            "shift",
            {
                "title": "Shop opening",
                "site_id": site,
                "starts_at": start,
                "ends_at": start + dt.timedelta(hours=3),
                "capacity": 3,
            },
        )
        for member in rng.sample(members[: rng.choice((60, 150, 300))], rng.randint(2, 3)):
            tx.insert(
                "shift_signup",
                {
                    "shift_id": shift,
                    "member_id": member,
                    "signed_up_at": start - dt.timedelta(days=rng.randint(1, 14)),
                    "site_id": site,
                    "attendance": (
                        rng.choice(("attended",) * 8 + ("no-show", "excused"))
                        if done
                        else "pending"
                    ),
                },
            )
    at = dt.datetime.combine(day, dt.time(16))
    for _ in range(TASKS_A_WEEK // 7 + (1 if rng.random() < (TASKS_A_WEEK % 7) / 7 else 0)):
        member = rng.choice(members)
        fields = {
            "title": "Fix something",
            "assignee_id": member,
            "site_id": rng.choice(sites),
            "estimate_minutes": rng.choice((None, 20, 60, 120)),
        }
        if done and rng.random() < 0.7:
            fields |= {"status": "done", "done_at": at, "done_by": member}
        tx.insert("task", fields)
    if day.weekday() == 0:
        for chore in chores:
            member = rng.choice(members)
            fields = {"title": "Chore", "chore_id": chore, "assignee_id": member, "due_on": day}
            if done:
                fields |= {"status": "done", "done_at": at, "done_by": member}
            tx.insert("task", fields)
    for _ in range(MOVES_A_DAY):
        reason = rng.choice(("received", "used", "used", "given", "given", "spoiled"))
        quantity = rng.randint(1, 30)
        tx.insert(
            "stock_move",
            {
                "item_id": rng.choice(items),
                "site_id": rng.choice(sites),
                "delta": quantity
                * (1 if reason == "received" else -1)
                * (3 if reason == "received" else 1),
                "reason": reason,
                "moved_at": dt.datetime.combine(day, dt.time(rng.randint(8, 19))),
            },
        )


def cached_store() -> tuple[Path, str]:
    key = f"reports-b{BUILD_VERSION}-s{SCHEMA_VERSION}-v{__version__}-{dt.date.today():%Y%m}"
    target = cache_dir() / key
    if (target / "coopdesk.sqlite3").exists():
        return target, f"cached store {target}"
    partial = target.with_name(key + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    print(f"   building the store in {partial} (once; cached afterwards) ...", flush=True)
    start = time.perf_counter()
    build_store(partial)
    for stale in target.parent.glob("reports-*"):
        if stale != partial:
            shutil.rmtree(stale, ignore_errors=True)
    partial.rename(target)
    return target, f"built store {target} in {time.perf_counter() - start:.0f} s"


def _rows_read(store: Store, start: dt.date, end: dt.date) -> None:
    """The baseline: the rows the reports count, read with plain SQL and nothing computed."""
    frm, to = start.isoformat(), (end + dt.timedelta(days=1)).isoformat()
    conn = store.conn
    conn.execute(
        "SELECT s.member_id, sh.starts_at, sh.ends_at FROM shift_signup s"
        " JOIN shift sh ON sh.id = s.shift_id WHERE s.attendance = 'attended'"
        " AND sh.starts_at >= ? AND sh.starts_at < ?",
        (frm, to),
    ).fetchall()
    conn.execute(
        "SELECT done_by, done_at, estimate_minutes FROM task WHERE status = 'done'"
        " AND done_at >= ? AND done_at < ?",
        (frm, to),
    ).fetchall()
    conn.execute(
        "SELECT item_id, site_id, reason, delta FROM stock_move WHERE moved_at >= ?"
        " AND moved_at < ?",
        (frm, to),
    ).fetchall()


def _supplies_as_shown(store: Store, period) -> None:
    """The supplies report as the window makes it: the trend of the item it draws only."""
    report = supplies_report(store, period, trends=False)
    busiest = busiest_item(report)
    if busiest:
        add_trend(store, report, busiest)


def _against(report: Report, name: str, samples: list[float], base: Result, limit: float) -> None:
    result = Result(name, samples, target=f"< {limit:.0f} ms")
    result.ratio = result.median_ms / base.median_ms
    result.ok = result.median_ms < limit
    report.add(result)


def measure_reports(report: Report, store: Store) -> None:
    today = dt.date.today()
    whole = make_period(_first_monday(today), today)
    year = make_period(None, today)
    month = this_month(today)
    base = report.add(
        Result(
            "baseline: read the ten years' rows (plain SQL)",
            time_call(lambda: _rows_read(store, whole.start, whole.end), RUNS),
        )
    )
    for label, period in (("ten years", whole), ("last 12 months", year), ("this month", month)):
        for name, fn in (
            ("work", lambda p=period: work_report(store, p)),
            ("roles", lambda p=period: authority_report(store, p)),
            ("supplies", lambda p=period: _supplies_as_shown(store, p)),
        ):
            _against(report, f"{name} report, {label}", time_call(fn, RUNS), base, REPORT_LIMIT_MS)
    full = Result(
        "supplies report, ten years, every item's trend (--json)",
        time_call(lambda: supplies_report(store, whole), 3),
    )
    full.ratio = full.median_ms / base.median_ms
    full.note = "(diagnostic)"
    report.add(full)
    site = store.site_id
    _against(
        report,
        "work report, ten years, one site",
        time_call(lambda: work_report(store, whole, site), RUNS),
        base,
        REPORT_LIMIT_MS,
    )
    work = work_report(store, whole)
    report.notes.append(
        f"ten years: {work.spread.members} members counted,"
        f" {work.spread.total_minutes // 60:,} hours; {work.spread.fifth_sentence()}"
    )


def measure_page(report: Report, store: Store, scratch: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from coopdesk.gui.coop.members_page import MembersPage
    from coopdesk.gui.reports import printing
    from coopdesk.gui.reports.page import ReportsPage
    from coopdesk.gui.reports.today import FairnessPanel
    from coopdesk.gui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    ana = str(store.local_get("default_member_id"))
    window = MainWindow(store, member_id=ana, ask_for_member=False, remember_layout=False)
    window.resize(1280, 860)
    window.show()
    app.processEvents()

    def open_page(kind) -> None:
        page = kind(window)
        window.stack.addWidget(page)
        window.stack.setCurrentWidget(page)
        page.ensure_loaded()
        app.processEvents()
        window.stack.removeWidget(page)
        page.deleteLater()
        app.processEvents()

    ReportsPage(window).deleteLater()  # QtCharts imported once, before timing
    members = report.add(
        Result("baseline: open the Members page", time_call(lambda: open_page(MembersPage), RUNS))
    )
    _against(
        report,
        "open the Reports page (last 12 months)",
        time_call(lambda: open_page(ReportsPage), RUNS),
        members,
        PAGE_LIMIT_MS,
    )
    panel = FairnessPanel(window)
    fair = Result("Today's fair-share panel (this month)", time_call(panel.load, RUNS))
    fair.ratio = fair.median_ms / members.median_ms
    fair.note = "(diagnostic)"
    report.add(fair)
    whole = make_period(_first_monday(dt.date.today()), dt.date.today())
    work = work_report(store, whole)
    pdf = Result(
        "work report PDF, ten years",
        time_call(lambda: printing.report_pdf_bytes("work", work, "Bench Coop"), 3),
    )
    pdf.note = "(diagnostic)"
    report.add(pdf)
    window.close()
    panel.deleteLater()
    app.processEvents()


def _import_ms(module: str, code: str) -> float | None:
    """``module``'s own import time (ms, with what it imports) in a new process running
    ``code``, from ``python -X importtime``; None when it was not imported at all."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        env=offscreen_env(),
        timeout=120,
        check=True,
    )
    for line in done.stderr.splitlines():
        parts = [part.strip() for part in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[2] == module:
            return int(parts[1]) / 1000
    return None


def measure_chart_import(report: Report) -> None:
    """What importing QtCharts costs, and that the window does not pay it."""
    charts = [
        _import_ms("PySide6.QtCharts", "import PySide6.QtWidgets, PySide6.QtCharts")
        for _ in range(IMPORT_RUNS)
    ]
    widgets = [
        _import_ms("PySide6.QtWidgets", "import PySide6.QtWidgets") for _ in range(IMPORT_RUNS)
    ]
    base = report.add(
        Result("baseline: import PySide6.QtWidgets (-X importtime)", [w or 0.0 for w in widgets])
    )
    result = Result("import PySide6.QtCharts after it", [c or 0.0 for c in charts])
    result.ratio = result.median_ms / base.median_ms
    result.note = "(diagnostic)"
    report.add(result)
    in_window = _import_ms(
        "PySide6.QtCharts", "import coopdesk.gui.shell.app, coopdesk.gui.shell.main_window"
    )
    report.notes.append(
        "the main window's imports load QtCharts: "
        + (
            "no (lazy: only with the Reports page)"
            if in_window is None
            else f"YES ({in_window:.0f} ms)"
        )
    )


def run() -> Report:
    report = Report(f"reports: a coop of {YEARS} years, {MEMBERS} members, 3 sites")
    source, note = cached_store()
    report.notes.append(note)
    with tempfile.TemporaryDirectory(prefix="coopdesk-bench-") as tmp:
        data_dir = Path(tmp) / "site"
        shutil.copytree(source, data_dir)
        with Store.open(data_dir) as store:
            counts = {
                table: store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("shift", "shift_signup", "task", "stock_move", "mandate_use")
            }
            report.notes.append(
                ", ".join(f"{count:,} {table}" for table, count in counts.items())
                + f"; {(data_dir / 'coopdesk.sqlite3').stat().st_size / 1e6:.0f} MB;"
                f" medians of {RUNS} runs"
            )
            measure_reports(report, store)
            measure_page(report, store, Path(tmp))
    measure_chart_import(report)
    return report
