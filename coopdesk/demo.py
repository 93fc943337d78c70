"""A believable demo coop, for trying CoopDesk without typing everything in.

Each feature names its demo steps in its ``Feature``; ``create_demo`` runs them in order on
a new store, then plays the other sites, whose bundles come in last. Everything goes through
the ordinary write path, attributed to ordinary members, with timestamps spread over the
last weeks so the Activity view reads like a real coop's.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from coopdesk.base.feature import all_features, resolve
from coopdesk.coop import DemoContext, add_site, start_coop
from coopdesk.store.hlc import system_ms
from coopdesk.store.store import Store
from coopdesk.sync import export_bundle, import_bundle, join_with_secrets, site_secrets

COOP_NAME = "Riverside Food Coop"
THIS_SITE = "Kitchen"
OTHER_SITES = ("Warehouse", "Market Hall")
FOUNDER = "Amara Okafor"


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


def demo_other_sites(ctx: DemoContext) -> None:
    """The other sites worked too, and their bundles came in: one edit met a local one.

    Each other site is played by a throw-away store that joins as that site, makes its
    changes and sends a bundle; the demo site imports it like any bundle from a stick.
    """
    rng = ctx.rng
    ctx.store.clock.now_ms = system_ms  # this happened today, at every site
    with tempfile.TemporaryDirectory(prefix="coopdesk-demo-") as scratch_name:
        scratch = Path(scratch_name)
        others: dict[str, Store] = {}
        for name in OTHER_SITES:
            snapshot = scratch / f"{name}.coopsync"
            secrets = site_secrets(ctx.store, ctx.founder_id, ctx.site_ids[name], snapshot)
            others[name], _result = join_with_secrets(scratch / name, secrets, snapshot)
        disputed = rng.choice(ctx.member_ids)
        with ctx.store.transaction(ctx.founder_id) as tx:
            tx.update("member", disputed, {"phone": "+1 555 010 2020"})
        warehouse, market = others["Warehouse"], others["Market Hall"]
        # Members are managed by this term's Coordinator (the founder, at every site).
        with warehouse.transaction(ctx.founder_id) as tx:
            for name in ("Nadia Petrova", "Joseph Mwangi"):
                tx.insert(
                    "member",
                    {"name": name, "skills": ["forklift"], "home_site_id": warehouse.site_id},
                )
            for member_id in rng.sample(ctx.member_ids, 2):
                tx.update("member", member_id, {"notes": "Covers the Saturday delivery."})
        with market.transaction(ctx.founder_id) as tx:
            tx.update("member", disputed, {"phone": "+1 555 010 3030"})
            tx.insert("member", {"name": "Ines Carvalho", "home_site_id": market.site_id})
        for feature in all_features():
            if feature.demo_at_other_sites:
                resolve(feature.demo_at_other_sites)(ctx, others)
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
    steps = sorted(step for feature in all_features() for step in feature.demo_steps)
    for _order, target in steps:
        resolve(target)(ctx)
    demo_other_sites(ctx)
    store.clock.now_ms = system_ms
    return store
