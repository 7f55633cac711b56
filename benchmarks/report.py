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
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
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
    commit = f", commit `{machine['commit']}`" if machine.get("commit") else ""
    return (
        f"_Measured {machine.get('measured_at', '?')} on {machine.get('cores', '?')} cores, "
        f"load average {load[0]} when the result was written, "
        f"Python {machine.get('python', '?')}{commit}._"
    )


def target_cells(item: dict) -> str:
    """A target's table cells: name | value | limit | met."""
    mark = "met" if item["met"] else "**not met**"
    # A yes-or-no target (a run that must complete) says so in words.
    value = item.get("value_text") or f"{item['value']:g} {item['unit']}"
    limit = item.get("limit_text") or f"{item['limit']:g} {item['unit']}"
    return f"{item['name']} | {value} | {limit} | {mark}"


def targets_table(targets: list[dict]) -> list[str]:
    if not targets:
        return []
    lines = ["", "| target | value | limit | met |", "|---|---|---|---|"]
    return lines + [f"| {target_cells(item)} |" for item in targets]


# Renders one result (one scale) of a section.
Body = Callable[[dict], list[str]]
NOT_MEASURED = ["Not measured yet: run `make bench`.", ""]
Required = tuple[tuple[float, str], ...]  # scales the issue asks for, and the command


def runs(results: dict[str, dict], prefix: str) -> list[dict]:
    """The results of one benchmark (files named ``<prefix>...``), smallest scale first."""
    return sorted(
        (result for name, result in results.items() if name.startswith(prefix)),
        key=lambda result: result["scale"],
    )


def median_row(contender: dict, *extra: object) -> str:
    """A table row: the contender's label, median wall s, CPU s, peak MB, then ``extra``."""
    median = contender["median"]
    figures = [f"{median['wall_seconds']:.1f}", f"{median['cpu_seconds']:.1f}"]
    cells = [contender["label"], *figures, f"{median['peak_mb']:.0f}", *map(str, extra)]
    return "| " + " | ".join(cells) + " |"


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


def heading(result: dict, detail: str = "") -> list[str]:
    """A result's sub-heading (its scale) and the machine it ran on."""
    return [f"### Scale {result['scale']:g}{detail}", "", machine_line(result), ""]


def section(
    title: str, found: list[dict], intro: list[str], body: Body, required: Required = ()
) -> list[str]:
    """A numbered section: ``intro``, then ``body(result)`` per scale (or "not measured"),
    then a line for each scale the issue asks for that has no result: ``(scale, command)``."""
    if not found:
        return [title, "", *NOT_MEASURED]
    measured = {result["scale"] for result in found}
    missing = [
        line
        for scale, command in required
        if scale not in measured
        for line in (f"### Scale {scale:g}", "", f"Not measured yet: run `{command}`.", "")
    ]
    return [
        title,
        "",
        *intro,
        "",
        *(line for result in found for line in body(result)),
        *missing,
    ]


def exercise1_result(result: dict, assets: Path) -> list[str]:
    scale = result["scale"]
    lines = heading(result, f" ({result['files']} files)")
    lines += [
        "| contender | wall s | CPU s | peak MB | rows | rows/s |",
        "|---|---|---|---|---|---|",
    ]
    bars = []
    for contender in result["contenders"].values():
        extra = (contender.get("rows", ""), contender.get("rows_per_second", ""))
        lines.append(median_row(contender, *extra))
        bars.append((contender["label"], contender["median"]["wall_seconds"]))
    if result.get("ratios"):
        ratios = ", ".join(f"{k} {v:g}" for k, v in result["ratios"].items())
        lines += ["", f"Ratios: {ratios}."]
    lines += targets_table(result.get("targets", []))
    chart = assets / f"benchmark_exercise1_scale{scale:g}.svg"
    chart.write_text(
        bar_chart_svg(f"Exercise 1 at scale {scale:g}: wall time", bars, "s"), encoding="utf-8"
    )
    return [*lines, "", f"![Exercise 1 at scale {scale:g}](../assets/{chart.name})", ""]


def pipeline_result(result: dict) -> list[str]:
    lines = heading(result)
    if "error" in result:
        return [*lines, "Failed:", "", "```", result["error"][-1500:], "```", ""]
    lines += ["| stage | wall s | CPU s | peak MB |", "|---|---|---|---|"]
    for stage, figures in result["stages"].items():
        lines.append(
            f"| {stage} | {figures['wall_seconds']:.1f} | {figures['cpu_seconds']:.1f} | "
            f"{figures['peak_mb']:.0f} |"
        )
    lines.append(f"| **total** | {result['total_wall_seconds']:.1f} | | {result['peak_mb']:.0f} |")
    failure = result.get("failed")
    if failure:  # the run stopped at a failed stage: what failed, then what was measured
        lines += ["", f"**Stopped: the {failure['stage']} stage failed.**"]
        failed = failure.get("failed_nodes", [])
        if failed:
            lines += ["", "| failed dbt node | status | message |", "|---|---|---|"]
            lines += [
                f"| `{n['node']}` | {n['status']} | {str(n['message']).replace('|', '/')} |"
                for n in failed
            ]
        else:
            lines += ["", "```", str(failure["error"])[-1500:], "```"]
    if "warm_run" in result:
        warm = result["warm_run"]
        lines += [
            "",
            f"A warm second `make run`: {warm['wall_seconds']:.1f} s wall, "
            f"{warm['peak_mb']:.0f} MB peak.",
        ]
    if result["slowest_nodes"]:
        lines += ["", "Ten slowest dbt nodes:", "", "| node | seconds |", "|---|---|"]
    for node in result["slowest_nodes"]:
        lines.append(f"| `{node['node']}` | {node['seconds']:.1f} |")
    if result.get("python_models"):  # each Python model run alone after the build
        lines += [
            "",
            "Each Python model run alone after the build (`dbt run --select <model>`; the "
            "peak includes dbt's own):",
            "",
            "| Python model | wall s | CPU s | peak MB |",
            "|---|---|---|---|",
        ]
        for name, figures in result["python_models"].items():
            lines.append(
                f"| `{name}` | {figures['wall_seconds']:.1f} | {figures['cpu_seconds']:.1f} | "
                f"{figures['peak_mb']:.0f} |"
            )
    return [*lines, *targets_table(result.get("targets", [])), ""]


def incremental_result(result: dict) -> list[str]:
    comparison = result["comparison"]
    summary = (
        f"Full build of {result['days']} days: {result['full']['wall_seconds']:.1f} s; "
        f"one new day ({result['new_day_files']} files): "
        f"{result['incremental']['wall_seconds']:.1f} s; ratio {result['ratio']:.3f}. "
        # "relations" (tables and views, per-build columns and histories left out) since
        # bench_incremental compares through scripts/compare_warehouses.py; "tables" before.
        f"{'Relations' if 'relations' in comparison else 'Tables'} compared with a full refresh: "
        f"{comparison.get('relations', comparison.get('tables'))}, differing: "
        f"{', '.join(map(differing_relation, comparison['differ'])) or 'none'}."
    )
    profile = result["incremental"].get("dbt")
    if profile:  # where the new day's dbt build spent its time (sums of execution_time)
        summary += (
            " New day's dbt build, thread seconds: "
            + ", ".join(
                f"{kind} {seconds:.1f} s ({profile['nodes_by_kind'][kind]} nodes)"
                for kind, seconds in profile["seconds_by_kind"].items()
            )
            + "."
        )
    return [*heading(result), summary, *targets_table(result.get("targets", [])), ""]


def differing_relation(entry: str | dict) -> str:
    """A relation that differs from the full refresh: a name (older results) or the
    comparison's line and the columns whose values differ."""
    if isinstance(entry, str):
        return entry
    columns = entry.get("columns_differing")
    return f"{entry['result']}" + (f" (columns: {', '.join(columns)})" if columns else "")


def loader_result(result: dict) -> list[str]:
    lines = heading(result)
    lines += ["| contender | wall s | CPU s | peak MB |", "|---|---|---|---|"]
    lines += [median_row(contender) for contender in result["contenders"].values()]
    return [*lines, *targets_table(result.get("targets", [])), ""]


@dataclass(frozen=True)
class SectionSpec:
    """One numbered section of the page: the results it shows and the scales it needs."""

    title: str
    prefix: str  # results files ``<prefix>...``
    intro: tuple[str, ...]
    body: Callable[..., list[str]]
    required: Required = ()
    draws_charts: bool = False  # the body takes ``assets``, the folder of its SVG charts


SECTIONS = (
    SectionSpec(
        "## 1. The design's Exercise 1: sales CSVs to three tables",
        "exercise1_",
        (
            "Same sales CSVs (fault rate 0) to the design's `sales_data`, `daily_summary` and",
            "`customer_summary`. Each contender runs in its own process under `/usr/bin/time -v`,",
            "alternating; medians of the repeats. `benchmarks/bench_exercise1.py`.",
        ),
        exercise1_result,
        draws_charts=True,
    ),
    SectionSpec(
        "## 2 and 3. The whole job: `make run` stage by stage",
        "pipeline_",
        ("`benchmarks/bench_pipeline.py`; each stage is one `make` target, as `make run`.",),
        pipeline_result,
        required=((500, "make bench-large"),),
    ),
    SectionSpec(
        "## 4. Incremental: one new day against the full build",
        "incremental_",
        ("`benchmarks/bench_incremental.py`.",),
        incremental_result,
    ),
    SectionSpec(
        "## 5. The loader against an all-VARCHAR `read_csv` CTAS",
        "load_sales_",
        ("`benchmarks/bench_load_sales.py`.",),
        loader_result,
    ),
    SectionSpec(
        "## 6. The loader on JSON Lines: the events against a bare `read_json`",
        "load_events_",
        (
            "`benchmarks/bench_load_events.py` (fault rate 0.01; no target in the issue: the",
            "events are the largest source, most of the load stage of the whole job).",
        ),
        loader_result,
    ),
)


def targets_at_a_glance(results: dict[str, dict]) -> list[str]:
    """Every target of every result in one table (section, scale, value, limit, met), and a
    row for each scale a section needs that has no result yet."""
    rows, met, measured_targets, missing = [], 0, 0, 0
    for spec in SECTIONS:
        number = spec.title.split(".")[0].removeprefix("## ")
        found = runs(results, spec.prefix)
        for result in found:
            targets = result.get("targets", [])
            scale = f"{result['scale']:g}"
            rows += [f"| {number} | {scale} | {target_cells(item)} |" for item in targets]
            met += sum(bool(item["met"]) for item in targets)
            measured_targets += len(targets)
        measured = {result["scale"] for result in found}
        absent = [(scale, command) for scale, command in spec.required if scale not in measured]
        rows += [
            f"| {number} | {scale:g} | (no result: run `{command}`) | | | not measured |"
            for scale, command in absent
        ]
        missing += len(absent)
    if not rows:
        return []
    return [
        "## The targets at a glance",
        "",
        f"{met} of {measured_targets} measured targets met"
        + (f"; {missing} not measured yet." if missing else "."),
        "Each row's section below has the run's machine, commit and figures; the notes at the",
        "end of the page say what was tried for the targets not met, and the floor found.",
        "",
        "| section | scale | target | value | limit | met |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ]


def render(results: dict[str, dict], assets: Path, notes: str) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`benchmarks/report.py`) from `benchmarks/results/*.json`;",
        "do not edit by hand: edit `benchmarks/NOTES.md` (where the time goes, what was tried),",
        "which is included at the end. These machines are shared: compare ratios within a run,",
        "not absolute seconds across runs.",
        "",
        *targets_at_a_glance(results),
    ]
    for spec in SECTIONS:
        lines += section(
            spec.title,
            runs(results, spec.prefix),
            list(spec.intro),
            partial(spec.body, assets=assets) if spec.draws_charts else spec.body,
            required=spec.required,
        )
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
