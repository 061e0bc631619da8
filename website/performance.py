"""The performance page's table: every published bench ratio, and how each of its numbers was made.

A bench record (``site/results/bench/<name>-<device>.json``, written by ``nox -s bench -- NAME
--publish``) holds ratios of our time or speed to a peer's. Not every number in it is a plain
measurement, so each row says how its numbers were derived, from the record itself:

- **scaled**: an epoch time timed over a few steps and scaled up to the whole epoch;
- **extrapolated**: a time fitted as t ~ n^k on the largest sizes measured and carried to a size
  never run (the exponent and the measured sizes are shown);
- **taken from another run**: our time read from a published results file, with that run's
  commit, finish time, load (where recorded) and machine;

and, for each side, the cores it ran on and the machine's CPU model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shared.errors import HypeError
from shared.registry import RESULTS_DIR


def _speed(value: float, unit: str) -> str:
    return f"{value:,.0f} {unit}" if value >= 100 else f"{value:.3g} {unit}"


def _read_bench(path: Path) -> dict[str, Any]:
    try:
        record = json.loads(path.read_text())
        record["bench"], record["provenance"], record["replication"]  # noqa: B018
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise HypeError(
            f"{path} is not a bench record ({error!r})", "re-run: nox -s bench -- NAME --publish"
        ) from None
    return record


def _peer_cores(bench: dict[str, Any], ratio: dict[str, Any]) -> str:
    """The peer's cores: PyTorch's thread count as set by the bench; libsvm is single-threaded
    (it trains one machine at a time on one core: the bench's own record says "one core")."""
    if "torch_threads" in bench:
        return f"{bench['torch_threads']} threads"
    if "one core" in ratio.get("peer_name", "") or "one core" in str(bench.get("libsvm", "")):
        return "1 core"
    return "not recorded"


def _machine(device: dict[str, Any]) -> str:
    return f"{device.get('cpu') or device.get('kind', '?')}, {device.get('cpu_count', '?')} cores"


def _extrapolation(bench: dict[str, Any]) -> str:
    """How the peer's time at a size never run was made: the fitted exponent, the sizes it was
    fitted on and how far past the largest it goes."""
    mnist = bench.get("mnist") or {}
    subsets = mnist.get("subsets") or []
    k = mnist.get("growth_exponent_libsvm")
    if k is None or len(subsets) < 2:
        return "extrapolated (the fit is not recorded)"
    a, b = subsets[-2], subsets[-1]
    target = 60_000  # the bench extrapolates to the full MNIST training set
    return (
        f"extrapolated, not measured: t ~ n^{k:.2f}, fitted on its fits at n = {a['n']:,} "
        f"({a['libsvm_seconds']:.1f} s) and {b['n']:,} ({b['libsvm_seconds']:.1f} s), carried "
        f"{target / b['n']:.0f}x past the largest"
    )


def _other_run(replication: str, ours: float, results_dir: Path) -> str:
    """Where our number was taken from when it is another run's: the published paper run."""
    path = results_dir / f"{replication}.json"
    if not path.exists():
        return "taken from the published paper run, which is no longer on the site"
    results = json.loads(path.read_text())
    p = results["provenance"]
    fit = (results["tables"].get("mnist") or {}).get("fit_seconds")
    if fit is None or abs(fit - ours) > 1e-6:
        return "taken from an earlier published paper run, not the one on the site now"
    load = p.get("load_average_1_5_15_min")
    return (
        f"taken from another run: the published paper run (commit "
        f"`{str(p['git'].get('commit'))[:7]}`, finished {p.get('finished_utc', '?')}, load "
        f"{f'{load[0]:.2f}' if load else 'not recorded'}, {_machine(p['device'])}), not from "
        "this bench"
    )


def _scaled(bench: dict[str, Any]) -> str:
    steps, images = bench.get("epoch_steps"), bench.get("epoch_scaled_from_images")
    if steps is None:
        return ""
    return f"both sides scaled up from {steps} timed steps ({images:,} images) to the epoch"


def _derivations(
    record: dict[str, Any], ratio: dict[str, Any], results_dir: Path
) -> tuple[str, str, str]:
    """How the row's ours, peer and ratio were derived, in words ("" for a plain measurement)."""
    bench, ours, peer, both = record["bench"], "", "", ""
    what = ratio["what"]
    if ratio.get("extrapolated"):
        peer = _extrapolation(bench)
    if "published paper run" in what:  # the bench's own wording for a number it did not time
        ours = _other_run(record["replication"], ratio["ours"], results_dir)
    if "epoch" in what and ratio["unit"] == "s":
        both = _scaled(bench)
    return ours, peer, both


def performance_table(bench_dir: Path, results_dir: Path = RESULTS_DIR) -> str:
    """One row per ratio of every published bench file, the ratio first (it stays in view on a
    phone), each number with how it was derived, the cores of each side, the CPU model, and
    when, under what load and at which commit the bench ran."""
    files = sorted(bench_dir.glob("*.json")) if bench_dir.exists() else []
    rows = []
    for path in files:
        record = _read_bench(path)
        bench, p = record["bench"], record["provenance"]
        if "ratios" not in bench:
            raise HypeError(
                f"{path} has no `ratios` (an older bench format)",
                f"re-run: nox -s bench -- {record['replication']} --publish",
            )
        device = p["device"]
        load = bench.get("load_average_1_5_15_min")
        commit = (p["git"]["commit"] or "unknown")[:7] + (" (dirty)" if p["git"]["dirty"] else "")
        for ratio in bench["ratios"]:
            ours_how, peer_how, both_how = _derivations(record, ratio, results_dir)
            what = ratio["what"].split(": ours as")[0]  # the bench's note is said in full below
            ours = _speed(ratio["ours"], ratio["unit"]) + (
                f"<br><small>{ours_how}</small>" if ours_how else ""
            )
            peer = f"{_speed(ratio['peer'], ratio['unit'])}: {ratio['peer_name']}" + (
                f"<br><small>{peer_how}</small>" if peer_how else ""
            )
            mark = f"<br><small>{both_how}</small>" if both_how else ""
            rows.append(
                f"| {record['replication']}: {what}{mark} | **{ratio['ratio']:.2f}x** | {ours} "
                f"| {peer} | ours {device.get('cpu_count', '?')} cores (XLA uses all); peer "
                f"{_peer_cores(bench, ratio)} | {_machine(device)} "
                f"| {bench.get('measured_utc', '–')}, load {f'{load[0]:.2f}' if load else '–'}, "
                f"`{commit}` |"
            )
    if not rows:
        return '!!! note "Not run yet"\n    No bench has been published yet.\n'
    return (
        '<div class="perf" markdown>\n\n'
        "| bench: what | speed ratio, ours ÷ peer | ours | peer | cores, each side "
        "| machine (CPU) | measured (UTC), load (1 min), commit |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n" + "\n".join(rows) + "\n\n</div>\n"
    )
