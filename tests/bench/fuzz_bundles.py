"""Fuzz bundle and invitation reading at scale, and count what happens.

    .venv/bin/python tests/bench/fuzz_bundles.py [--cases 9000] [--invitations 200]
        [--seed 12] [--code PATH] [--show 3]

Builds a demo coop with a site that joined it (tests/sync/fuzzing.py), mutates Kitchen's
real bundle for that site ``--cases`` times (bytes, headers unsigned and re-signed, frame
contents re-sealed and re-signed, whole frames replaced by bombs and floods) and imports
each one (every tenth is previewed first), then joins with ``--invitations`` mutated
invitation files. Prints the outcomes: accepted, refused by error class, tracebacks by
type and place, messages that held control characters, refusals that changed the store.

``--code PATH`` runs the same mutations against another CoopDesk checkout (its package is
imported from PATH), e.g. the round-one code in /work/wt/old, for a "before" figure.
Not part of ``make bench`` (it takes minutes); ``tests/sync/test_fuzz.py`` runs a few
hundred of the same cases with every test run.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def load_fuzzing(code_root: Path):
    """The fuzzing module of this checkout, with ``coopdesk`` imported from ``code_root``."""
    sys.path.insert(0, str(code_root))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    spec = importlib.util.spec_from_file_location("fuzzing", HERE.parent / "sync" / "fuzzing.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["fuzzing"] = module
    spec.loader.exec_module(module)
    import coopdesk

    where = Path(coopdesk.__file__).resolve().parent.parent
    if where != code_root.resolve():
        raise SystemExit(f"coopdesk was imported from {where}, not {code_root}")
    return module


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=9000)
    parser.add_argument("--invitations", type=int, default=200)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--show", type=int, default=3, help="tracebacks printed per place")
    parser.add_argument("--json", type=Path, help="also write the counts here")
    args = parser.parse_args(argv)
    fuzzing = load_fuzzing(args.code)
    code = fuzzing.Code.load()
    base = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else None
    root = Path(tempfile.mkdtemp(prefix="coopdesk-fuzz-", dir=base))
    started = time.perf_counter()
    counts: Counter[str] = Counter()
    by_mutation: Counter[tuple[str, str]] = Counter()
    examples: dict[str, list[str]] = {}
    dirty: list[str] = []
    changed: list[str] = []
    try:
        scene = fuzzing.Scene(code, root / "scene")
        print(
            f"code: {args.code} (bundle format {code.bundle.FORMAT_VERSION}); bundle of "
            f"{scene.parsed.header['entries']} changes, {len(scene.bundle):,} bytes; "
            f"built in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        outcomes = []
        for number in range(args.cases):
            rng = random.Random(args.seed * 1_000_003 + number)
            mutation = fuzzing.pick_mutation(rng)
            try:
                data = fuzzing.MUTATIONS[mutation][0](scene, rng)
            except Exception as exc:  # the mutator could not apply itself: not a case
                counts[f"not made ({type(exc).__name__})"] += 1
                continue
            outcome = fuzzing.run_case(scene, mutation, data, preview=number % 10 == 0)
            outcomes.append(outcome)
            if (number + 1) % 1000 == 0:
                print(f"  {number + 1} cases, {time.perf_counter() - started:.0f} s", flush=True)
        if args.invitations:
            with fuzzing.fast_passphrases(code):
                invitations = fuzzing.InvitationScene(scene)
                for number in range(args.invitations):
                    rng = random.Random(args.seed * 7_000_003 + number)
                    outcomes.append(invitations.run(invitations.mutate(rng), number))
        for outcome in outcomes:
            label = (
                outcome.kind if outcome.kind == "accepted" else f"{outcome.kind}: {outcome.detail}"
            )
            family = "invitation" if outcome.mutation == "invitation" else "bundle"
            counts[f"{family} {label}"] += 1
            by_mutation[(outcome.mutation, outcome.kind)] += 1
            if outcome.kind == "traceback":
                shown = examples.setdefault(outcome.detail, [])
                if len(shown) < args.show:
                    shown.append(outcome.text)
            if outcome.dirty_messages:
                dirty.append(f"{outcome.mutation}: {outcome.dirty_messages[0]!r}"[:300])
            if outcome.store_changed:
                changed.append(f"{outcome.mutation}: {outcome.detail}")
        scene.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    total = sum(by_mutation.values())
    print(f"\n{total} cases in {time.perf_counter() - started:.0f} s\n")
    print("outcomes:")
    for label, number in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        print(f"  {number:6}  {label}")
    print("\nby mutation (accepted / refused / traceback):")
    for mutation in [*fuzzing.MUTATIONS, "invitation"]:
        row = [by_mutation[(mutation, kind)] for kind in ("accepted", "refused", "traceback")]
        print(f"  {mutation:16} {row[0]:6} {row[1]:6} {row[2]:6}")
    tracebacks = sum(n for (_m, kind), n in by_mutation.items() if kind == "traceback")
    print(f"\ntracebacks: {tracebacks}")
    print(f"messages with control characters: {len(dirty)}")
    for line in dirty[:10]:
        print(f"  {line}")
    print(f"refusals that changed the store: {len(changed)}")
    for line in changed[:10]:
        print(f"  {line}")
    for place, texts in examples.items():
        print(f"\n== {place}")
        for text in texts:
            print(text[-2500:])
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "cases": total,
                    "outcomes": dict(counts),
                    "tracebacks": tracebacks,
                    "dirty_messages": len(dirty),
                    "store_changed": len(changed),
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
