/* Loads a playground (docs/playground/) when one comes near the viewport.
 *
 * The page carries the build's figure inside each .nl-playground; it stays the
 * stand-in without JavaScript, in print and until the playground is needed. Only
 * then are its stylesheet and ES modules fetched (under 40 kB gzipped, checked by tests/test_playground.py), from this
 * site. Re-run on every page that Material's instant navigation brings in. */
(function () {
  var base = new URL("../", document.currentScript.src).href;
  var styled = false;
  var observer = null;

  function start(el) {
    el.setAttribute("data-nl-state", "loading");
    if (!styled) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = base + "playground/playground.css";
      document.head.appendChild(link);
      styled = true;
    }
    import(base + "playground/view/app.js").then(function (app) {
      app.mount(el, { base: base });
      el.setAttribute("data-nl-state", "live");
    }).catch(function (error) {
      el.setAttribute("data-nl-state", "failed");
      console.error("playground:", error);
    });
  }

  function scan() {
    var found = document.querySelectorAll(".nl-playground:not([data-nl-state])");
    if (!found.length) return;
    if (!("IntersectionObserver" in window)) return found.forEach(start);
    observer = observer || new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        start(entry.target);
      });
    }, { rootMargin: "50% 0px" });
    found.forEach(function (el) {
      el.setAttribute("data-nl-state", "waiting");
      observer.observe(el);
    });
  }

  if (window.document$) window.document$.subscribe(scan);
  else document.addEventListener("DOMContentLoaded", scan);
})();
