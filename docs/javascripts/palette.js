/* While the reader switches colour scheme, nothing fades: the whole page takes
 * its new colours at once, as Material means it to. Material does this with a
 * [data-md-color-switching] rule that also restyled every element twice on each
 * page load; docs/overrides/hooks/palette_switch.py removes it, and this sets
 * the class of the same rule in extra.css (.nl-switching) only around a switch.
 * The listener captures the palette's change event before Material's own handler
 * restyles the page; the class goes once a frame has been drawn in the new
 * colours. */
document.addEventListener("change", function (event) {
  if (!event.target.closest("[data-md-component=palette]")) return;
  var root = document.documentElement;
  root.classList.add("nl-switching");
  requestAnimationFrame(function () {
    requestAnimationFrame(function () { root.classList.remove("nl-switching"); });
  });
}, true);
