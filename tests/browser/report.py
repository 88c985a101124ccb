"""Lighthouse scores and page weights of the built site, written to reports/lighthouse.md.

    python -m tests.browser.report                 # build the site, measure, write the report
    python -m tests.browser.report --site DIR      # measure an existing build
    python -m tests.browser.report --runs 1        # one counted Lighthouse run per page, not five
    python -m tests.browser.report --quick         # home, one article, one roundup
    python -m tests.browser.report --check         # exit 1 when a target is missed

Lighthouse (npm, package.json) runs with its default mobile preset (simulated
slow 4G and a 4x CPU slowdown) against Debian's chromium, on the home page,
every article and every roundup, served on 127.0.0.1 as GitHub Pages serves
them (gzip; see support.Handler). Page weights are measured in Playwright: every
byte an article fetches once it has been scrolled to the bottom (figures, fonts
and the search index included).

Which runs count. The 4x slowdown stands for a mid-tier phone only on a host
as fast as Lighthouse assumes: its docs/throttling.md gives 4x for a benchmark
index of 1500-2000 (Lighthouse measures the index as each run starts). On this
kind of shared 2-core machine the index moves between about 1050 and 2150 from
one run to the next, and a run started below the bracket emulates a slower
phone: over 110 stored runs, the median performance was 97 in the bracket and
94 below it. So a run counts only when its index is in the bracket; the others
are kept (their JSON, and the all-runs column) and the page is run again, at
most 4 x --runs times. A page's scores are those of the median counted run (by
performance); Lighthouse's docs/variability.md finds that a median of five
halves the run-to-run spread. If the host never reaches the bracket, every run
counts and the report says so.

Targets: performance >= 95; accessibility, best practices, SEO = 100; the
heaviest article <= 1.0 MB. This is a report, not a test: timings vary from run
to run, so nothing here fails `bash .ci/test`. reports/ is git-ignored.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .support import (LIGHTHOUSE, MAX_PAGE_BYTES, REPORTS, ROOT, Tab, article_pages,
                      chromium_path, launch, new_context, roundup_pages, serve)

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
           "cumulative-layout-shift", "speed-index")
OUT = REPORTS / "lighthouse"


def build(dest: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(dest)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"mkdocs build failed:\n{proc.stderr}")


BRACKET = (1500, 2000)      # benchmark index for which 4x is meant (docs/throttling.md)


def in_bracket(lhr: dict) -> bool:
    return BRACKET[0] <= lhr["environment"]["benchmarkIndex"] <= BRACKET[1]


def run_lighthouse(url: str, path: Path) -> dict:
    proc = subprocess.run(
        ["node", str(LIGHTHOUSE), url, "--output=json", f"--output-path={path}", "--quiet",
         f"--only-categories={','.join(CATEGORIES)}",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
        env={**os.environ, "CHROME_PATH": chromium_path()}, capture_output=True, text=True)
    if proc.returncode or not path.is_file():
        sys.exit(f"lighthouse failed on {url}:\n{proc.stderr[-2000:]}")
    lhr = json.loads(path.read_text())
    if lhr.get("runtimeError"):
        sys.exit(f"lighthouse could not load {url}: {lhr['runtimeError']}")
    return lhr


# A run whose browser drew its first frame this long after the page was parsed.
# In a third to a half of the runs on this machine, headless Chromium under
# Lighthouse holds the first frame until about 1.2 or 2.2 s after navigation,
# though the page was parsed by 0.3-0.7 s; Lantern then counts the requests and
# work of Material's bundle before the first paint. Such runs mostly score lower
# (over 120 runs of every page: median 90 held, 96 not), though not always: a
# bundle that ran before the paint is left out of TBT. It comes with the flags
# chrome-launcher gives Lighthouse's browser: with RenderDocument, which they
# disable, enabled again, 0 of 6 runs of the home page held their first paint
# against 2 of 6 (disabling PaintHolding: 3 of 6), but Lighthouse then read
# DOMContentLoaded at 1-25 ms, which is why chrome-launcher disables it.
# Playwright's loads of the same pages never hold it; neither did a page without
# scripts in Lighthouse.
HELD_MS = 500


def paint_held(lhr: dict) -> bool:
    m = lhr["audits"]["metrics"]["details"]["items"][0]
    return m["observedFirstPaint"] - m["observedDomContentLoaded"] > HELD_MS


def score(lhr: dict, category: str) -> int:
    return round(100 * (lhr["categories"][category]["score"] or 0))


def performance(lhr: dict) -> int:
    return score(lhr, "performance")


def median_run(results: list[dict]) -> dict:
    return sorted(results, key=performance)[len(results) // 2]


def lighthouse(url: str, name: str, runs: int) -> dict:
    """`runs` counted Lighthouse runs (see "Which runs count"), summarised by the median."""
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in OUT.glob(f"{name}.*.json"):
        stale.unlink()
    every, counted = [], []
    for attempt in range(4 * runs):
        lhr = run_lighthouse(url, OUT / f"{name}.{attempt}.json")
        every.append(lhr)
        if in_bracket(lhr):
            counted.append(lhr)
            if len(counted) == runs:
                break
    bracketed = bool(counted)
    counted = counted or every
    lhr = median_run(counted)
    return {
        "scores": {c: score(lhr, c) for c in CATEGORIES},
        "metrics": {m: lhr["audits"][m]["displayValue"].replace("\xa0", " ") for m in METRICS},
        "benchmark": round(lhr["environment"]["benchmarkIndex"]),
        "failing": sorted({ref["id"] for c in CATEGORIES[1:]
                           for ref in lhr["categories"][c]["auditRefs"]
                           if ref.get("weight") and (lhr["audits"][ref["id"]]["score"] or 0) < 1}),
        "lighthouse": lhr["lighthouseVersion"],
        "chrome": lhr["environment"]["hostUserAgent"].split("Chrome/")[-1].split()[0],
        "counted": sorted(map(performance, counted)),
        "held": sum(map(paint_held, counted)),
        "bracketed": bracketed,
        "every": performance(median_run(every)),
        "attempts": len(every),
    }


def weights(origin: str, paths: list[str]) -> dict[str, tuple[int, int]]:
    """{path: (bytes transferred, bytes decoded)} for each page, scrolled to the bottom."""
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as p:
        browser = launch(p)
        tab = Tab(new_context(browser), origin)
        for path in paths:
            visit = tab.read(path)
            tab.page.wait_for_timeout(300)
            decoded = 0
            for request in visit.finished:
                response = request.response()
                if response is not None:
                    try:
                        decoded += len(response.body())
                    except Exception:           # a body Chromium no longer holds
                        decoded += request.sizes()["responseBodySize"]
            found[path] = (visit.transferred(), decoded)
        browser.close()
    return found


def mark(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def write(results: dict, sizes: dict, runs: int, seconds: float) -> str:
    first = next(iter(results.values()))
    lines = [
        "# Lighthouse and page weight", "",
        f"Regenerate with `python -m tests.browser.report` (this run: {seconds:.0f} s, "
        f"{runs} counted Lighthouse run{'s' if runs > 1 else ''} per page).", "",
        f"Lighthouse {first['lighthouse']}, mobile preset (simulated slow 4G, 4x CPU slowdown), "
        f"Chromium {first['chrome']}. Targets: performance >= {TARGETS['performance']}, "
        "accessibility, best practices and SEO 100. A run counts when the host's CPU benchmark "
        f"index, measured by Lighthouse as the run starts, is within {BRACKET[0]}-{BRACKET[1]}, "
        "the range for which Lighthouse's throttling documentation sets the 4x slowdown; a "
        "slower host emulates a slower phone than the preset's. The scores are those of the "
        "median counted run; the last column is the median of every run, counted or not "
        "(see the docstring of tests/browser/report.py). \"First paint held\" counts the "
        "counted runs in which the browser drew its first frame more than "
        f"{HELD_MS} ms after the page was parsed (report.HELD_MS says why that matters).", "",
        "| Page | Performance (counted runs) | Accessibility | Best practices | SEO | FCP | LCP "
        "| TBT | CLS | SI | CPU index | First paint held | Target met | Performance, every run |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for path, r in results.items():
        s, m = r["scores"], r["metrics"]
        ok = all(s[c] >= TARGETS[c] for c in CATEGORIES)
        perf = f"{s['performance']} ({'/'.join(map(str, r['counted']))})"
        if not r["bracketed"]:
            perf += ", host never in the bracket: every run counted"
        lines.append(f"| /{path} | {perf} | {s['accessibility']} | {s['best-practices']} | "
                     f"{s['seo']} | {m['first-contentful-paint']} | "
                     f"{m['largest-contentful-paint']} | {m['total-blocking-time']} | "
                     f"{m['cumulative-layout-shift']} | {m['speed-index']} | {r['benchmark']} | "
                     f"{r['held']} of {len(r['counted'])} | {mark(ok)} | "
                     f"{r['every']} ({r['attempts']} runs) |")
    failing = {p: r["failing"] for p, r in results.items() if r["failing"]}
    if failing:
        lines += ["", "Audits below 100 in accessibility, best practices or SEO:", ""]
        lines += [f"- /{p}: {', '.join(ids)}" for p, ids in failing.items()]
    lines += ["", "## Page weight of the articles", "",
              "Every response once the page is scrolled to the bottom (HTML, CSS, JS, fonts, "
              "search index, the figures of the scheme shown), served gzipped as GitHub Pages "
              f"does. Target: the heaviest article transfers <= {MAX_PAGE_BYTES / 1e6:.1f} MB.", "",
              "| Article | Transferred | Uncompressed |", "|---|---|---|"]
    for path, (sent, decoded) in sorted(sizes.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"| /{path} | {sent / 1e6:.3f} MB | {decoded / 1e6:.3f} MB |")
    heaviest = max(sizes.items(), key=lambda kv: kv[1][0])
    lines += ["", f"Heaviest: /{heaviest[0]}, {heaviest[1][0]:,} bytes transferred "
              f"({mark(heaviest[1][0] <= MAX_PAGE_BYTES)} within the target)."]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="an existing `mkdocs build` output")
    parser.add_argument("--runs", type=int, default=5,
                        help="counted Lighthouse runs per page (median)")
    parser.add_argument("--quick", action="store_true",
                        help="only the home page, the first article and the latest roundup")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    missing = [what for what, ok in (("chromium", chromium_path()),
                                     ("Lighthouse (npm ci)", LIGHTHOUSE.is_file()),
                                     ("node", subprocess.run(["which", "node"],
                                                             capture_output=True).returncode == 0))
               if not ok]
    if missing:
        sys.exit(f"missing: {', '.join(missing)}; `bash .ci/browser-tools` installs them")
    start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            print("building the site...", flush=True)
            build(site)
        pages = ["", *article_pages(site), *roundup_pages(site)]
        if args.quick:
            pages = ["", article_pages(site)[0], roundup_pages(site)[-1]]
        with serve(site) as origin:
            results = {}
            for path in pages:
                name = path.strip("/").replace("/", "__") or "home"
                results[path] = r = lighthouse(origin + path, name, args.runs)
                s = r["scores"]
                print(f"/{path}: " + " ".join(f"{c} {s[c]}" for c in CATEGORIES)
                      + f" (counted {r['counted']} of {r['attempts']} runs)", flush=True)
            sizes = weights(origin, article_pages(site))
    report = write(results, sizes, args.runs, time.time() - start)
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "lighthouse.md").write_text(report)
    print(f"\nwrote {(REPORTS / 'lighthouse.md').relative_to(ROOT)}")
    missed = [p for p, r in results.items()
              if any(r["scores"][c] < TARGETS[c] for c in CATEGORIES)]
    missed += [p for p, (sent, _) in sizes.items() if sent > MAX_PAGE_BYTES]
    if missed:
        print("targets missed on: " + ", ".join(f"/{p}" for p in missed))
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
