/* Math, rendered by the KaTeX copy in assets/katex/ (no CDN; see .ci/vendor-katex).
 *
 * pymdownx.arithmatex (generic: true) leaves \(..\) and \[..\] inside
 * .arithmatex elements. Material's instant navigation swaps page content
 * without reloading scripts, so rendering runs on every document$ emission.
 * This script is loaded with `defer` (docs/overrides/main.html), after
 * Material's bundle defines document$.
 *
 * KaTeX runs in a Web Worker (katex-worker.js, renderToString): its 270 kB of
 * JavaScript never run on the page's main thread, which only inserts the
 * finished HTML (Lighthouse TBT). Where no worker can start, KaTeX and its
 * auto-render extension run here instead. Either way KaTeX's stylesheet and
 * fonts are fetched on the first page that has math, and only then.
 */
(function () {
  var base = new URL("../assets/katex/", document.currentScript.src).href;
  var workerURL = new URL("katex-worker.js", document.currentScript.src).href;
  var options = {
    delimiters: [
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true }
    ],
    throwOnError: false
  };
  var ready = null;

  function fetch(tag, attributes) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) { el[name] = attributes[name]; });
      el.onload = resolve;
      el.onerror = function () { reject(new Error("cannot load " + (el.src || el.href))); };
      document.head.appendChild(el);
    });
  }

  // The stylesheet, then the two faces nearly every formula uses: nothing is
  // inserted before they apply, so that formulas change size once, not twice.
  // A page with math links the stylesheet in its <head> (overrides/main.html);
  // after instant navigation from a page without, it is fetched here.
  function styles() {
    if (!ready) {
      var linked = document.querySelector('link[rel="stylesheet"][href$="katex.min.css"]');
      ready = (linked && linked.sheet ? Promise.resolve() :
               fetch("link", { rel: "stylesheet", href: base + "katex.min.css" })).then(function () {
        return Promise.all(["1em KaTeX_Main", "italic 1em KaTeX_Math"].map(function (font) {
          return document.fonts.load(font);
        }));
      });
      // Without KaTeX, show the TeX source (extra.css hides it while it waits).
      ready.catch(function () { document.documentElement.classList.remove("nl-math"); });
    }
    return ready;
  }

  var worker = null;
  var jobs = {};
  var lastJob = 0;

  function startWorker() {
    if (worker !== null) return worker;
    try {
      worker = new Worker(workerURL);
    } catch (error) {
      return (worker = false);
    }
    worker.onmessage = function (event) {
      var job = jobs[event.data.id];
      delete jobs[event.data.id];
      if (job) job.resolve(event.data.html);
    };
    worker.onerror = function () {             // e.g. the worker script cannot load
      worker = false;
      Object.keys(jobs).forEach(function (id) { jobs[id].reject(); delete jobs[id]; });
    };
    return worker;
  }

  // In the worker: [[tex, display], ...] -> [html, ...].
  function inWorker(elements) {
    var math = elements.map(function (el) {
      var tex = el.textContent.trim();
      return [tex.slice(2, -2), tex.slice(0, 2) === "\\["];
    });
    return new Promise(function (resolve, reject) {
      var id = ++lastJob;
      jobs[id] = { resolve: resolve, reject: reject };
      worker.postMessage({ id: id, math: math });
    });
  }

  // Here: KaTeX and auto-render on the main thread (scripts run in order).
  var scripts = null;
  function onMainThread(elements) {
    if (!scripts) {
      scripts = Promise.all([
        fetch("script", { src: base + "katex.min.js", async: false }),
        fetch("script", { src: base + "contrib/auto-render.min.js", async: false })
      ]);
      scripts.catch(function () { document.documentElement.classList.remove("nl-math"); });
    }
    return scripts.then(function () {
      return elements.map(function (el) {
        var copy = el.cloneNode(true);
        renderMathInElement(copy, options);
        return copy.innerHTML;
      });
    });
  }

  function typeset(elements) {
    var html = startWorker() ? inWorker(elements).catch(function () {
      return onMainThread(elements);
    }) : onMainThread(elements);
    Promise.all([html, styles()]).then(function (done) {
      elements.forEach(function (el, i) {
        if (el.isConnected) el.innerHTML = done[0][i];
      });
    });
  }

  // Formulas are typeset as they come within half a screen of the viewport,
  // all that arrive together in one go (typesetting is quick; it is the page
  // layout after each change that costs): the first screen is typeset at
  // once (Lighthouse TBT). The rest follow in idle time, a few at a time, so
  // that a printed page (which is laid out without scrolling) shows them all;
  // printing before that typesets everything still waiting.
  var pending = [];
  var BATCH = 16;

  function take(elements) {
    elements = elements.filter(function (el) { return pending.indexOf(el) >= 0; });
    pending = pending.filter(function (el) { return elements.indexOf(el) < 0; });
    elements.forEach(function (el) { if (near) near.unobserve(el); });
    if (elements.length) typeset(elements);
  }

  var idle = window.requestIdleCallback || function (callback) { return setTimeout(callback, 200); };
  function inIdleTime() {
    if (!pending.length) return;
    take(pending.slice(0, BATCH));
    idle(inIdleTime);
  }

  var near = "IntersectionObserver" in window && new IntersectionObserver(function (entries) {
    take(entries.filter(function (entry) { return entry.isIntersecting; })
                .map(function (entry) { return entry.target; }));
  }, { rootMargin: "50% 0px" });

  window.addEventListener("beforeprint", function () { take(pending.slice()); });

  function render(root) {
    if (near) near.disconnect();       // the previous page's formulas are gone
    pending = Array.prototype.slice.call(root.querySelectorAll(".arithmatex"));
    if (!pending.length) return;
    if (near) {
      pending.forEach(function (el) { near.observe(el); });
      idle(inIdleTime);
    } else {
      take(pending.slice());
    }
  }

  document$.subscribe(function (doc) { render(doc.body || document.body); });
})();
