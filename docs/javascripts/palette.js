/* The colour palette's switch, run by the site instead of Material's bundle
 * (docs/overrides/partials/palette.html says why). The page's palette is set
 * before the first paint by partials/javascripts/nl-palette.html, which defines
 * __nl_palette; this handles the reader's switch, as Material's bundle did:
 *
 * - the palette toggle (a label) checks the other radio button; its change
 *   applies that palette and remembers it for later visits (Material's
 *   "__palette" entry in local storage, {index, color});
 * - Enter on the focused option switches to the next palette;
 * - nothing fades while the page takes its new colours: Material's stylesheet
 *   stops all transitions under body[data-md-color-switching], set here until
 *   a frame has been drawn in the new colours;
 * - <meta name="theme-color"> (the colour of a phone browser's address bar)
 *   follows the header's background, from the first frame on.
 *
 * The header is not replaced by Material's instant navigation, so these
 * listeners stay attached from page to page. */
(function () {
  var form = document.querySelector("form.nl-palette");
  if (!form) return;
  var inputs = Array.from(form.querySelectorAll("input"));
  var theme = document.createElement("meta");
  theme.name = "theme-color";
  document.head.appendChild(theme);

  function followHeader() {
    theme.content = getComputedStyle(document.querySelector(".md-header")).backgroundColor;
  }
  requestAnimationFrame(followHeader);

  form.addEventListener("change", function (event) {
    var index = inputs.indexOf(event.target), body = document.body;
    body.setAttribute("data-md-color-switching", "");
    __md_set("__palette", { index: index, color: __nl_palette(index) });
    followHeader();
    requestAnimationFrame(function () {
      requestAnimationFrame(function () { body.removeAttribute("data-md-color-switching"); });
    });
  });

  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    var next = inputs[(inputs.findIndex(function (input) { return input.checked; }) + 1) % inputs.length];
    next.click();
    next.focus();
  });
})();

/* On paper each figure is its light drawing, whichever scheme is on screen
 * (extra.css, @media print). In the dark scheme that drawing was hidden, so
 * its lazy image never loaded: printing loads it (and any drawing not yet
 * scrolled to). */
(function () {
  function loadForPrint() {
    document.querySelectorAll('.nl-figure img[loading="lazy"][src$="#only-light"]')
      .forEach(function (img) { img.loading = "eager"; });
  }
  window.addEventListener("beforeprint", loadForPrint);
  window.matchMedia("print").addEventListener("change", function (event) {
    if (event.matches) loadForPrint();
  });
})();
