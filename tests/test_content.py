"""The roundups list every article, in the week it appeared."""
from __future__ import annotations

import datetime as dt
import re

import yaml

from conftest import ROOT

DOCS = ROOT / "docs"
LINK = re.compile(r"\]\(\.\./\.\./articles/([a-z0-9-]+)\.md[#)]")


def front_matter(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1]) or {}


def test_every_article_is_announced_by_a_roundup_within_a_week_of_its_date():
    posts = {p.name: (front_matter(p)["date"], set(LINK.findall(p.read_text(encoding="utf-8"))))
             for p in (DOCS / "blog" / "posts").glob("*.md")}
    for article in sorted((DOCS / "articles").glob("*.md")):
        date = front_matter(article).get("date")
        if article.stem == "index" or date is None:
            continue
        announced = [name for name, (posted, slugs) in posts.items()
                     if article.stem in slugs and date <= posted <= date + dt.timedelta(days=7)]
        assert announced, (
            f"docs/articles/{article.name} (dated {date}) is in no roundup post of the week "
            f"after it: link it as ../../articles/{article.name} from docs/blog/posts/")
