/* Material wraps each code block's copy button in an unnamed <nav>, so a page
 * with two code blocks has two identical navigation landmarks (axe
 * landmark-unique). A copy button is not site navigation: these <nav>s get
 * role="none" on load and after every instant navigation. document$ is
 * Material's page observable; its own subscribers, which create the <nav>s,
 * were registered first and so have run when this one is called (checked in
 * Chromium on load and after instant navigation), so no timer is needed.
 */
document$.subscribe(function () {
  document.querySelectorAll("nav.md-code__nav:not([role])").forEach(function (nav) {
    nav.setAttribute("role", "none");
  });
});
