"""Regenerate docs/benchmarks.md (tables and an SVG chart) from benchmarks/results/*.json.

    python benchmarks/report.py [--results DIR] [--out docs/benchmarks.md]

Each results file was written by one benchmark script (see benchmarks/README.md); this page
only presents them: the machine and its load at measurement time, every contender's median
wall time, CPU time, peak memory and rows per second, the ratios, and each target of issue 13
marked met or not met. Sections of results that are missing say so instead of inventing one.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")


def load_results(folder: Path) -> dict[str, dict]:
    return {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.json"))
    }


def machine_line(result: dict) -> str:
    machine = result.get("machine", {})
    load = machine.get("load_average", ["?"])
    return (
        f"_Measured {machine.get('measured_at', '?')} on {machine.get('cores', '?')} cores, "
        f"load average {load[0]} at the start, Python {machine.get('python', '?')}._"
    )


def targets_table(targets: list[dict]) -> list[str]:
    if not targets:
        return []
    lines = ["", "| target | value | limit | met |", "|---|---|---|---|"]
    for item in targets:
        mark = "met" if item["met"] else "**not met**"
        lines.append(
            f"| {item['name']} | {item['value']:g} {item['unit']} | "
            f"{item['limit']:g} {item['unit']} | {mark} |"
        )
    return lines


def bar_chart_svg(title: str, bars: list[tuple[str, float]], unit: str) -> str:
    """A horizontal bar chart, one bar per (label, value); text escaped, no external resources."""
    width, bar_height, left, gap = 760, 26, 260, 8
    height = 40 + len(bars) * (bar_height + gap)
    top = max((value for _, value in bars), default=1.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{html.escape(title)}" font-family="sans-serif" font-size="13">',
        f'<text x="10" y="20" font-weight="bold">{html.escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(bars):
        y = 32 + index * (bar_height + gap)
        length = (width - left - 90) * value / top
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<text x="10" y="{y + 17}">{html.escape(label)}</text>')
        parts.append(
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{colour}"/>'
        )
        parts.append(
            f'<text x="{left + length + 6:.1f}" y="{y + 17}">{value:.1f} {html.escape(unit)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def exercise1_section(results: dict[str, dict], assets: Path) -> list[str]:
    lines = ["## 1. The design's Exercise 1: sales CSVs to three tables", ""]
    found = sorted(
        (r for name, r in results.items() if name.startswith("exercise1_")),
        key=lambda r: r["scale"],
    )
    if not found:
        return [*lines, "Not measured yet: run `make bench`.", ""]
    lines += [
        "Same sales CSVs (fault rate 0) to the design's `sales_data`, `daily_summary` and",
        "`customer_summary`. Each contender runs in its own process under `/usr/bin/time -v`,",
        "alternating; medians of the repeats. `benchmarks/bench_exercise1.py`.",
        "",
    ]
    for result in found:
        scale = result["scale"]
        lines += [f"### Scale {scale:g} ({result['files']} files)", "", machine_line(result), ""]
        lines += [
            "| contender | wall s | CPU s | peak MB | rows | rows/s |",
            "|---|---|---|---|---|---|",
        ]
        bars = []
        for contender in result["contenders"].values():
            median = contender["median"]
            lines.append(
                f"| {contender['label']} | {median['wall_seconds']:.1f} | "
                f"{median['cpu_seconds']:.1f} | {median['peak_mb']:.0f} | "
                f"{contender.get('rows', '')} | {contender.get('rows_per_second', '')} |"
            )
            bars.append((contender["label"], median["wall_seconds"]))
        if result.get("ratios"):
            ratios = ", ".join(f"{k} {v:g}" for k, v in result["ratios"].items())
            lines += ["", f"Ratios: {ratios}."]
        lines += targets_table(result.get("targets", []))
        chart = assets / f"benchmark_exercise1_scale{scale:g}.svg"
        chart.write_text(
            bar_chart_svg(f"Exercise 1 at scale {scale:g}: wall time", bars, "s"), encoding="utf-8"
        )
        lines += ["", f"![Exercise 1 at scale {scale:g}](../assets/{chart.name})", ""]
    return lines


def pipeline_section(results: dict[str, dict]) -> list[str]:
    lines = ["## 2 and 3. The whole job: `make run` stage by stage", ""]
    found = sorted(
        (r for name, r in results.items() if name.startswith("pipeline_")),
        key=lambda r: r["scale"],
    )
    if not found:
        return [*lines, "Not measured yet: run `make bench`.", ""]
    lines += ["`benchmarks/bench_pipeline.py`; each stage is one `make` target, as `make run`.", ""]
    for result in found:
        lines += [f"### Scale {result['scale']:g}", "", machine_line(result), ""]
        if "error" in result:
            lines += ["Failed:", "", "```", result["error"][-1500:], "```", ""]
            continue
        lines += ["| stage | wall s | CPU s | peak MB |", "|---|---|---|---|"]
        for stage, figures in result["stages"].items():
            lines.append(
                f"| {stage} | {figures['wall_seconds']:.1f} | {figures['cpu_seconds']:.1f} | "
                f"{figures['peak_mb']:.0f} |"
            )
        lines.append(
            f"| **total** | {result['total_wall_seconds']:.1f} | | {result['peak_mb']:.0f} |"
        )
        if "warm_run" in result:
            warm = result["warm_run"]
            lines += [
                "",
                f"A warm second `make run`: {warm['wall_seconds']:.1f} s wall, "
                f"{warm['peak_mb']:.0f} MB peak.",
            ]
        lines += ["", "Ten slowest dbt nodes:", "", "| node | seconds |", "|---|---|"]
        for node in result["slowest_nodes"]:
            lines.append(f"| `{node['node']}` | {node['seconds']:.1f} |")
        lines += targets_table(result.get("targets", []))
        lines.append("")
    return lines


def incremental_section(results: dict[str, dict]) -> list[str]:
    lines = ["## 4. Incremental: one new day against the full build", ""]
    found = [r for name, r in results.items() if name.startswith("incremental_")]
    if not found:
        return [*lines, "Not measured yet: run `make bench`.", ""]
    lines += ["`benchmarks/bench_incremental.py`.", ""]
    for result in sorted(found, key=lambda r: r["scale"]):
        lines += [
            f"### Scale {result['scale']:g}",
            "",
            machine_line(result),
            "",
            f"Full build of {result['days']} days: {result['full']['wall_seconds']:.1f} s; "
            f"one new day ({result['new_day_files']} files): "
            f"{result['incremental']['wall_seconds']:.1f} s; ratio {result['ratio']:.3f}. "
            # "relations" (tables and views, per-build columns and histories left out) since
            # bench_incremental compares through scripts/compare_warehouses.py; "tables" before.
            f"{'Relations' if 'relations' in result['comparison'] else 'Tables'} compared"
            " with a full refresh: "
            f"{result['comparison'].get('relations', result['comparison'].get('tables'))}, "
            f"differing: {', '.join(result['comparison']['differ']) or 'none'}.",
        ]
        lines += targets_table(result.get("targets", []))
        lines.append("")
    return lines


def loader_section(results: dict[str, dict]) -> list[str]:
    lines = ["## 5. The loader against an all-VARCHAR `read_csv` CTAS", ""]
    found = [r for name, r in results.items() if name.startswith("load_sales_")]
    if not found:
        return [*lines, "Not measured yet: run `make bench`.", ""]
    lines += ["`benchmarks/bench_load_sales.py`.", ""]
    for result in sorted(found, key=lambda r: r["scale"]):
        lines += [f"### Scale {result['scale']:g}", "", machine_line(result), ""]
        lines += ["| contender | wall s | CPU s | peak MB |", "|---|---|---|---|"]
        for contender in result["contenders"].values():
            median = contender["median"]
            lines.append(
                f"| {contender['label']} | {median['wall_seconds']:.1f} | "
                f"{median['cpu_seconds']:.1f} | {median['peak_mb']:.0f} |"
            )
        lines += targets_table(result.get("targets", []))
        lines.append("")
    return lines


def render(results: dict[str, dict], assets: Path, notes: str) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`benchmarks/report.py`) from `benchmarks/results/*.json`;",
        "do not edit by hand: edit `benchmarks/NOTES.md` (where the time goes, what was tried),",
        "which is included at the end. These machines are shared: compare ratios within a run,",
        "not absolute seconds across runs.",
        "",
    ]
    lines += exercise1_section(results, assets)
    lines += pipeline_section(results)
    lines += incremental_section(results)
    lines += loader_section(results)
    if notes:
        lines += [notes.strip(), ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=PROJECT_DIR / "benchmarks" / "results")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "docs" / "benchmarks.md")
    parser.add_argument("--assets", type=Path, default=PROJECT_DIR / "assets")
    parser.add_argument("--notes", type=Path, default=PROJECT_DIR / "benchmarks" / "NOTES.md")
    args = parser.parse_args()
    notes = args.notes.read_text(encoding="utf-8") if args.notes.exists() else ""
    args.assets.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(load_results(args.results), args.assets, notes), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
