"""tests/browser/report.py: which Lighthouse runs count towards a page's scores."""
from __future__ import annotations

import pytest

from tests.browser import report


def fake_run(index: float, performance: int, first_paint: float = 250) -> dict:
    observed = {"observedFirstPaint": first_paint, "observedDomContentLoaded": 400}
    return {"environment": {"benchmarkIndex": index, "hostUserAgent": "Chrome/156.0 x"},
            "lighthouseVersion": "12",
            "audits": {"metrics": {"details": {"items": [observed]}}},
            "categories": {c: {"score": performance / 100, "auditRefs": []}
                           for c in report.CATEGORIES}}


@pytest.fixture
def runs(monkeypatch, tmp_path):
    """Feed report.lighthouse a scripted sequence of (benchmark index, performance)."""
    monkeypatch.setattr(report, "OUT", tmp_path)
    monkeypatch.setattr(report, "METRICS", ())
    script = []

    def run(url, path):
        path.write_text("{}")
        return fake_run(*script.pop(0))

    monkeypatch.setattr(report, "run_lighthouse", run)
    return script


def test_only_runs_in_the_bracket_count(runs):
    # The slow-host runs score worst; they must neither count nor end the page early.
    runs += [(1100, 70), (1600, 96), (2100, 100), (1900, 98), (1200, 75), (1500, 97)]
    r = report.lighthouse("http://x/", "page", 3)
    assert r["counted"] == [96, 97, 98]
    assert r["scores"]["performance"] == 97
    assert r["attempts"] == 6 and r["bracketed"]
    assert r["every"] == 97        # the (upper) median of all six: 70 75 96 [97] 98 100


def test_a_host_never_in_the_bracket_counts_every_run(runs):
    runs += [(1100, 80), (1200, 90), (1000, 85), (2200, 99)]
    r = report.lighthouse("http://x/", "page", 1)
    assert r["attempts"] == 4 and not r["bracketed"]
    assert r["counted"] == [80, 85, 90, 99]


def test_stale_runs_of_the_page_are_removed(runs, tmp_path):
    (tmp_path / "page.7.json").write_text("{}")
    (tmp_path / "other.0.json").write_text("{}")
    runs += [(1700, 99)]
    report.lighthouse("http://x/", "page", 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.0.json", "page.0.json"]


def test_counted_runs_whose_first_paint_was_held_are_counted(runs):
    # Early first paints (before or just after parsing) are not held; 1.2 s is.
    runs += [(1600, 96, 250), (1700, 89, 1220), (1100, 70, 2230), (1800, 98, 800)]
    r = report.lighthouse("http://x/", "page", 3)
    assert r["counted"] == [89, 96, 98] and r["held"] == 1
    r["metrics"] = dict.fromkeys(("first-contentful-paint", "largest-contentful-paint",
                                  "total-blocking-time", "cumulative-layout-shift",
                                  "speed-index"), "1 s")
    line = next(l for l in report.write({"p/": r}, {"p/": (1, 2)}, 3, 1.0).splitlines()
                if l.startswith("| /p/ |"))
    assert "| 1 of 3 |" in line
