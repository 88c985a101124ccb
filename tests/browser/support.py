"""Helpers shared by the browser tests and the report (python -m tests.browser.report)."""
from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import json
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = NODE_MODULES / "lighthouse" / "cli" / "index.js"
REPORTS = ROOT / "reports"
SCREENSHOTS = REPORTS / "screenshots"
SCHEMES = ("light", "dark")
VIEWPORT = {"width": 1280, "height": 900}
# The phone of Lighthouse's mobile preset (its screen emulation: a Moto G Power).
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75,
         "is_mobile": True, "has_touch": True}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
INSTALL = "`bash .ci/test` installs it (Debian's chromium and Java by apt-get, the Node tools by `npm ci`)"
MAX_PAGE_BYTES = 1_000_000          # the heaviest article, every byte included


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        if path := shutil.which(name):
            return path
    return None


# ------------------------------------------------------------------ the site


COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".xsl", ".txt", ".ttf"}
CANONICAL = re.compile(rb'<link rel="canonical" href="([^"]+)"')


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as GitHub Pages serves it at its site_url.

    Text types are gzipped (as GitHub Pages does) with max-age=600. The sitemap
    names pages under site_url; Material's instant navigation only follows links
    it finds there, so sitemap.xml is served with site_url replaced by this origin.
    """

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def translate_path(self, path):
        # Under a sub-path (GitHub Pages' project sites) nothing above it exists.
        prefix = "/" + self.server.prefix
        if not path.startswith(prefix):
            return os.path.join(self.directory, "__outside_the_site__")
        return super().translate_path("/" + path[len(prefix):])

    def send_head(self):
        path = self.translate_path(self.path)
        missing = os.path.join(self.directory, "404.html")
        if not os.path.exists(path) and os.path.isfile(missing):
            # As GitHub Pages does: a missing page is the site's 404.html, status 404.
            body = self.server.body(missing, False)
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        gzipped = "gzip" in self.headers.get("Accept-Encoding", "")
        sitemap = os.path.basename(path) == "sitemap.xml"
        if not os.path.isfile(path) or not (
                sitemap or (gzipped and os.path.splitext(path)[1] in COMPRESSED)):
            return super().send_head()
        body = self.server.body(path, gzipped)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: Path, prefix: str = ""):
        super().__init__(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
        self.prefix = prefix
        self.origin = f"http://127.0.0.1:{self.server_port}/{prefix}"
        index = site / "index.html"
        found = CANONICAL.search(index.read_bytes()) if index.is_file() else None
        self.site_url = found.group(1) if found else None
        self.cache: dict = {}

    def body(self, path: str, gzipped: bool) -> bytes:
        stat = os.stat(path)
        key = (path, stat.st_mtime_ns, stat.st_size, gzipped)
        if key not in self.cache:
            with open(path, "rb") as f:
                data = f.read()
            if os.path.basename(path) == "sitemap.xml" and self.site_url:
                data = data.replace(self.site_url, self.origin.encode())
            self.cache[key] = gzip.compress(data, compresslevel=6, mtime=0) if gzipped else data
        return self.cache[key]

    def handle_error(self, request, client_address):
        pass        # a browser closing mid-response (BrokenPipe) is not the site's fault


@contextlib.contextmanager
def serve(site: Path, prefix: str = ""):
    """Serve a built site on 127.0.0.1 (a free port) in a thread; yields its base URL.

    Served like its real host (see Handler): byte counts and Lighthouse scores
    then match what a reader's browser receives. With a `prefix` ("nonlinear/")
    the site is served under that path, as GitHub Pages serves a project site;
    every request outside it is a 404.
    """
    server = _Server(site, prefix)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.origin
    finally:
        server.shutdown()
        server.server_close()


def site_pages(site: Path) -> list[str]:
    """URL path of every page of the built site ("" is the home page)."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        pages.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return pages


def article_pages(site: Path) -> list[str]:
    return [p for p in site_pages(site) if re.fullmatch(r"articles/[^/]+/", p)]


def roundup_pages(site: Path) -> list[str]:
    return [p for p in site_pages(site) if re.fullmatch(r"blog/\d{4}/\d\d/\d\d/[^/]+/", p)]


def screenshot_path(url_path: str, scheme: str) -> Path:
    name = url_path.strip("/").replace("/", "__") or "home"
    return SCREENSHOTS / scheme / f"{name.removesuffix('.html')}.png"


# ------------------------------------------------------------------ one page in the browser


@dataclass
class Visit:
    """What one page load did: its requests and errors."""
    origin: str
    foreign: list[str] = field(default_factory=list)      # requests to any other host (aborted)
    errors: list[str] = field(default_factory=list)       # console errors, page errors, failed loads
    finished: list = field(default_factory=list)          # every completed request
    started: set = field(default_factory=set)             # ids of the requests this load made

    def mine(self, request) -> bool:
        return id(request) in self.started

    def transferred(self) -> int:
        """Bytes received, headers and bodies, by every completed request (the page is open)."""
        total = 0
        for request in self.finished:
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        return total


class Tab:
    """One browser page, reused from load to load, with the network cut.

    Every request not on the site's own origin is recorded and aborted, so a
    page that needs a third party shows a foreign request and usually an error.
    (Routing also turns Chromium's cache off: every load is weighed from scratch.)
    Reusing the page is much faster than opening one per load; events are
    credited to the load whose requests they concern.
    """

    def __init__(self, context, origin: str):
        self.origin, self.visit = origin, Visit(origin)
        self.stalls: list[str] = []        # loads on which the browser stopped drawing (read)
        self.page = page = context.new_page()
        # Matched in the browser driver: requests to the origin never wait on Python.
        page.route(re.compile("^(?!" + re.escape(origin) + ")"), self._block)
        page.on("request", lambda request: self.visit.started.add(id(request)))
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.visit.errors.append(f"page error: {error}"))

    def open(self, path: str, wait: str = "load") -> Visit:
        # Leaving a page aborts what it still had in flight (the search worker,
        # instant navigation's sitemap.xml): those aborts belong to no visit, and
        # must not land in the last one, whose results the caller already holds.
        self.visit = Visit(self.origin)
        self.page.goto("about:blank")
        self.visit = Visit(self.origin)
        self.page.goto(self.origin + path, wait_until=wait)
        return self.visit

    def read(self, path: str, tries: int = 3) -> Visit:
        """Open `path`, scroll to the bottom as a reader would, and wait for its math.

        A load on which the browser stopped drawing (RendererStalled) is opened
        again, at most `tries` times in all; each stall is kept in self.stalls,
        and the visit returned carries the foreign requests and errors of every
        attempt, so a retry hides nothing the page did.
        """
        foreign, errors = [], []
        for attempt in range(1, tries + 1):
            visit = self.open(path)
            scroll_through(self.page)
            try:
                wait_for_math(self.page)
            except RendererStalled as stall:
                self.stalls.append(str(stall))
                foreign, errors = foreign + visit.foreign, errors + visit.errors
                if attempt == tries:
                    raise
                continue
            visit.foreign[:0], visit.errors[:0] = foreign, errors
            return visit

    def _block(self, route):
        self.visit.foreign.append(route.request.url)
        route.abort("blockedbyclient")

    def _finished(self, request):
        if self.visit.mine(request):
            self.visit.finished.append(request)

    def _failed(self, request):
        if self.visit.mine(request) and request.url.startswith(self.origin):
            self.visit.errors.append(f"failed: {request.url} ({request.failure})")

    def _response(self, response):
        if self.visit.mine(response.request) and response.status >= 400:
            self.visit.errors.append(f"HTTP {response.status}: {response.url}")

    def _console(self, message):
        if message.type == "error":
            self.visit.errors.append(f"console: {message.text}")


def open_page(context, origin: str, path: str, wait: str = "load"):
    """Open origin+path in a new page of `context`, with the network cut: (page, visit)."""
    tab = Tab(context, origin)
    return tab.page, tab.open(path, wait)


def new_context(browser, scheme: str = "light", viewport=VIEWPORT, **options):
    defaults = {"reduced_motion": "reduce", "service_workers": "block"}
    return browser.new_context(viewport=viewport, color_scheme=scheme, **{**defaults, **options})


def toggle_palette(page):
    """Click the palette toggle and wait for the other colour scheme."""
    before = page.evaluate("document.body.dataset.mdColorScheme")
    page.locator("form.nl-palette label:not([hidden])").click()
    page.wait_for_function(f"document.body.dataset.mdColorScheme !== '{before}'")


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


class RendererStalled(RuntimeError):
    """The browser stopped drawing the page: no animation frame while timers still ran.

    Seen in headless Chromium on a busy 2-core machine, about once in 300 loads
    with four browsers at work (none in 900 loads with three, once in CI with
    two): mid-load, a page stops producing frames for good. requestAnimationFrame
    and a brand-new IntersectionObserver stay silent for 40 s, the page visible
    and focused, while its timers (every 50 ms), network and Web Worker go on, so
    the main thread is not busy. The same page draws normally on every other
    load, and a new load of it in the same tab does. Formulas are typeset as they
    come into view, which takes frames, so such a load cannot show them: Tab.read
    opens the page again, and the test fails only if every attempt stalls.
    """


class RendererStallWarning(UserWarning):
    """A load was opened again because the browser stopped drawing it (pytest lists these)."""


STALL_MS = 5_000      # no frame for this long, timers running: the renderer has stalled


def wait_for_math(page, timeout: float = 30_000):
    """Wait until every .arithmatex element holds KaTeX output (no-op without math).

    Formulas are typeset as they near the viewport (docs/javascripts/katex.js),
    so each one still waiting is scrolled to, as a reader would; then back to the top.
    Raises RendererStalled when the browser stops drawing the page meanwhile.
    """
    done = page.evaluate("""async ([timeout, stallMs]) => {
        const deadline = performance.now() + timeout;
        const waiting = () => [...document.querySelectorAll('.arithmatex')]
            .filter(el => !el.querySelector('.katex, .katex-error'));
        let left = waiting(), lastFrame = performance.now(), stalled = false;
        const tick = () => { lastFrame = performance.now(); if (left.length) requestAnimationFrame(tick); };
        requestAnimationFrame(tick);
        while (left.length && performance.now() < deadline) {
            left[0].scrollIntoView({block: 'center'});
            await new Promise(resolve => setTimeout(resolve, 50));
            left = waiting();
            if (left.length && performance.now() - lastFrame > stallMs) { stalled = true; break; }
        }
        window.scrollTo(0, 0);
        return {left: left.length, first: left.length ? left[0].textContent.slice(0, 80) : '',
                hidden: document.documentElement.classList.contains('nl-math'), stalled};
    }""", [timeout, STALL_MS])
    if done["stalled"]:
        raise RendererStalled(
            f"the browser stopped drawing {page.url}: no animation frame for {STALL_MS / 1000:.0f} s "
            f"while timers ran, with {done['left']} formulas still waiting to come into view")
    # Typesetting takes well under a second here (20 loads of model-selection under a
    # full figure build); the margin is for a 2-core CI machine running two tours.
    assert not done["left"], (
        f"{done['left']} formulas not typeset within {timeout / 1000:.0f} s on {page.url} "
        f"(first: {done['first']!r}; KaTeX {'still awaited' if done['hidden'] else 'given up'})")


def navigate_instantly(page, path: str, timeout: float = 30_000, visit: Visit | None = None):
    """Follow a link to `path` as a reader would, and check Material's instant
    navigation swapped the page in place (no new document was loaded).

    Material intercepts clicks only once it has fetched sitemap.xml (its click stream
    is combined with the sitemap); a click before that is a plain page load.
    On a busy machine that window outlasts the load event, so the click is repeated
    until Material takes it: a listener on window, which runs after Material's on
    <body>, sees whether Material called preventDefault, and cancels the click if not.

    Pass the page's `visit` when its errors are checked: a retry (below) abandons
    pages with requests in flight, and those aborts are the harness's, not the site's.
    """
    from playwright.sync_api import Error as PlaywrightError  # (optional at import)

    start = page.url
    for attempt in range(3):
        kept = len(visit.errors) if visit else 0
        try:
            tries = _click_until_instant(page, path, timeout)
            break
        except PlaywrightError as error:
            # A busy machine can turn the click into a full page load (Material falls
            # back to one when its fetch fails): that is not the behaviour under test,
            # so start again from the same page, at most twice.
            if "Execution context was destroyed" not in str(error) or attempt == 2:
                raise
            _start_again(page, start, timeout)
            if visit:
                visit.errors[kept:] = [e for e in visit.errors[kept:] if not e.endswith("(net::ERR_ABORTED)")]
    assert tries, (f"Material's instant navigation never took a click on {page.url} "
                   f"within {timeout / 1000:.0f} s (was sitemap.xml served?)")
    page.wait_for_url(f"**/{path}")   # Material changes the URL first, then fetches
    page.locator("#nl-instant-link").wait_for(state="detached")   # old content swapped out
    assert page.evaluate("window.__sameDocument === true"), "not an instant navigation"


def _start_again(page, start, timeout):
    """Back to `start` after a click became a full page load.

    That load is still in flight when the click's script dies with its page, and a
    goto issued over it mostly never completes (Chromium lets the pending load win;
    Playwright waits for its own until the timeout: 17 of 19 forced tries here). The
    URL says nothing (Material may have pushed the new one before it fell back to a
    full load), so wait for a new document, one without the click's mark, to load;
    then go back from a page at rest.
    """
    page.wait_for_function("window.__sameDocument === undefined && document.readyState === 'complete'",
                           timeout=timeout)
    page.goto(start, wait_until="load", timeout=timeout)


def _click_until_instant(page, path, timeout):
    """Click a link to `path` until Material's instant navigation takes it; the tries.

    Material also takes a click it saw before it had the sitemap, once the sitemap
    comes (that click was cancelled here, so nothing else happened to it): then it
    swaps the page in, the link leaves the document, and that is the navigation. A
    detached link is never clicked: Chromium follows it as a full page load.
    """
    page.evaluate("window.__sameDocument = true")
    return page.evaluate("""async ([path, timeout]) => {
        const a = document.createElement('a');
        a.href = new URL(path, document.baseURI).href;
        a.textContent = 'go';
        a.id = 'nl-instant-link';
        document.querySelector('.md-content').append(a);
        const deadline = performance.now() + timeout;
        for (let tries = 1; performance.now() < deadline; tries++) {
            if (!a.isConnected) return tries - 1;   // a click before this one was taken
            let taken = false;
            const spy = ev => { taken = ev.defaultPrevented; if (!taken) ev.preventDefault(); };
            window.addEventListener('click', spy, {once: true});
            a.click();
            if (taken) return tries;
            await new Promise(resolve => setTimeout(resolve, 50));
        }
        return 0;
    }""", [path, timeout])


def scroll_through(page):
    """Scroll to the bottom in screen-sized steps, then back to the top.

    Lazy images load, and formulas are typeset (docs/javascripts/katex.js does
    so as they come near the viewport), as they would for a reader.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # (optional at import)

    if not page.evaluate("document.querySelectorAll('img[loading=lazy], .arithmatex').length"):
        return
    page.evaluate("""async () => {
        const step = Math.max(200, window.innerHeight * 0.8);
        for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
            window.scrollTo(0, y);
            await new Promise(r => setTimeout(r, 30));
        }
        window.scrollTo(0, document.documentElement.scrollHeight);
        // A fast scroll can pass a lazy image before its load is triggered; a
        // reader would have lingered. Load the visible ones now (the hidden
        // scheme's drawings stay unloaded, as they do for a reader).
        for (const img of document.querySelectorAll('img[loading=lazy]')) {
            if (img.checkVisibility() && !img.complete) img.loading = 'eager';
        }
    }""")
    try:
        page.wait_for_function(
            """() => [...document.images].every(i => i.complete || !i.checkVisibility())""",
            polling=100, timeout=20_000)      # on a timer: a stalled renderer draws no frames
    except PlaywrightTimeout:
        pass        # test_every_visible_image_loads names any image still missing

    page.evaluate("window.scrollTo(0, 0)")


# A code listing (code/<module>/) is thousands of elements, a line-number link
# and a dozen highlighted tokens per line, and axe's contrast and link rules
# cost seconds per thousand. So only a listing's first ~60 lines are checked
# (imports, docstrings, comments, numbers, strings, calls: every kind of token,
# and all lines are styled alike): run_axe cuts longer listings short in the
# open page before axe runs.
SAMPLE_LISTINGS = """() => {
    const cut = (parent, keep) => {
        if (parent.children.length <= keep) return;
        const range = document.createRange();
        range.setStartBefore(parent.children[keep]);
        range.setEndAfter(parent.lastChild);
        range.deleteContents();
    };
    document.querySelectorAll('.highlighttable').forEach(table => {
        table.querySelectorAll('.linenodiv pre').forEach(pre => cut(pre, 60));
        table.querySelectorAll('.code code').forEach(code => cut(code, 600));
    });
}"""


AXE_TAGS = ["wcag2a", "wcag2aa", "best-practice"]
# What differs between the light and the dark scheme of one page: colours, and
# which drawing of each figure (and its lightbox link) is displayed. Every other
# rule sees the same document in both schemes.
AXE_SCHEME_RULES = ["color-contrast", "link-in-text-block", "image-alt", "link-name",
                    "nested-interactive", "landmark-unique", "region"]


def run_axe(page, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations for wcag2a, wcag2aa and best-practice on the open page.

    `rules` restricts the run to those rules (still within the three tags).
    Changes the page (long code listings are cut short): take screenshots first.
    """
    page.evaluate(SAMPLE_LISTINGS)
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async ([tags, rules]) => {
        // As runOnly by tag would: experimental rules are left out.
        const ids = axe.getRules(tags).filter(r => !r.tags.includes('experimental'))
                       .map(r => r.ruleId).filter(id => !rules || rules.includes(id));
        const r = await axe.run(document, {resultTypes: ['violations'],
                                           runOnly: {type: 'rule', values: ids}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.length, targets: v.nodes.slice(0, 4).map(n => n.target.join(' '))}));
    }""", [AXE_TAGS, rules])


def describe(items, limit: int = 6000) -> str:
    text = json.dumps(items, indent=1)
    return text if len(text) <= limit else text[:limit] + "\n..."
