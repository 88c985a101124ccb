"""Keep mkdocs-glightbox's script off the critical rendering path.

The plugin puts `<script src=".../glightbox.min.js">` in <head>, where it blocks
parsing and the first paint, and an inline `GLightbox(...)` call at the end of
<body>. The library gets `defer`; the call waits for DOMContentLoaded, which
fires after every deferred script (Material's bundle, `document$`, included:
see docs/overrides/main.html).
"""
from __future__ import annotations

import re

from mkdocs.plugins import event_priority

LIBRARY = re.compile(r'<script src="([^"]*glightbox\.min\.js)"></script>')
INIT = re.compile(r'(<script id="init-glightbox">)(.*?)(</script>)', re.S)


@event_priority(-100)                # after the glightbox plugin's own on_post_page
def on_post_page(output, page, config):
    output = LIBRARY.sub(r'<script defer src="\1"></script>', output, count=1)
    return INIT.sub(lambda m: f'{m[1]}document.addEventListener("DOMContentLoaded", () => {{\n'
                              f'{m[2]}}});{m[3]}', output, count=1)
