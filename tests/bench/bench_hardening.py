"""Memory of reading bundles, honest and hostile: under 150 MB whatever a bundle claims.

Each import runs in a fresh process, so that its peak resident memory (``ru_maxrss``) is
its own; hostile ones also report tracemalloc's peak (Python's own allocations). Targets
(issue 12, "Hardened reading"): every import peaks under ``MEMORY_LIMIT_MB``, and every
hostile bundle is refused with a CoopDesk error, not a traceback. The bundles:

- honest: a snapshot of 100,000 changes (10,000 transactions of ten new members), joined
  by an empty site, as an invitation does;
- a compression bomb: a signed frame of about 1 MB that inflates to 1 GiB, declaring
  the most the size rules allow;
- a JSON flood: a signed frame of tens of megabytes of ``[],[],…`` (each a new object
  when parsed), compressed to little;
- huge claims: a header claiming 2^62 changes and a frame claiming 4 GiB;
- a deeply nested header: 1 MiB of ``[``;
- a frame of short strings just within the limits (the most a frame may hold, parsed).

``python tests/bench/bench_hardening.py --code PATH`` runs the same on another checkout
(its ``coopdesk`` imported from PATH; the bundles are made with that code's own writer
and keys), for the figures before this issue.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MEMORY_LIMIT_MB = 150.0
HONEST_CHANGES = 100_000
TRANSACTION_ROWS = 10
BUILD_VERSION = 1


def load_fuzzing(code_root: Path):
    """tests/sync/fuzzing.py of this checkout, with ``coopdesk`` from ``code_root``."""
    if str(code_root) not in sys.path:
        sys.path.insert(0, str(code_root))
    if "fuzzing" in sys.modules:
        return sys.modules["fuzzing"]
    spec = importlib.util.spec_from_file_location("fuzzing", HERE.parent / "sync" / "fuzzing.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules["fuzzing"] = module
    spec.loader.exec_module(module)
    return module


# -- building the bundles ---------------------------------------------------------------------


def bomb_frame(inflated: int) -> bytes:
    """A zlib stream of ``[`` + ``inflated`` spaces + ``]``, made a megabyte at a time."""
    packer = zlib.compressobj(9)
    parts = [packer.compress(b"[")]
    block = b" " * (1 << 20)
    for _ in range(inflated >> 20):
        parts.append(packer.compress(block))
    parts.append(packer.compress(b"]"))
    parts.append(packer.flush())
    return b"".join(parts)


def flood_frame(size: int) -> tuple[bytes, int]:
    """A zlib stream of ``[[],[],…]`` about ``size`` bytes long, made a block at a time."""
    packer = zlib.compressobj(9)
    block = b"[]," * (1 << 18)
    count = size // len(block)
    packed = packer.compress(b"[") + b"".join(packer.compress(block) for _ in range(count))
    packed += packer.compress(b"[]]") + packer.flush()
    return packed, 1 + count * len(block) + 3


def hostile_bundles(fuzzing, scene, folder: Path) -> dict[str, Path]:
    """Signed (or, for the header, unsigned) hostile bundles from the scene's Kitchen."""
    code = scene.code
    bundles: dict[str, bytes] = {}
    # A bomb: 1 GiB of spaces; its header declares as much as the ratio rule lets it.
    bomb = bomb_frame(1 << 30)
    data = fuzzing.rebuild(scene, raw_frames={0: (bomb, 1 << 30)}, count_entries=False)
    parsed = fuzzing.parse(code, data)
    declared = len(bomb) * code.bundle.MAX_COMPRESSION_RATIO
    header = dict(parsed.header, uncompressed_len=declared)
    bundles["compression bomb"] = fuzzing.assemble(
        code, header, parsed.frames, scene.sender_private
    )
    # Floods of empty arrays (each a new object once parsed): 12 MiB, which the size rules
    # allow any bundle; and 60 MiB, which they allow a bundle of 330 kB (made so big by a
    # second frame of random bytes).
    for label, megabytes, padding in (("12 MiB", 12, 0), ("60 MiB", 60, 330_000)):
        packed, flood_size = flood_frame(megabytes << 20)
        frames = {0: (packed, flood_size)}
        columns = scene.columns
        if padding:
            frames[1] = (os.urandom(padding), padding)
            columns = [*scene.columns, scene.columns[0]]
        bundles[f"JSON flood ({label})"] = fuzzing.rebuild(
            scene, columns, raw_frames=frames, count_entries=False
        )
    # Claims: 2^62 changes, and a frame whose length prefix says 4 GiB.
    claims = fuzzing.rebuild(scene, header_changes={"entries": 1 << 62})
    parsed = fuzzing.parse(code, claims)
    payload = code.bundle.FRAME_LENGTH.pack(0xFFFFFFFF) + b"\x00" * 1000
    header_bytes = code.bundle.canonical_json(
        dict(
            parsed.header,
            payload_len=len(payload),
            payload_sha256=hashlib.sha256(payload).hexdigest(),
        )
    )
    signed = code.bundle.PRELUDE.pack(
        code.bundle.MAGIC, code.bundle.FORMAT_VERSION, len(header_bytes)
    )
    signed += header_bytes
    bundles["huge claims"] = signed + payload + code.keys.sign(scene.sender_private, signed)
    # A header of 1 MiB of "[": refused before the signature is looked at.
    nested = b"[" * ((1 << 20) - 16)
    bundles["deeply nested header"] = (
        code.bundle.PRELUDE.pack(code.bundle.MAGIC, code.bundle.FORMAT_VERSION, len(nested))
        + nested
        + b"\x00" * 64
    )
    # The most a new reader parses: short strings, just within its limits.
    limit = getattr(code.bundle, "MAX_FRAME_VALUES", 600_000)
    strings = b"[[" + b",".join([b'"ab"'] * (limit // 2 - 10)) + b"]]"
    bundles["short strings within limits"] = fuzzing.rebuild(
        scene, raw_frames={0: (zlib.compress(strings), len(strings))}, count_entries=False
    )
    paths = {}
    for number, (name, data) in enumerate(bundles.items()):
        paths[name] = folder / f"hostile-{number}.coopsync"
        paths[name].write_bytes(data)
    return paths


def honest_store(fuzzing, code_root: Path, cache: Path) -> Path:
    """A coop whose Kitchen made 100,000 changes; the folder holds the secrets and the
    snapshot an invitation for a new site would carry (cached between runs)."""
    code = fuzzing.Code.load()
    key = (
        f"hardening-v{BUILD_VERSION}-f{code.bundle.FORMAT_VERSION}-"
        f"{hashlib.sha256(str(code_root.resolve()).encode()).hexdigest()[:10]}-{HONEST_CHANGES}"
    )
    folder = cache / key
    if (folder / "secrets.json").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    kitchen = code.start_coop(folder / "kitchen", "Bench Coop", "Kitchen", "Ana")
    ana = str(kitchen.local_get("default_member_id"))
    for start in range(0, HONEST_CHANGES, TRANSACTION_ROWS):
        with kitchen.transaction(ana) as tx:
            for serial in range(start, start + TRANSACTION_ROWS):
                tx.insert(
                    "member",
                    {"name": f"Member {serial}", "phone": f"555 {serial:06}", "notes": "bench"},
                )
    secrets = code.new_site_secrets(kitchen, ana, "Newcomer", folder / "snapshot.coopsync")
    (folder / "secrets.json").write_text(json.dumps(secrets))
    kitchen.close()
    print(f"   built the honest store in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


# -- the worker (its own process) -------------------------------------------------------------


def worker(args: argparse.Namespace) -> dict[str, object]:
    import tracemalloc

    fuzzing = load_fuzzing(args.code)
    code = fuzzing.Code.load()
    if args.trace:
        tracemalloc.start()
    start = time.perf_counter()
    outcome = "accepted"
    try:
        if args.action == "join":
            secrets = json.loads(Path(args.target).read_text())
            store, _result = code.join_with_secrets(Path(args.store), secrets, Path(args.bundle))
        else:
            store = code.Store.open(Path(args.store))
            code.import_bundle(store, Path(args.bundle), author=args.author, backup=False)
        store.close()
    except code.CoopDeskError as exc:
        outcome = f"refused ({type(exc).__name__})"
    except Exception as exc:  # what the bench exists to find
        outcome = f"TRACEBACK ({type(exc).__name__})"
    elapsed = (time.perf_counter() - start) * 1000
    traced = tracemalloc.get_traced_memory()[1] / (1 << 20) if args.trace else None
    return {"ms": elapsed, "peak_mb": peak_rss_mb(), "traced_mb": traced, "outcome": outcome}


def peak_rss_mb() -> float:
    """This process's peak resident memory. On Linux the kernel's VmHWM, which starts anew
    with the program (``ru_maxrss`` keeps the peak of the process that forked it)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_process(code_root: Path, *arguments: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__)), "worker", "--code", str(code_root), *arguments],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    if done.returncode != 0:
        return {"ms": 0.0, "peak_mb": float("nan"), "traced_mb": None, "outcome": "CRASHED"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the benchmark ----------------------------------------------------------------------------


def measure(code_root: Path):
    from harness import Report, cache_dir

    fuzzing = load_fuzzing(code_root)
    code = fuzzing.Code.load()
    report = Report(
        f"reading bundles: peak memory of one import (bundle format {code.bundle.FORMAT_VERSION})",
        notes=[
            "each import in its own process: peak = its ru_maxrss; traced = tracemalloc peak",
            f"target: every import under {MEMORY_LIMIT_MB:g} MB, every hostile bundle refused",
        ],
    )
    base = Path("/dev/shm") if os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="coopdesk-bench-", dir=base) as scratch_name:
        scratch = Path(scratch_name)
        scene = fuzzing.Scene(code, scratch / "scene")
        bundles = hostile_bundles(fuzzing, scene, scratch)
        founder = scene.founder
        scene.close()
        receiver = scene.pristine
        floor = in_process(
            code_root, "import", str(_copy(receiver, scratch)), str(scene.bundle_path), founder
        )
        report.notes.append(
            f"floor: importing the scene's honest {len(scene.bundle):,}-byte bundle peaks at "
            f"{floor['peak_mb']:.0f} MB (Python, SQLite, the imports)"
        )
        for name, path in bundles.items():
            size = path.stat().st_size
            figures = in_process(
                code_root, "import", str(_copy(receiver, scratch)), str(path), founder
            )
            # tracemalloc's own bookkeeping swells the process: its peak is taken apart.
            traced = in_process(
                code_root, "import", str(_copy(receiver, scratch)), str(path), founder, "--trace"
            )
            figures["traced_mb"] = traced["traced_mb"]
            report.add(_result(name, figures, f"{size / 1000:,.0f} kB", hostile=True))
        folder = honest_store(fuzzing, code_root, cache_dir())
        joined = scratch / "joined"
        figures = in_process(
            code_root,
            "join",
            str(joined),
            str(folder / "snapshot.coopsync"),
            "",
            "--target",
            str(folder / "secrets.json"),
        )
        size = (folder / "snapshot.coopsync").stat().st_size
        report.add(
            _result(
                f"honest: {HONEST_CHANGES:,} changes joined",
                figures,
                f"{size / 1e6:.1f} MB",
                hostile=False,
            )
        )
    return report


def _copy(receiver: Path, scratch: Path) -> Path:
    target = scratch / f"receiver-{time.perf_counter_ns()}"
    shutil.copytree(receiver, target)
    return target


def _result(name: str, figures: dict[str, object], size: str, hostile: bool):
    from harness import Result

    peak = float(figures["peak_mb"])  # type: ignore[arg-type]
    outcome = str(figures["outcome"])
    fine = peak < MEMORY_LIMIT_MB and (
        outcome.startswith("refused") if hostile else outcome == "accepted"
    )
    traced = figures.get("traced_mb")
    traced_text = f", traced {float(traced):.0f} MB" if traced is not None else ""  # type: ignore[arg-type]
    return Result(
        name,
        [float(figures["ms"])],  # type: ignore[arg-type]
        target=f"< {MEMORY_LIMIT_MB:g} MB",
        ok=fine,
        note=f"peak {peak:.0f} MB{traced_text}; {size}; {outcome}",
    )


def run():
    """``make bench``: this checkout."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    return measure(ROOT)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT)
    sub = parser.add_subparsers(dest="command")
    work = sub.add_parser("worker")
    work.add_argument("--code", type=Path, default=ROOT)
    work.add_argument("action", choices=["import", "join"])
    work.add_argument("store")
    work.add_argument("bundle")
    work.add_argument("author", nargs="?", default=None)
    work.add_argument("--trace", action="store_true")
    work.add_argument("--target", default="")
    args = parser.parse_args(argv)
    if args.command == "worker":
        print(json.dumps(worker(args)))
        return 0
    sys.path.insert(0, str(HERE))
    from harness import format_report

    print(format_report(measure(args.code)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
