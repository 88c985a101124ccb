/* Typesets TeX for katex.js away from the page's main thread: KaTeX's
 * renderToString needs no DOM. Receives {id, math: [[tex, display], ...]},
 * answers {id, html: [...]}, in the same order.
 */
importScripts("../assets/katex/katex.min.js");

onmessage = function (event) {
  var html = event.data.math.map(function (item) {
    return katex.renderToString(item[0], { displayMode: item[1], throwOnError: false });
  });
  postMessage({ id: event.data.id, html: html });
};
