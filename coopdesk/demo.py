"""A believable demo coop, for trying CoopDesk without typing everything in.

Each feature adds its own demo data with ``@demo_step``; ``create_demo`` runs the steps in
order on a new store. Everything goes through the ordinary write path, attributed to
ordinary members, with timestamps spread over the last weeks so the Activity view reads
like a real coop's.
"""

from __future__ import annotations

import importlib
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from coopdesk.coop.coop import add_site, start_coop
from coopdesk.store.hlc import system_ms
from coopdesk.store.store import Store

COOP_NAME = "Riverside Food Coop"
THIS_SITE = "Kitchen"
OTHER_SITES = ("Warehouse", "Market Hall")
FOUNDER = "Amara Okafor"

FIRST_NAMES = (
    "Ana",
    "Tomás",
    "Li Wei",
    "Fatima",
    "Jonas",
    "Priya",
    "Kwame",
    "Sofia",
    "Mateo",
    "Aiyana",
    "Noor",
    "Daniel",
    "Hana",
    "Oluwaseun",
    "Marta",
    "Ravi",
    "Leila",
    "Piotr",
    "Grace",
    "Yusuf",
    "Camille",
    "Diego",
    "Ingrid",
    "Kofi",
    "Mei",
    "Samir",
    "Rosa",
    "Thandiwe",
    "Eitan",
    "Lucía",
    "Bongani",
    "Aroha",
    "Nikolai",
    "Zainab",
    "Émile",
)
LAST_NAMES = (
    "García",
    "Nguyen",
    "Haddad",
    "Okonkwo",
    "Kowalski",
    "Silva",
    "Mensah",
    "Novak",
    "Rossi",
    "Sato",
    "Begum",
    "Fischer",
    "Mbeki",
    "Johansson",
    "Ortiz",
    "Khan",
    "Dubois",
    "Papadopoulos",
    "Lindqvist",
    "Tanaka",
    "Adeyemi",
    "Moreau",
    "Castillo",
    "Osei",
)
SKILLS = (
    "cooking",
    "driving",
    "first aid",
    "bookkeeping",
    "forklift",
    "childcare",
    "translation",
    "carpentry",
    "baking",
    "gardening",
    "IT",
    "facilitation",
    "cleaning",
    "food safety",
    "accessibility",
    "sewing",
)
DOMAINS = ("example.org", "mail.example", "riverside.example")


@dataclass
class DemoContext:
    store: Store
    rng: random.Random
    founder_id: str
    site_ids: dict[str, str]
    member_ids: list[str] = field(default_factory=list)

    def author(self) -> str:
        """Someone to attribute a demo change to: the founder or any active demo member."""
        return self.rng.choice([self.founder_id, *self.member_ids])


DemoStep = Callable[[DemoContext], None]
# Modules that add demo data with @demo_step, imported by create_demo. Steps run in order:
# members 10, shifts 30, inventory 50, roles and tasks 70 (after them, so the earlier steps
# need no mandate), other sites 90.
FEATURE_DEMOS = ("coopdesk.shifts.demo", "coopdesk.inventory.demo", "coopdesk.roles.demo")
STEPS: list[tuple[int, str, DemoStep]] = []


def demo_step(order: int, name: str) -> Callable[[DemoStep], DemoStep]:
    def register(step: DemoStep) -> DemoStep:
        STEPS.append((order, name, step))
        STEPS.sort(key=lambda item: item[0])
        return step

    return register


class _StepClock:
    """Hands out wall times from some weeks ago up to now, so demo changes look spread out."""

    def __init__(self, rng: random.Random, days: int, changes: int) -> None:
        now = system_ms()
        self.current = now - days * 86_400_000
        self.step = max(1, (now - self.current) // max(1, changes))
        self.rng = rng
        self.now = now

    def __call__(self) -> int:
        self.current = min(self.now, self.current + self.rng.randint(self.step // 2, self.step))
        return self.current


@demo_step(10, "members")
def demo_members(ctx: DemoContext) -> None:
    rng = ctx.rng
    names: set[str] = set()
    while len(names) < 36:
        names.add(f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}")
    sites = list(ctx.site_ids.values())
    for name in sorted(names):
        first = name.split()[0].lower().replace("é", "e").replace("á", "a").replace("í", "i")
        fields = {
            "name": name,
            "email": f"{first}.{rng.randint(1, 99)}@{rng.choice(DOMAINS)}"
            if rng.random() < 0.8
            else "",
            "phone": f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            if rng.random() < 0.7
            else "",
            "skills": rng.sample(SKILLS, rng.randint(0, 3)),
            "home_site_id": rng.choice(sites),
        }
        with ctx.store.transaction(ctx.author()) as tx:
            ctx.member_ids.append(tx.insert("member", fields))
    for member_id in rng.sample(ctx.member_ids, 3):
        with ctx.store.transaction(ctx.founder_id) as tx:
            tx.update("member", member_id, {"notes": "Back in the spring; prefers mornings."})
    with ctx.store.transaction(ctx.founder_id) as tx:
        leaver = ctx.member_ids.pop()
        tx.archive("member", leaver)


@demo_step(90, "other sites")
def demo_other_sites(ctx: DemoContext) -> None:
    """The other sites worked too, and their bundles came in: one edit met a local one.

    Each other site is played by a throw-away store that joins as that site, makes its
    changes and sends a bundle; the demo site imports it like any bundle from a stick.
    """
    from coopdesk.sync.exchange import export_bundle, import_bundle
    from coopdesk.sync.invite import join_with_secrets, site_secrets

    rng = ctx.rng
    ctx.store.clock.now_ms = system_ms  # this happened today, at every site
    with tempfile.TemporaryDirectory(prefix="coopdesk-demo-") as scratch_name:
        scratch = Path(scratch_name)
        others: dict[str, Store] = {}
        for name in OTHER_SITES:
            snapshot = scratch / f"{name}.coopsync"
            secrets = site_secrets(ctx.store, ctx.site_ids[name], snapshot)
            others[name], _result = join_with_secrets(scratch / name, secrets, snapshot)
        disputed = rng.choice(ctx.member_ids)
        with ctx.store.transaction(ctx.founder_id) as tx:
            tx.update("member", disputed, {"phone": "+1 555 010 2020"})
        warehouse, market = others["Warehouse"], others["Market Hall"]
        with warehouse.transaction(ctx.author()) as tx:
            for name in ("Nadia Petrova", "Joseph Mwangi"):
                tx.insert(
                    "member",
                    {"name": name, "skills": ["forklift"], "home_site_id": warehouse.site_id},
                )
            for member_id in rng.sample(ctx.member_ids, 2):
                tx.update("member", member_id, {"notes": "Covers the Saturday delivery."})
        with market.transaction(ctx.author()) as tx:
            tx.update("member", disputed, {"phone": "+1 555 010 3030"})
            tx.insert("member", {"name": "Ines Carvalho", "home_site_id": market.site_id})
        for name, other in others.items():
            bundle = scratch / f"from-{name}.coopsync"
            export_bundle(other, bundle, for_site=ctx.store.site_id)
            other.close()
            import_bundle(ctx.store, bundle, author=ctx.founder_id, backup=False)


def create_demo(data_dir: Path, seed: int = 7) -> Store:
    """A new store holding the demo coop. Refuses, like ``init``, if a store exists."""
    rng = random.Random(seed)
    store = start_coop(
        data_dir, COOP_NAME, THIS_SITE, FOUNDER, now_ms=_StepClock(rng, days=45, changes=60)
    )
    founder_id = str(store.local_get("default_member_id"))
    site_ids = {THIS_SITE: store.site_id}
    for name in OTHER_SITES:
        site_ids[name] = add_site(store, founder_id, name)
    ctx = DemoContext(store=store, rng=rng, founder_id=founder_id, site_ids=site_ids)
    for module_name in FEATURE_DEMOS:
        importlib.import_module(module_name)  # registers its @demo_step functions
    for _order, _name, step in STEPS:
        step(ctx)
    store.clock.now_ms = system_ms
    return store
