"""tests/browser/report.py: which Lighthouse runs count towards a page's scores."""
from __future__ import annotations

import pytest

from tests.browser import report


def fake_run(index: float, performance: int) -> dict:
    return {"environment": {"benchmarkIndex": index, "hostUserAgent": "Chrome/156.0 x"},
            "lighthouseVersion": "12", "audits": {},
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
