"""Tables and the ratio plot of a run_bench.py result."""
from __future__ import annotations

import math
import platform
from typing import Dict, List

PEER_LABELS = {"onnxruntime": "ORT", "openvino": "OpenVINO"}


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ms(row: Dict, key: str) -> str:
    v = row.get(key)
    return f"{v:.2f}" if isinstance(v, (int, float)) else "n/a"


def ratio(row: Dict, peer: str, t: int):
    e, p = row.get(f"etch_t{t}_ms"), row.get(f"{peer}_t{t}_ms")
    return e / p if e and p else None


def row_summary(row: Dict, threads: List[int]) -> str:
    parts = []
    for t in threads:
        parts.append(f"{t}T: etch {_ms(row, f'etch_t{t}_ms')} ORT {_ms(row, f'onnxruntime_t{t}_ms')} "
                     f"OV {_ms(row, f'openvino_t{t}_ms')} ms")
    err = row.get("output_rel_err")
    parts.append(f"out err {err:.1e}" if err is not None else row.get("etch_error", "?")[:80])
    return "; ".join(parts)


def _geomean(values):
    values = [v for v in values if v]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def markdown(result: Dict) -> str:
    threads = result["threads"]
    head = ["model", "source"]
    for t in threads:
        head += [f"etch {t}T ms", f"ORT {t}T ms", f"OpenVINO {t}T ms", f"etch/ORT {t}T",
                 f"etch/OpenVINO {t}T"]
    head += ["output rel err", "compile s", "compiler MiB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in result["rows"]:
        cells = [row["model"], row["source"]]
        for t in threads:
            etch = _ms(row, f"etch_t{t}_ms")
            if etch == "n/a" and row.get(f"etch_t{t}_note"):
                etch = "n/a¹"
            if "etch_error" in row:
                etch = "fails²"
            cells += [etch, _ms(row, f"onnxruntime_t{t}_ms"), _ms(row, f"openvino_t{t}_ms")]
            for peer in ("onnxruntime", "openvino"):
                r = ratio(row, peer, t)
                cells.append(f"{r:.2f}x" if r else "n/a")
        err = row.get("output_rel_err")
        ok = "" if row.get("output_ok", True) else " ✗"
        cells.append(f"{err:.1e}{ok}" if err is not None else "n/a")
        cells.append(f"{row['compile_s']:.1f}" if "compile_s" in row else "n/a")
        mib = row.get("compile_peak_mib")
        cells.append(f"{mib:.0f}" if mib else "n/a")
        lines.append("| " + " | ".join(cells) + " |")
    geo = []
    for t in threads:
        for peer in ("onnxruntime", "openvino"):
            g = _geomean([ratio(r, peer, t) for r in result["rows"]])
            if g:
                geo.append(f"etch/{PEER_LABELS[peer]} {t}T {g:.2f}x")
    notes = [
        "",
        f"Geometric means: {', '.join(geo) if geo else 'n/a'}.",
        "",
        f"{result['date']}, {result['machine']['cpu']}; one thread pinned to CPU "
        f"{result['machine']['pinning'].get('1')} (like `taskset -c 1`), two threads to "
        f"{result['machine']['pinning'].get('2')}. Each time is the median over "
        f"{result['rounds']} rounds (engines take turns) of the median of {result['runs']} runs "
        f"after {result['warmup']} warm-up runs; batch 1. ORT: all graph optimizations; "
        "OpenVINO: CPU plugin, inference precision f32, latency hint. Output rel err: "
        "max |etch - ORT| / max |ORT| over the outputs "
        f"(✗ above {result['output_rtol']:g}). LiteRT/XNNPACK: {result['litert']}.",
    ]
    if not result.get("etch_threads_flag"):
        notes.append("¹ etch-compile has no --threads yet: etch runs single-threaded only.")
    if any("etch_error" in r for r in result["rows"]):
        notes.append("² etch-compile or the run failed: " + "; ".join(
            f"{r['model']}: {r['etch_error'][:160]}" for r in result["rows"] if "etch_error" in r))
    peer_errors = [f"{r['model']} ({PEER_LABELS[p]}): {' '.join(r[f'{p}_t1_error'].split())[-160:]}"
                   for r in result["rows"] for p in PEER_LABELS if f"{p}_t1_error" in r]
    if peer_errors:
        notes.append("Peers that could not run a model (n/a): " + "; ".join(peer_errors) + ".")
    if result["machine"].get("note"):
        notes.append(f"Machine: {result['machine']['note']} (load average at the end "
                     f"{', '.join(f'{x:.1f}' for x in result['machine']['loadavg_at_end'])}).")
    notes.append(f"Command: `{result['command']}`")
    return "\n".join(lines + notes) + "\n"


def plot(result: Dict, path: str) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report: matplotlib not installed; no plot")
        return
    rows = [r for r in result["rows"] if r.get("etch_t1_ms")]
    series = []
    for t in result["threads"]:
        for peer in ("onnxruntime", "openvino"):
            values = [ratio(r, peer, t) for r in rows]
            if any(values):
                series.append((f"etch / {PEER_LABELS[peer]}, {t} thread{'s' if t > 1 else ''}", values))
    if not series:
        return
    fig, ax = plt.subplots(figsize=(max(8, 0.55 * len(rows) + 3), 4.5))
    width = 0.8 / len(series)
    for k, (label, values) in enumerate(series):
        xs = [i + (k - (len(series) - 1) / 2) * width for i in range(len(rows))]
        # Bars grow from 1.0 (parity) up (etch slower) or down (etch faster).
        ax.bar(xs, [(v - 1.0) if v else 0 for v in values], width, bottom=1.0, label=label)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    from matplotlib.ticker import FuncFormatter, LogLocator
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(0.25, 0.5, 1.0, 2.0, 4.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}x"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_ylabel("latency ratio (lower is better for etch)")
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r["model"] for r in rows], rotation=45, ha="right")
    ax.set_title(f"etch latency / peer latency ({result['date'][:10]}, {result['machine']['cpu'][:40]})",
                 fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
