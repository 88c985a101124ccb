"""Give the RSS feed a real channel image: assets/feed-image.png under site_url.

mkdocs-rss-plugin takes `image:` only as an absolute URL and otherwise writes
`<url>None</url>`; site_url comes from the environment (SITE_URL in the deploy
workflow), so the URL is made here, before the plugin reads its config.
"""
from __future__ import annotations

from urllib.parse import urljoin

from mkdocs.plugins import event_priority

IMAGE = "assets/feed-image.png"      # docs/assets/feed-image.png, 144 x 144 (RSS maximum width)


@event_priority(100)                 # before the rss plugin's own on_config (priority 0)
def on_config(config):
    rss = config.plugins.get("rss")
    if rss is not None and not rss.config.image and config.site_url:
        rss.config["image"] = urljoin(config.site_url, IMAGE)
    return config
