"""Every page of the built site is valid HTML for the W3C Nu HTML checker (npm vnu-jar)."""
from __future__ import annotations

import json
import subprocess

import pytest

from .support import describe, site_pages

pytestmark = pytest.mark.build


def test_nu_html_checker_finds_no_error(site, vnu_jar):
    proc = subprocess.run(
        ["java", "-jar", str(vnu_jar), "--errors-only", "--format", "json", "--skip-non-html",
         str(site)], capture_output=True, text=True, timeout=600)
    messages = json.loads(proc.stderr or proc.stdout or '{"messages": []}')["messages"]
    errors = [{"page": m.get("url", "").split(site.name, 1)[-1], "line": m.get("lastLine"),
               "message": m.get("message"), "extract": m.get("extract")}
              for m in messages if m.get("type") in ("error", "non-document-error")]
    assert len(site_pages(site)) > 5
    assert not errors, f"{len(errors)} errors:\n" + describe(errors[:20])
