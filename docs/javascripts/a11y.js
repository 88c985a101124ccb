/* Material wraps each code block's copy button in an unnamed <nav>, so a page
 * with two code blocks has two identical navigation landmarks (axe
 * landmark-unique). A copy button is not site navigation: these <nav>s get
 * role="none" once Material has mounted the page (on load and after every
 * instant navigation; document$ is Material's page observable).
 */
document$.subscribe(function () {
  setTimeout(function () {
    document.querySelectorAll("nav.md-code__nav:not([role])").forEach(function (nav) {
      nav.setAttribute("role", "none");
    });
  }, 0);
});
