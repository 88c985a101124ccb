"""Lighthouse scores of the built site next to a plain Material page, and page weights.

    python -m tests.browser.report                 # build the site, measure, write reports/lighthouse.md
    python -m tests.browser.report --site DIR      # measure an existing build
    python -m tests.browser.report --runs 1        # one Lighthouse run per page, not five
    python -m tests.browser.report --quick         # home, one article, one roundup
    python -m tests.browser.report --check         # exit 1 when a target is missed

Lighthouse (npm, package.json) runs with its default mobile preset (simulated
slow 4G and a 4x CPU slowdown) against Debian's chromium, on the home page,
every article and every roundup, served on 127.0.0.1 as GitHub Pages serves
them (gzip; see support.Handler).

The baseline. On a shared 2-core host, absolute scores move 10 points and more
from one day, or one minute, to the next (the 4x slowdown assumes a host as
fast as Lighthouse's reference). So every round of runs also measures a
baseline page: Material with this site's theme settings (mkdocs.yml's theme:
palette, features, fonts off; not its custom_dir) and nothing but one
paragraph, none of the site's templates, styles, scripts or figures. Every
page, the baseline included, is run once per round (each round starting one
page later), for --runs rounds; a page's performance, TBT and LCP are the
medians of its runs, reported next to the baseline's medians, with the median
CPU benchmark index Lighthouse measured as its runs started (a page measured on
a slower host than the baseline shows it there).

Targets: a page's median performance at most 2 points below the baseline's,
its median TBT at most 50 ms above it; accessibility, best practices and SEO
100; the heaviest article <= 1.0 MB. Page weights are measured in Playwright:
every byte an article fetches once it has been scrolled to the bottom (figures,
fonts and the search index included). This is a report, not a test: timings
vary from run to run, so nothing here fails `bash .ci/test`. reports/ is
git-ignored.
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
PERF_SLACK = 2                # points a page may score below the baseline
TBT_SLACK_MS = 50             # ms of total blocking time a page may add to the baseline's
OUT = REPORTS / "lighthouse"
BASELINE = "baseline"
BASELINE_PAGE = """\
# Baseline

One paragraph of text on a page that Material builds with this site's theme
settings and nothing else: no templates, styles, scripts or figures of the site.
"""
BUILD_ENV = {"NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1767225600"}


def mkdocs_build(dest: Path, *args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(dest),
                           *args], cwd=ROOT, env={**os.environ, **BUILD_ENV},
                          capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"mkdocs build {' '.join(args)} failed:\n{proc.stderr}")


def baseline_config() -> dict:
    """mkdocs.yml's site identity and theme settings, without the site's own files."""
    from mkdocs.utils.yaml import yaml_load

    site = yaml_load((ROOT / "mkdocs.yml").read_text())
    theme = {k: v for k, v in site["theme"].items() if k != "custom_dir"}
    return {"site_name": site["site_name"], "site_description": site["site_description"],
            "site_url": site["site_url"], "copyright": site["copyright"], "theme": theme}


def build_baseline(work: Path) -> Path:
    (work / "docs").mkdir(parents=True)
    (work / "docs" / "index.md").write_text(BASELINE_PAGE)
    config = work / "mkdocs.yml"
    config.write_text(json.dumps(baseline_config(), indent=2))     # JSON is YAML
    mkdocs_build(work / "site", "-f", str(config))
    return work / "site"


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


def measure(urls: dict[str, str], runs: int) -> dict[str, list[dict]]:
    """{name: its Lighthouse results}: `runs` rounds, each running every url once.

    Each round starts one url further down the list, so that no page is always
    the one run right after the baseline, or the first of a round (cold caches).
    """
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in OUT.glob("*.json"):
        stale.unlink()
    found: dict[str, list[dict]] = {name: [] for name in urls}
    order = list(urls.items())
    for round_ in range(runs):
        shift = round_ % len(order)
        for name, url in order[shift:] + order[:shift]:
            lhr = run_lighthouse(url, OUT / f"{name}.{round_}.json")
            found[name].append(lhr)
            print(f"round {round_ + 1}/{runs} {name}: performance {score(lhr, 'performance')}",
                  flush=True)
    return found


def score(lhr: dict, category: str) -> int:
    return round(100 * (lhr["categories"][category]["score"] or 0))


def millis(lhr: dict, audit: str) -> float:
    return lhr["audits"][audit]["numericValue"]


def median(values):
    """The middle value (the upper one of an even count): always one of the runs' values."""
    return sorted(values)[len(values) // 2]


def summarise(results: list[dict]) -> dict:
    """The medians of a page's runs, each metric on its own."""
    return {
        "performance": median([score(r, "performance") for r in results]),
        "runs": sorted(score(r, "performance") for r in results),
        "tbt": median([millis(r, "total-blocking-time") for r in results]),
        "lcp": median([millis(r, "largest-contentful-paint") for r in results]),
        "scores": {c: median([score(r, c) for r in results]) for c in CATEGORIES[1:]},
        "benchmark": round(median([r["environment"]["benchmarkIndex"] for r in results])),
        "failing": sorted({ref["id"] for r in results for c in CATEGORIES[1:]
                           for ref in r["categories"][c]["auditRefs"]
                           if ref.get("weight") and (r["audits"][ref["id"]]["score"] or 0) < 1}),
        "lighthouse": results[0]["lighthouseVersion"],
        "chrome": results[0]["environment"]["hostUserAgent"].split("Chrome/")[-1].split()[0],
    }


def missed(page: dict, baseline: dict) -> list[str]:
    """The targets a page's summary misses, measured against the baseline's."""
    found = []
    if page["performance"] < baseline["performance"] - PERF_SLACK:
        found.append(f"performance {page['performance'] - baseline['performance']:+d}")
    if page["tbt"] > baseline["tbt"] + TBT_SLACK_MS:
        found.append(f"TBT {page['tbt'] - baseline['tbt']:+.0f} ms")
    found += [f"{c} {s}" for c, s in page["scores"].items() if s < 100]
    return found


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


def ms(value: float) -> str:
    return f"{value:,.0f} ms"


def write(results: dict[str, dict], baseline: dict, sizes: dict, runs: int, seconds: float) -> str:
    """The report: `results` and `baseline` are summarise()'s, `sizes` weights()'."""
    lines = [
        "# Lighthouse, against plain Material, and page weight", "",
        f"Regenerate with `python -m tests.browser.report` (this run: {seconds:.0f} s, "
        f"{runs} round{'s' if runs > 1 else ''}: every page and the baseline once a round).", "",
        f"Lighthouse {baseline['lighthouse']}, mobile preset (simulated slow 4G, 4x CPU "
        f"slowdown), Chromium {baseline['chrome']}. The baseline is one paragraph that Material "
        "builds with this site's theme settings and nothing of the site's own; it is measured "
        "in the same rounds as the pages, so the host's speed, which moves absolute scores by "
        "10 points and more here, affects both alike. Each value is the median of a page's "
        "runs. Targets: performance at most "
        f"{PERF_SLACK} points below the baseline's, TBT at most {TBT_SLACK_MS} ms above it, "
        "accessibility, best practices and SEO 100 (see tests/browser/report.py).", "",
        "| Page | Performance (runs) | vs baseline | TBT | vs baseline | LCP | vs baseline "
        "| Accessibility | Best practices | SEO | CPU index | Target met |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def row(name: str, r: dict, verdict: str, base: dict | None) -> str:
        s = r["scores"]
        delta = (lambda key, fmt: fmt(r[key] - base[key])) if base else (lambda key, fmt: "")
        return (f"| {name} | {r['performance']} ({'/'.join(map(str, r['runs']))}) | "
                f"{delta('performance', lambda d: f'{d:+d}')} | {ms(r['tbt'])} | "
                f"{delta('tbt', lambda d: f'{d:+,.0f} ms')} | {ms(r['lcp'])} | "
                f"{delta('lcp', lambda d: f'{d:+,.0f} ms')} | {s['accessibility']} | "
                f"{s['best-practices']} | {s['seo']} | {r['benchmark']} | {verdict} |")

    lines.append(row("baseline (plain Material)", baseline, "", None))
    for path, r in results.items():
        misses = missed(r, baseline)
        lines.append(row(f"/{path}", r, "yes" if not misses else
                         "**NO**: " + ", ".join(misses), baseline))
    failing = {p: r["failing"] for p, r in results.items() if r["failing"]}
    if failing:
        lines += ["", "Audits below 100 in accessibility, best practices or SEO, in any run:", ""]
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
                        help="rounds: Lighthouse runs per page and of the baseline (median)")
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
            mkdocs_build(site)
        plain = build_baseline(Path(tmp) / "baseline")
        pages = ["", *article_pages(site), *roundup_pages(site)]
        if args.quick:
            pages = ["", article_pages(site)[0], roundup_pages(site)[-1]]
        names = {path: path.strip("/").replace("/", "__") or "home" for path in pages}
        with serve(site) as origin, serve(plain) as plain_origin:
            found = measure({BASELINE: plain_origin, **{names[p]: origin + p for p in pages}},
                            args.runs)
            sizes = weights(origin, article_pages(site))
    baseline = summarise(found[BASELINE])
    results = {path: summarise(found[names[path]]) for path in pages}
    report = write(results, baseline, sizes, args.runs, time.time() - start)
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "lighthouse.md").write_text(report)
    print(f"\nwrote {(REPORTS / 'lighthouse.md').relative_to(ROOT)}")
    misses = [f"/{p} ({', '.join(missed(r, baseline))})" for p, r in results.items()
              if missed(r, baseline)]
    misses += [f"/{p} ({sent:,} bytes)" for p, (sent, _) in sizes.items() if sent > MAX_PAGE_BYTES]
    if misses:
        print("targets missed on: " + "; ".join(misses))
    return 1 if (args.check and misses) else 0


if __name__ == "__main__":
    sys.exit(main())
