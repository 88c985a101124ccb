/* Math, rendered by the KaTeX copy in assets/katex/ (no CDN; see .ci/vendor-katex).
 *
 * pymdownx.arithmatex (generic: true) leaves \(..\) and \[..\] inside
 * .arithmatex elements. Material's instant navigation swaps page content
 * without reloading scripts, so rendering runs on every document$ emission.
 * KaTeX's script and stylesheet are fetched on the first page that has math,
 * so pages without formulas load none of it. This script is loaded with
 * `defer` (docs/overrides/main.html), after Material's bundle defines document$.
 */
(function () {
  var base = new URL("../assets/katex/", document.currentScript.src).href;
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

  // The stylesheet and both scripts download at once; the scripts run in order
  // (async = false). Nothing is typeset before the stylesheet and its main
  // fonts apply, so that formulas change size once, not twice.
  function load() {
    if (!ready) {
      ready = Promise.all([
        fetch("link", { rel: "stylesheet", href: base + "katex.min.css" }).then(function () {
          // The two faces nearly every formula uses, before the first one is
          // laid out (a late font would move the text once more).
          return Promise.all(["1em KaTeX_Main", "italic 1em KaTeX_Math"].map(function (font) {
            return document.fonts.load(font);
          }));
        }),
        fetch("script", { src: base + "katex.min.js", async: false }),
        fetch("script", { src: base + "contrib/auto-render.min.js", async: false })
      ]);
      // Without KaTeX, show the TeX source (extra.css hides it while it waits).
      ready.catch(function () { document.documentElement.classList.remove("nl-math"); });
    }
    return ready;
  }

  // Formulas are typeset as they come within half a screen of the viewport,
  // all that arrive together in one go (typesetting is quick; it is the page
  // layout after each change that costs): the first screen is typeset at
  // once, and no work goes to what is never read (Lighthouse TBT).
  var near = "IntersectionObserver" in window && new IntersectionObserver(function (entries) {
    var batch = entries.filter(function (entry) { return entry.isIntersecting; })
                       .map(function (entry) { return entry.target; });
    if (!batch.length) return;
    batch.forEach(function (el) { near.unobserve(el); });
    load().then(function () { typeset(batch); });
  }, { rootMargin: "50% 0px" });

  function typeset(elements) {
    elements.forEach(function (el) {
      if (el.isConnected) renderMathInElement(el, options);
    });
  }

  function render(root) {
    var math = Array.prototype.slice.call(root.querySelectorAll(".arithmatex"));
    if (near) near.disconnect();       // the previous page's formulas are gone
    if (!math.length) return;
    if (near) {
      math.forEach(function (el) { near.observe(el); });
    } else {
      load().then(function () { typeset(math); });
    }
  }

  document$.subscribe(function (doc) { render(doc.body || document.body); });
})();
