"""Command line: `python -m gen [build|list|new|check] [--only PATTERN] [--force] [--explain]`.

    python -m gen                 bring figures/ up to date (stale figures only)
    python -m gen list            every figure, its article and whether it is fresh
    python -m gen --explain       what changed for each stale figure, without running it
    python -m gen --only 'activation*' --force --jobs 1
    python -m gen new article "Title"    scaffold an article, its figure module and a test
    python -m gen new roundup            the next weekly roundup post (a draft)
    python -m gen check           front matter, content and shortcodes of every page
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from gen.build import CACHE, NoMatch, available_cores, build, plan
from gen.discover import ROOT, DeclarationError

COMMANDS = ("build", "list")                    # parsed here; build is the default
DELEGATED = {"new": "gen.new",                  # contributor scaffolding
             "check": "gen.validate"}           # the build's page checks alone
USAGE = f"python -m gen [{'|'.join([*COMMANDS, *DELEGATED])}] [options]"


def _progress(done: int, total: int, label: str, result) -> None:
    mark = "ok " if result.ok else "ERR"
    line = f"[{done:>{len(str(total))}}/{total}] {mark} {label}  {result.seconds:.1f} s"
    if not result.ok:
        line += f"\n      {result.error}"
    print(line, file=sys.stderr, flush=True)


def summary(report) -> str:
    lines = []
    if report.ran:
        width = max(len(label) for label, _ in report.ran)
        lines.append("time per figure (worker seconds):")
        for label, seconds in sorted(report.ran, key=lambda r: -r[1]):
            lines.append(f"  {label:<{width}}  {seconds:6.2f}")
    lines.append(f"{len(report.ran)} ran, {len(report.restored)} from the cache, {report.fresh} fresh, "
                 f"{len(report.failures)} failed, {len(report.changed_files)} files changed "
                 f"in {report.seconds:.1f} s")
    for failure in report.failures:
        lines.append(f"error: {failure.message()}")
        if failure.detail:
            lines.append("  " + failure.detail.rstrip().replace("\n", "\n  "))
    return "\n".join(lines)


def explain(jobs) -> str:
    """One line per stale figure: what changed (and where the analysis took a whole module)."""
    lines = []
    stale = [job for job in jobs if job.reasons]
    for job in stale:
        line = f"{job.label}: " + "; ".join(job.reasons)
        if job.cached and "--force" not in job.reasons:
            line += " (a result for this code is in the cache: restored, not rerun)"
        lines.append(line + "".join(f"; note: {n}" for n in job.notes))
    cached = sum(job.cached for job in stale)
    lines.append(f"{len(stale)} stale ({cached} of them restored from the cache), "
                 f"{len(jobs) - len(stale)} fresh")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] and argv[0] in DELEGATED:        # each parses its own arguments
        return importlib.import_module(DELEGATED[argv[0]]).main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m gen", usage=USAGE, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=COMMANDS)
    parser.add_argument("--only", metavar="PATTERN",
                        help="figures whose 'module/name', name or module matches (glob)")
    parser.add_argument("--force", action="store_true", help="rerun even fresh figures")
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help=f"worker processes (default: usable cores, here {available_cores()})")
    parser.add_argument("--explain", action="store_true",
                        help="print what changed for each stale figure; run nothing")
    parser.add_argument("--timeout", type=float, default=None,
                        help="seconds one figure may take (default 300, or NONLINEAR_TIMEOUT)")
    parser.add_argument("--quick", action="store_true",
                        help="small, fast versions of the figures, to try the plumbing; kept in "
                             f"{CACHE}/ only, never in figures/ nor on the site")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    try:
        if args.command == "list" or args.explain:
            jobs = plan(args.root, only=args.only, force=args.force, quick=args.quick)
            if args.explain:
                print(explain(jobs))
            else:
                for job in jobs:
                    state = "stale" if job.reasons else "fresh"
                    print(f"{job.label:<48} {state:<5}  docs/articles/{job.module.slug}.md")
            if not jobs:
                print("no figures declared")
            return 0
        report = build(args.root, only=args.only, force=args.force, jobs=args.jobs,
                       quick=args.quick, timeout=args.timeout, progress=_progress)
    except (DeclarationError, NoMatch) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(summary(report), file=sys.stderr)
    if args.quick:
        print(f"quick versions are kept in {CACHE}/ only, never in figures/ nor on the site",
              file=sys.stderr)
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
