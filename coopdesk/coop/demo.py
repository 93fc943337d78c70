"""Demo data: the coop's members (see coopdesk.demo), and what every demo step is given."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from coopdesk.store.store import Store

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
