"""tests/browser/report.py: rounds against the baseline, medians, targets and the table."""
from __future__ import annotations

import pytest

from tests.browser import report
from tests.browser.support import ROOT


def fake_run(performance: int, tbt: float = 100, lcp: float = 2000, a11y: int = 100,
             index: float = 1500) -> dict:
    scores = {"performance": performance, "accessibility": a11y,
              "best-practices": 100, "seo": 100}
    return {"environment": {"benchmarkIndex": index, "hostUserAgent": "Chrome/156.0 x"},
            "lighthouseVersion": "12",
            "audits": {"total-blocking-time": {"numericValue": tbt},
                       "largest-contentful-paint": {"numericValue": lcp},
                       "aria-dialog-name": {"score": a11y / 100}},
            "categories": {c: {"score": s / 100,
                               "auditRefs": [{"id": "aria-dialog-name", "weight": 1}]
                               if c == "accessibility" else []}
                           for c, s in scores.items()}}


def test_rounds_interleave_the_baseline_with_every_page(monkeypatch, tmp_path):
    monkeypatch.setattr(report, "OUT", tmp_path)
    (tmp_path / "old-page.4.json").write_text("{}")        # a page measured last time
    calls = []

    def run(url, path):
        calls.append(url)
        path.write_text("{}")
        return fake_run(90)

    monkeypatch.setattr(report, "run_lighthouse", run)
    found = report.measure({"baseline": "b", "home": "h", "post": "p"}, 2)
    assert calls == ["b", "h", "p", "h", "p", "b"]      # each round starts one page later
    assert {name: len(runs) for name, runs in found.items()} == {"baseline": 2, "home": 2, "post": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "baseline.0.json", "baseline.1.json", "home.0.json", "home.1.json",
        "post.0.json", "post.1.json"]


def test_each_metric_is_the_median_of_the_runs_on_its_own():
    s = report.summarise([fake_run(90, tbt=300, lcp=1800), fake_run(97, tbt=40, lcp=2600),
                          fake_run(93, tbt=120, lcp=2100, a11y=92)])
    assert (s["performance"], s["tbt"], s["lcp"]) == (93, 120, 2100)
    assert s["runs"] == [90, 93, 97]
    assert s["scores"]["accessibility"] == 100
    assert s["failing"] == ["aria-dialog-name"]       # failed in one run: still listed


@pytest.mark.parametrize("performance, tbt, a11y, misses", [
    (92, 150, 100, []),                                 # exactly at both limits
    (95, 20, 100, []),                                  # better than the baseline
    (91, 150, 100, ["performance -3"]),
    (94, 151, 100, ["TBT +51 ms"]),
    (94, 100, 98, ["accessibility 98"]),
])
def test_targets_are_measured_against_the_baseline(performance, tbt, a11y, misses):
    baseline = report.summarise([fake_run(94, tbt=100, a11y=92)])   # its own a11y is not a target
    page = report.summarise([fake_run(performance, tbt=tbt, a11y=a11y)])
    assert report.missed(page, baseline) == misses


def test_the_table_shows_each_page_next_to_the_baseline():
    baseline = report.summarise([fake_run(94, tbt=100, lcp=2000)])
    results = {"": report.summarise([fake_run(95, tbt=90, lcp=2300)]),
               "articles/x/": report.summarise([fake_run(88, tbt=400, lcp=1900)])}
    text = report.write(results, baseline, {"articles/x/": (1000, 2000)}, 1, 1.0)
    scores = text.split("## Page weight")[0]
    rows = {line.split(" | ")[0]: line for line in scores.splitlines() if line.startswith("| ")}
    assert rows["| baseline (plain Material)"].startswith(
        "| baseline (plain Material) | 94 (94) |  | 100 ms |  | 2,000 ms |")
    assert "| 95 (95) | +1 | 90 ms | -10 ms | 2,300 ms | +300 ms |" in rows["| /"]
    assert rows["| /"].endswith("| yes |")
    assert rows["| /articles/x/"].endswith("| **NO**: performance -6, TBT +300 ms |")


def test_the_baseline_has_the_sites_theme_and_nothing_of_its_own():
    from mkdocs.utils.yaml import yaml_load

    site = yaml_load((ROOT / "mkdocs.yml").read_text())
    config = report.baseline_config()
    assert config["theme"] == {k: v for k, v in site["theme"].items() if k != "custom_dir"}
    assert "custom_dir" in site["theme"] and "palette" in config["theme"]
    assert not {"hooks", "plugins", "extra_css", "extra_javascript",
                "markdown_extensions"} & set(config)
