"""Who has held authority: per role and per member, terms and days held, mandates used, and
how concentrated each role has been ("Coordinator: 9 members held it over 2 years; nobody
more than 3 terms"). The point is to make a creeping hierarchy visible.

Terms come from the roles feature's rotation (``roles.terms_between``: the synced schedule
with its swaps), uses of a mandate from the ``mandate_use`` ledger (``roles.mandate_uses``).
A term counts in a period when it overlaps it, and its days only as far as they fall in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from coopdesk.base.i18n import _
from coopdesk.base.text import names_text, plural
from coopdesk.coop import member_names
from coopdesk.reports.period import Period
from coopdesk.reports.spread import gini
from coopdesk.reports.words import percent_text
from coopdesk.roles import active_roles, eligible_order, mandate_uses, terms_between
from coopdesk.store.store import Store


@dataclass
class Holding:
    """One member's part in one role (or, in ``members``, in every role)."""

    member_id: str
    name: str
    terms: int = 0
    days: int = 0
    mandate_uses: int = 0
    roles: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "member_id": self.member_id,
            "name": self.name,
            "terms": self.terms,
            "days": self.days,
            "mandate_uses": self.mandate_uses,
            "roles": list(self.roles),
        }


@dataclass
class RoleAuthority:
    role_id: str
    name: str
    mandates: list[str]
    terms: int
    days: int  # days of terms in the period, times holders
    eligible: int
    holders: list[Holding]
    mandate_uses: int
    gini: float

    @property
    def distinct_holders(self) -> int:
        return len(self.holders)

    @property
    def most_terms(self) -> int:
        return max((h.terms for h in self.holders), default=0)

    @property
    def top_share(self) -> float:
        """The share of the role's days held by the member who held it longest."""
        top = max((h.days for h in self.holders), default=0)
        return round(top / self.days, 4) if self.days else 0.0

    def sentence(self, span: str) -> str:
        """ "Coordinator: 9 members held it over 2 years; nobody more than 3 terms." """
        if not self.holders:
            return _("{name}: nobody held it {span}.").format(name=self.name, span=span)
        if self.distinct_holders == 1:
            holder = self.holders[0]
            return _("{name}: only {name2} held it {span} ({terms}).").format(
                name=self.name, name2=holder.name, span=span, terms=plural(holder.terms, "term")
            )
        return _(
            "{name}: {distinct_holders} members held it {span}; nobody more than {terms}."
        ).format(
            name=self.name,
            distinct_holders=self.distinct_holders,
            span=span,
            terms=plural(self.most_terms, "term"),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "role_id": self.role_id,
            "name": self.name,
            "mandates": list(self.mandates),
            "terms": self.terms,
            "days": self.days,
            "eligible": self.eligible,
            "distinct_holders": self.distinct_holders,
            "most_terms": self.most_terms,
            "top_share": self.top_share,
            "gini": self.gini,
            "mandate_uses": self.mandate_uses,
            "holders": [h.as_json() for h in self.holders],
        }


@dataclass
class AuthorityReport:
    period: Period
    roles: list[RoleAuthority]
    members: list[Holding]
    unroled_uses: int  # mandate uses recorded without a role (none carried the action)

    def span_text(self) -> str:
        """ "over 2 years", "over 3 months", "in 12 days"."""
        days = self.period.days
        if days >= 700:
            return _("over {value} years").format(value=round(days / 365.25))
        if days >= 60:
            return _("over {value} months").format(value=round(days / 30.44))
        return _("in {days}").format(days=plural(days, "day"))

    def summary_lines(self) -> list[str]:
        span = self.span_text()
        lines = [role.sentence(span) for role in self.roles]
        if self.members:
            top = self.members[0]
            holders = [m for m in self.members if m.terms]
            lines.append(
                _("{members} held a role {span}. Most terms: {name}, {terms} ({names}).").format(
                    members=plural(len(holders), "member"),
                    span=span,
                    name=top.name,
                    terms=plural(top.terms, "term"),
                    names=names_text(top.roles),
                )
            )
            used = sorted(
                (m for m in self.members if m.mandate_uses),
                key=lambda m: (-m.mandate_uses, m.name.casefold(), m.member_id),
            )
            if used:
                total = sum(m.mandate_uses for m in used)
                lines.append(
                    _("Mandates were used {times}; {name} used {percent} of them.").format(
                        times=plural(total, "time"),
                        name=used[0].name,
                        percent=percent_text(used[0].mandate_uses / total),
                    )
                )
        if not self.roles:
            lines.append(_("The coop has no rotating roles."))
        return lines

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period.as_json(),
            "sentences": self.summary_lines(),
            "roles": [role.as_json() for role in self.roles],
            "members": [m.as_json() for m in self.members],
            "unroled_mandate_uses": self.unroled_uses,
        }


def _overlap(start: dt.date, end: dt.date, period: Period) -> int:
    return max(0, (min(end, period.end) - max(start, period.start)).days + 1)


def authority_report(store: Store, period: Period) -> AuthorityReport:
    """Terms, days and mandates of every active role and member from ``period.start`` to
    ``period.end``."""
    roles = {role["id"]: role for role in active_roles(store)}
    per_role: dict[str, dict[str, Holding]] = {role_id: {} for role_id in roles}
    role_terms: dict[str, int] = dict.fromkeys(roles, 0)
    role_days: dict[str, int] = dict.fromkeys(roles, 0)
    people: dict[str, Holding] = {}
    for term in terms_between(store, period.start, period.end):
        days = _overlap(term.starts_on, term.ends_on, period)
        if not days or term.role_id not in per_role:
            continue
        role_terms[term.role_id] += 1
        for member_id in term.holders:
            role_days[term.role_id] += days
            holding = per_role[term.role_id].setdefault(member_id, Holding(member_id, ""))
            holding.terms += 1
            holding.days += days
            person = people.setdefault(member_id, Holding(member_id, ""))
            person.terms += 1
            person.days += days
            name = roles[term.role_id]["name"]
            if name not in person.roles:
                person.roles.append(name)
    unroled = 0
    for member_id, role_id, _action, count in mandate_uses(store, period.start, period.end):
        person = people.setdefault(member_id, Holding(member_id, ""))
        person.mandate_uses += count
        if role_id in per_role:
            holding = per_role[role_id].setdefault(member_id, Holding(member_id, ""))
            holding.mandate_uses += count
        else:
            unroled += count
    names = member_names(store, people)
    for holding in (*people.values(), *(h for hs in per_role.values() for h in hs.values())):
        holding.name = names.get(holding.member_id, _("(unknown member)"))

    def order(h: Holding) -> tuple[int, int, str, str]:
        return (-h.terms, -h.days, h.name.casefold(), h.member_id)

    report_roles = []
    for role_id, role in roles.items():
        holders = sorted(per_role[role_id].values(), key=order)
        eligible = eligible_order(store, role)
        days_by_eligible = {h.member_id: h.days for h in holders if h.terms}
        for member_id in eligible:
            days_by_eligible.setdefault(member_id, 0)
        report_roles.append(
            RoleAuthority(
                role_id=role_id,
                name=role["name"],
                mandates=list(role["mandates"]),
                terms=role_terms[role_id],
                days=role_days[role_id],
                eligible=len(eligible),
                holders=[h for h in holders if h.terms or h.mandate_uses],
                mandate_uses=sum(h.mandate_uses for h in holders),
                gini=gini(list(days_by_eligible.values())),
            )
        )
    members = sorted(people.values(), key=order)
    return AuthorityReport(period, report_roles, members, unroled)


def authority_rows(report: AuthorityReport) -> tuple[list[str], list[list[Any]]]:
    """One row per role and holder (for CSV)."""
    header = [
        _("Role"),
        _("Member"),
        _("Member id"),
        _("Terms"),
        _("Days"),
        _("Mandates used"),
        _("Share of the role's days"),
    ]
    rows: list[list[Any]] = []
    for role in report.roles:
        for holder in role.holders:
            share = round(holder.days / role.days, 4) if role.days else 0.0
            rows.append(
                [
                    role.name,
                    holder.name,
                    holder.member_id,
                    holder.terms,
                    holder.days,
                    holder.mandate_uses,
                    share,
                ]
            )
    return header, rows
