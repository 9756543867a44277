"""``nic graph export|report|trace``: the knowledge flow from the command line."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from communities.cli import system_context
from communities.flow import service
from communities.flow.exports import FORMATS
from core.cli import CommandContext
from core.cli_commands import Command


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        message = f"expected a date such as 2025-06-30, got {text!r}"
        raise argparse.ArgumentTypeError(message) from None


async def _graph(args: argparse.Namespace, ctx: CommandContext, action: str = "read") -> Any:
    # Progress goes to standard error: standard output may carry the JSON or the export.
    started = time.perf_counter()
    print(f"Building the flow graph of {args.slug!r} ...", file=sys.stderr, flush=True)
    graph = await service.readable_graph(system_context(ctx), args.slug, args.as_of, action=action)
    print(
        f"  {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges "
        f"in {time.perf_counter() - started:.2f} s",
        file=sys.stderr,
    )
    return graph


async def export_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    fmt = FORMATS[args.format]
    graph = await _graph(args, ctx, "export")
    data = fmt.write(graph)
    if args.output:
        Path(args.output).write_bytes(data if isinstance(data, bytes) else data.encode())
        ctx.say(f"Wrote {args.output} ({args.format}).")
    elif isinstance(data, bytes) and args.format == "csv":
        ctx.say("The CSV export is a zip file: give -o FILE.zip")
        return 2
    else:
        sys.stdout.write(data.decode() if isinstance(data, bytes) else data)
    return 0


def _print_report(ctx: CommandContext, data: dict[str, Any]) -> None:
    summary, flow = data["summary"], data["team_flow"]
    ctx.say(f"Nodes: {summary['nodes']}\nEdges: {summary['edges']}")
    ctx.say(
        f"\nTeam flow: school->district {flow['school_to_district']}, district->school "
        f"{flow['district_to_school']}, school->school {flow['school_to_school']}, "
        f"reciprocity {flow['reciprocity']:.2f}"
    )
    lag = flow["median_lag_days"]
    ctx.say(
        "  median lag school cycle -> district use: "
        + (f"{lag:.0f} days over {flow['lag_count']} cycles" if lag is not None else "none used")
    )
    ctx.say("\nBrokers (teams, levels, betweenness, constraint, brokerage roles):")
    for b in data["brokers"]["items"]:
        constraint = "-" if b["constraint"] is None else f"{b['constraint']:.2f}"
        ctx.say(
            f"  {b['label']:<28} {b['teams']:>2}  {'/'.join(b['levels']):<16} "
            f"{b['betweenness']:.3f}  {constraint:>5}  {b['roles_total']}"
        )
    silos = data["silos"]
    ctx.say(
        f"\nSilos within {silos['within_days']} days: {len(silos['cycles'])} of "
        f"{silos['judged']} cycles; teams: "
        + (", ".join(t["label"] for t in silos["teams"]) or "none")
    )
    cuts = data["resilience"]["cut_people"]
    ctx.say(
        "Cut people: "
        + (", ".join(f"{c['label']} ({len(c['school_teams'])})" for c in cuts) or "none")
    )
    path = data["main_path"]
    ctx.say(f"\nMain path ({path['weight']}): " + " -> ".join(n["label"] for n in path["nodes"]))
    ctx.say("\nQuarter   ties density recipr. central. links cross-level")
    for q in data["evolution"]:
        share = "-" if q["cross_level_share"] is None else f"{q['cross_level_share']:.2f}"
        ctx.say(
            f"{q['quarter']:<9} {q['ties']:>4} {q['density']:>7.2f} {q['reciprocity']:>7.2f} "
            f"{q['centralization']:>8.2f} {q['links_in_quarter']:>5} {share:>11}"
        )


async def report_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    graph = await _graph(args, ctx)
    data = service.report(graph, as_of=args.as_of, within_days=args.within_days, limit=args.limit)
    if args.json:
        sys.stdout.write(json.dumps(service.jsonable(data), indent=2) + "\n")
    else:
        _print_report(ctx, data)
    return 0


async def trace_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    graph = await _graph(args, ctx)
    direction = "upstream" if args.upstream else "downstream"
    bound = args.since if args.upstream else args.until
    data = service.trace(graph, args.node, direction, bound)
    if args.json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return 0
    ctx.say(f"{direction.capitalize()} of {args.node}:")
    for item in data["work"]:
        ctx.say(f"  {item['date']}  {item['id']:<22} {item['label']}")
    ctx.say("Teams:" if data["teams"] else "No other team.")
    for team in data["teams"]:
        via = f" through {team['carrier_label']}" if team["carrier"] else ""
        ctx.say(f"  {team['date']}  {team['label']}{via}")
    return 0


async def status_command(args: argparse.Namespace, ctx: CommandContext) -> int:
    """What the workers have stored and what they still have to do."""
    from communities.flow.status import flow_status

    status = await flow_status(ctx.settings, args.slug)
    if args.json:
        sys.stdout.write(json.dumps(status, indent=2, default=str) + "\n")
        return 0
    ctx.say(f"Queued analyses: {len(status['queued'])}")
    for job in status["queued"]:
        claimed = f"running on {job['claimed_by']}" if job["claimed_by"] else "waiting"
        ctx.say(
            f"  {job['community']:<24} {job['analysis']:<12} {claimed}, {job['attempts']} tries"
        )
    ctx.say("Stored results (current / stale / failed):")
    for row in status["communities"]:
        ctx.say(
            f"  {row['community']:<24} {row['current']:>4} / {row['stale']:>4} / {row['failed']:>4}"
            f"  counter {row['counter']}"
        )
    for failure in status["failures"]:
        ctx.say(f"Failed: {failure['community']} {failure['analysis']}: {failure['error']}")
    return 0


def _configure_status(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", nargs="?", help="only this community")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("slug", help="the community's slug (nic communities lists them)")
    parser.add_argument("--as-of", type=_date, help="the graph as it stood on this date")


def _configure_export(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--format", choices=sorted(FORMATS), default="gexf", help="the file format to write"
    )
    parser.add_argument("-o", "--output", help="write to this file instead of standard output")


def _configure_report(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument("--within-days", type=int, default=90, help="silo window (days)")
    parser.add_argument("--limit", type=int, default=10, help="how many brokers to list")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _configure_trace(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument("node", help="a cycle or artifact version, such as cycle:12")
    parser.add_argument("--upstream", action="store_true", help="what informed it instead")
    parser.add_argument("--until", type=_date, help="downstream: stop at this date")
    parser.add_argument("--since", type=_date, help="upstream: look no further back")
    parser.add_argument("--json", action="store_true", help="print JSON")


COMMANDS: tuple[Command, ...] = (
    Command("graph export", "Export a community's flow graph.", _configure_export, export_command),
    Command("graph report", "Every flow analysis of a community.", _configure_report,
            report_command),
    Command("graph trace", "Trace a cycle's learning down- or upstream.", _configure_trace,
            trace_command),
    Command("graph status", "The analyses workers have stored and still have to compute.",
            _configure_status, status_command),
)  # fmt: skip
