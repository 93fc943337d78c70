"""Where supplies go: per item and site, what was received, used, given out, spoiled, corrected,
sent, arrived and lost in transit, over time; which items run low most often; transfers
between sites as flows.

Read through the inventory feature's public queries over the stock ledger
(``inventory.movement_totals``, ``inventory.times_run_low``, ``inventory.transfer_flows``):
ledger rows are only ever inserted, so every site with the same rows gets the same figures.
Quantities stay integers in each item's smallest unit; they are shown with the item's unit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from coopdesk.base.i18n import N_, _
from coopdesk.base.text import plural
from coopdesk.inventory import (
    display_value,
    format_quantity,
    list_items,
    movement_totals,
    site_names,
    times_run_low,
    transfer_flows,
)
from coopdesk.reports.period import Period, site_name
from coopdesk.store.store import Store

# The columns of a supplies row, each the movements of one reason (signs as people say
# them: everything is a positive amount), in the order a report lists them.
FLOWS = (
    ("received", N_("Received")),
    ("used", N_("Used")),
    ("given", N_("Given out")),
    ("spoiled", N_("Spoiled")),
    ("transfer-out", N_("Sent")),
    ("transfer-in", N_("Arrived")),
    ("lost", N_("Lost in transit")),
    ("correction", N_("Corrections")),
)
OUT_REASONS = ("used", "given", "spoiled", "transfer-out")


@dataclass
class ItemSupply:
    """One item at one site in the period."""

    item_id: str
    name: str
    unit: str
    decimals: int
    site_id: str
    site_name: str
    amounts: dict[str, int] = field(default_factory=dict)  # by FLOWS key
    times_low: int = 0
    movements: int = 0
    trend: dict[str, dict[str, int]] = field(default_factory=dict)  # bucket -> reason -> amount

    def amount(self, key: str) -> int:
        return self.amounts.get(key, 0)

    def text(self, key: str) -> str:
        return format_quantity(self._shape, self.amount(key)) if self.amount(key) else ""

    def value(self, key: str) -> str:
        return display_value(self._shape, self.amount(key))

    @property
    def _shape(self) -> dict[str, Any]:
        return {"unit": self.unit, "decimals": self.decimals}

    def as_json(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "name": self.name,
            "unit": self.unit,
            "site_id": self.site_id,
            "site_name": self.site_name,
            **{key.replace("-", "_"): self.value(key) for key, _label in FLOWS},
            "times_low": self.times_low,
            "trend": [
                {
                    "starts_on": bucket,
                    **{
                        reason.replace("-", "_"): display_value(self._shape, amount)
                        for reason, amount in sorted(reasons.items())
                    },
                }
                for bucket, reasons in sorted(self.trend.items())
            ],
        }


@dataclass(frozen=True)
class Flow:
    """Transfers of one item along one route in the period."""

    item_id: str
    item_name: str
    unit: str
    decimals: int
    from_site_id: str
    from_site_name: str
    to_site_id: str
    to_site_name: str
    transfers: int
    sent: int
    received: int
    lost: int

    def text(self, amount: int) -> str:
        return format_quantity({"unit": self.unit, "decimals": self.decimals}, amount)

    def sentence(self) -> str:
        lost = _(", {text} lost on the way").format(text=self.text(self.lost)) if self.lost else ""
        return _(
            "{item_name}: {text} from {from_site_name} to {to_site_name} in {transfers}{lost}."
        ).format(
            item_name=self.item_name,
            text=self.text(self.sent),
            from_site_name=self.from_site_name,
            to_site_name=self.to_site_name,
            transfers=plural(self.transfers, "transfer"),
            lost=lost,
        )

    def as_json(self) -> dict[str, Any]:
        shape = {"unit": self.unit, "decimals": self.decimals}
        return {
            "item_id": self.item_id,
            "item_name": self.item_name,
            "from_site_id": self.from_site_id,
            "from_site_name": self.from_site_name,
            "to_site_id": self.to_site_id,
            "to_site_name": self.to_site_name,
            "transfers": self.transfers,
            "sent": display_value(shape, self.sent),
            "received": display_value(shape, self.received),
            "lost": display_value(shape, self.lost),
        }


@dataclass
class SuppliesReport:
    period: Period
    site_id: str | None
    site_name: str
    items: list[ItemSupply]
    flows: list[Flow]
    with_trends: bool = True  # False: only the items given ``add_trend`` have one

    def most_often_low(self, count: int = 10) -> list[ItemSupply]:
        low = [item for item in self.items if item.times_low]
        return sorted(low, key=lambda i: (-i.times_low, i.name.casefold(), i.site_name.casefold()))[
            :count
        ]

    def summary_lines(self) -> list[str]:
        lines = []
        moved = [item for item in self.items if item.amounts]
        lines.append(
            _("{items} moved").format(items=plural(len({i.item_id for i in moved}), "item"))
            + (_(" at {site_name}").format(site_name=self.site_name) if self.site_name else "")
            + "."
        )
        low = self.most_often_low(3)
        if low:
            words = ", ".join(
                _("{name} at {site_name} ({times})").format(
                    name=i.name, site_name=i.site_name, times=plural(i.times_low, "time")
                )
                for i in low
            )
            lines.append(_("Ran low most often: {words}.").format(words=words))
        else:
            lines.append(_("Nothing ran under its minimum."))
        if self.flows:
            lines.append(
                _("{transfers} between sites.").format(
                    transfers=plural(sum(f.transfers for f in self.flows), "transfer")
                )
            )
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period.as_json(),
            "site_id": self.site_id,
            "site_name": self.site_name,
            "sentences": self.summary_lines(),
            "items": [item.as_json() for item in self.items],
            "most_often_low": [
                {
                    "item_id": i.item_id,
                    "name": i.name,
                    "site_name": i.site_name,
                    "times_low": i.times_low,
                }
                for i in self.most_often_low()
            ],
            "flows": [flow.as_json() for flow in self.flows],
        }


def supplies_report(
    store: Store, period: Period, site_id: str | None = None, *, trends: bool = True
) -> SuppliesReport:
    """Every item's movements at every site (or ``site_id``) in the period; with ``trends``,
    also each item's by week or month (ten years of them by month are many numbers: the
    window asks for the item it draws with ``add_trend`` instead)."""
    label = site_name(store, site_id)
    items = {item["id"]: item for item in list_items(store, status="all")}
    names = site_names(store)
    rows: dict[tuple[str, str], ItemSupply] = {}

    def row(item_id: str, sid: str) -> ItemSupply:
        key = (item_id, sid)
        if key not in rows:
            item = items.get(item_id, {})
            rows[key] = ItemSupply(
                item_id=item_id,
                name=str(item.get("name", _("(unknown item)"))),
                unit=str(item.get("unit", "")),
                decimals=int(item.get("decimals") or 0),
                site_id=sid,
                site_name=names.get(sid, _("(unknown site)")),
            )
        return rows[key]

    for item_id, sid, bucket, reason, total, count in movement_totals(
        store, period.start, period.end, site_id=site_id, by=period.by if trends else None
    ):
        supply = row(item_id, sid)
        amount = -total if reason in OUT_REASONS else total
        supply.amounts[reason] = supply.amounts.get(reason, 0) + amount
        supply.movements += count
        if trends:
            cell = supply.trend.setdefault(bucket, {})
            cell[reason] = cell.get(reason, 0) + amount
    for (item_id, sid), count in times_run_low(
        store, period.start, period.end, site_id=site_id
    ).items():
        row(item_id, sid).times_low = count
    flows = []
    for item_id, source, target, transfers, sent, received, lost in transfer_flows(
        store, period.start, period.end
    ):
        if site_id and site_id not in (source, target):
            continue
        item = items.get(item_id, {})
        flow = Flow(
            item_id=item_id,
            item_name=str(item.get("name", "(unknown item)")),
            unit=str(item.get("unit", "")),
            decimals=int(item.get("decimals") or 0),
            from_site_id=source,
            from_site_name=names.get(source, _("(unknown site)")),
            to_site_id=target,
            to_site_name=names.get(target, _("(unknown site)")),
            transfers=transfers,
            sent=sent,
            received=received,
            lost=lost,
        )
        flows.append(flow)
        if lost and (not site_id or site_id == source):
            supply = row(item_id, source)
            supply.amounts["lost"] = supply.amounts.get("lost", 0) + lost
    ordered = sorted(
        rows.values(),
        key=lambda s: (s.name.casefold(), s.item_id, s.site_name.casefold(), s.site_id),
    )
    flows.sort(
        key=lambda f: (
            f.item_name.casefold(),
            f.from_site_name.casefold(),
            f.to_site_name.casefold(),
            f.item_id,
            f.from_site_id,
            f.to_site_id,
        )
    )
    return SuppliesReport(period, site_id, label, ordered, flows, trends)


def add_trend(store: Store, report: SuppliesReport, item_id: str) -> None:
    """Fill one item's trend into a report made without them (``trends=False``)."""
    supplies = {s.site_id: s for s in report.items if s.item_id == item_id}
    for supply in supplies.values():
        supply.trend = {}
    for _item, sid, bucket, reason, total, _count in movement_totals(
        store,
        report.period.start,
        report.period.end,
        site_id=report.site_id,
        by=report.period.by,
        item_id=item_id,
    ):
        if sid in supplies:
            cell = supplies[sid].trend.setdefault(bucket, {})
            amount = -total if reason in OUT_REASONS else total
            cell[reason] = cell.get(reason, 0) + amount


def busiest_item(report: SuppliesReport) -> str | None:
    """The item moved most often in the period (the one a chart of one item shows)."""
    count: dict[str, int] = {}
    for supply in report.items:
        count[supply.item_id] = count.get(supply.item_id, 0) + supply.movements
    if not any(count.values()):
        return None
    names = {s.item_id: s.name for s in report.items}
    return min(count, key=lambda item: (-count[item], names[item].casefold(), item))


def supplies_rows(report: SuppliesReport) -> tuple[list[str], list[list[Any]]]:
    """One row per item and site (for CSV): amounts as plain numbers in the item's unit."""
    header = [
        _("Item"),
        _("Item id"),
        _("Unit"),
        _("Site"),
        *(_(label) for _key, label in FLOWS),
        _("Times low"),
    ]
    rows = [
        [
            s.name,
            s.item_id,
            s.unit,
            s.site_name,
            *(_number(s.value(key)) for key, _label in FLOWS),
            s.times_low,
        ]
        for s in report.items
    ]
    return header, rows


def _number(text: str) -> Any:
    """A display value ("2.5", "-2") as a number the CSV writer formats for the locale."""
    from decimal import Decimal

    return Decimal(text)


def trend_of(
    report: SuppliesReport, item_id: str, site_id: str | None = None
) -> list[tuple[dt.date, dict[str, int]]]:
    """One item's movements per week or month (all sites summed, or one site)."""
    found: dict[str, dict[str, int]] = {}
    for supply in report.items:
        if supply.item_id != item_id or (site_id and supply.site_id != site_id):
            continue
        for bucket, reasons in supply.trend.items():
            cell = found.setdefault(bucket, {})
            for reason, amount in reasons.items():
                cell[reason] = cell.get(reason, 0) + amount
    return [(start, found.get(start.isoformat(), {})) for start in report.period.buckets()]
