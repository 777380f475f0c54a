/*
 * Small behaviours of the shell, all optional (every form also works without JavaScript):
 *  - select[data-autosubmit] submits its form on change (organisation switcher);
 *  - [data-confirm="message"] on a button or link asks before acting (revoke, delete);
 *  - "/" focuses the first search field of the page; Alt+N follows a[data-shortcut="new"].
 */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    var typing = tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable;
    if (event.key === "/" && !typing) {
      var search = document.querySelector(".filters input[type=search], .filters input[type=text], .filters input:not([type])");
      if (search) { event.preventDefault(); search.focus(); }
    } else if (event.altKey && (event.key === "n" || event.key === "N")) {
      var link = document.querySelector("a[data-shortcut=new]");
      if (link) { event.preventDefault(); link.click(); }
    }
  });
})();
