"""Make the page's relative URLs absolute in the browser before its first style pass.

With `navigation.instant`, Material's bundle starts by writing every relative
`href` and `src` of the page back as an absolute URL (`el.href = el.href`,
integrations/instant/index.ts, `resolve`), so that links still resolve once
instant navigation has changed the address. Done then, after the page was first
styled, it restyles the page inside the bundle's long task: a <link> whose
href is set loads its stylesheet again, and every rewritten link is restyled
(tests/browser/test_loading.py, Chromium traces on Lighthouse's phone).

This hook puts the same rewrite, with Material's own test (a value with neither
a scheme nor `//` is relative), where it costs no style work: a script at the
end of <head>, after every stylesheet and before anything is styled, and one at
the end of <body>, before the deferred scripts run. Material's pass then finds
nothing left to change. Like Material, it leaves file:// pages alone.
"""
from __future__ import annotations

from mkdocs.plugins import event_priority

DEFINE = ('<script>function __nl_absolute(root){if(location.protocol!=="file:")'
          'for(const el of root.querySelectorAll("[href],[src]"))for(const key of["href","src"]){'
          'const value=el.getAttribute(key);'
          'if(value&&!/^(?:[a-z]+:)?\\/\\//i.test(value)){el[key]=el[key];break}}}'
          '__nl_absolute(document.head)</script>')
CALL = "<script>__nl_absolute(document.body)</script>"


@event_priority(-200)          # last: after the glightbox plugin and glightbox_defer add to <head>
def on_post_page(output, page, config):
    if "navigation.instant" not in (config.theme.get("features") or []):
        return output
    head, body = output.rfind("</head>"), output.rfind("</body>")
    if head < 0 or body < 0:
        return output
    return (output[:head] + DEFINE + output[head:body] + CALL + output[body:])
