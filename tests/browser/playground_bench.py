"""How fast the playground trains and draws in headless Chromium: a report, not a test.

    python -m tests.browser.playground_bench [--seconds 3] [--site DIR]

Builds the site (unless --site is given), opens the playground page with its
default configuration (the activation article's ReLU network on circles) and
measures, unthrottled and with Lighthouse's 4x CPU slowdown:

- core: epochs per second of Trainer.trainEpoch alone, nothing drawn;
- playing at 1 epoch per frame: frames per second, the heat map and charts redrawn
  every frame (the default "Speed" setting);
- playing as fast as it can: epochs per second with the heat map redrawn every
  frame (training fills about 8 ms of each frame).

Writes reports/playground-bench.md.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from .support import REPORTS, ROOT, launch, new_context, serve

MEASURE = """async ([seconds, speed]) => {
    const el = document.querySelector('.nl-playground');
    const p = el.playground;
    document.querySelector('.nlp select[id$=-speed]').value = speed;
    let frames = 0, on = true;
    const count = () => { frames++; if (on) requestAnimationFrame(count); };
    requestAnimationFrame(count);
    const e0 = p.trainer.epoch, t0 = performance.now();
    p.setPlaying(true);
    await new Promise(r => setTimeout(r, seconds * 1000));
    p.setPlaying(false);
    on = false;
    const dt = (performance.now() - t0) / 1000;
    return { epochs: (p.trainer.epoch - e0) / dt, fps: frames / dt };
}"""
CORE = """async (seconds) => {
    const { Trainer } = await import('/playground/core/nn.js');
    const p = document.querySelector('.nl-playground').playground;
    const t = new Trainer(p.state);
    let n = 0; const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) { t.trainEpoch(); n++; }
    return n / ((performance.now() - t0) / 1000);
}"""


def build_site(dest: Path) -> Path:
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(dest)], cwd=ROOT,
                   check=True, env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    return dest


def measure(site: Path, seconds: float) -> list[tuple[str, dict]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with serve(site) as origin, sync_playwright() as p:
        browser = launch(p)
        for slowdown in (1, 4):
            context = new_context(browser, reduced_motion="no-preference")
            page = context.new_page()
            page.goto(origin + "/playground/")
            page.wait_for_selector(".nl-playground[data-nl-state=live]")
            page.wait_for_function("!document.querySelector('.nl-playground').playground.replaying")
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
            core = page.evaluate(CORE, seconds)
            per_frame = page.evaluate(MEASURE, [seconds, "1"])
            fastest = page.evaluate(MEASURE, [seconds, "0"])
            rows.append((f"{slowdown}x", {"core": core, "fps": per_frame["fps"],
                                          "fast_epochs": fastest["epochs"], "fast_fps": fastest["fps"]}))
            context.close()
        browser.close()
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--site", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build_site(Path(tmp) / "site")
        rows = measure(site, args.seconds)
    lines = ["# Playground speed (headless Chromium, default configuration)", "",
             "| CPU | core: epochs/s, nothing drawn | 1 epoch per frame: frames/s | "
             "as fast as it can: epochs/s | its frames/s |", "|---|---|---|---|---|"]
    for name, r in rows:
        lines.append(f"| {name} | {r['core']:.0f} | {r['fps']:.0f} | {r['fast_epochs']:.0f} | "
                     f"{r['fast_fps']:.0f} |")
    text = "\n".join(lines) + "\n"
    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "playground-bench.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
