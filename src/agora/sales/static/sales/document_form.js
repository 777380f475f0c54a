/*
 * Sales document form: add / remove line rows and fill a row from the chosen product.
 * No arithmetic here: the totals block is computed by the server (core.totals) through htmx
 * (the form posts to sales:document_totals on input; see form.html).
 */
(function () {
  "use strict";
  var form = document.getElementById("document-form");
  if (!form) return;
  var body = form.querySelector("#lines tbody");
  var template = document.getElementById("line-template");

  form.addEventListener("click", function (event) {
    if (event.target.matches("[data-add-line]")) {
      body.appendChild(template.content.cloneNode(true));
      var rows = body.querySelectorAll("tr.line-row");
      var select = rows[rows.length - 1].querySelector("select");
      if (select) select.focus();
    } else if (event.target.matches("[data-remove-line]")) {
      var row = event.target.closest("tr");
      if (body.querySelectorAll("tr.line-row").length > 1) {
        row.remove();
      } else {
        row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      }
      form.dispatchEvent(new Event("line-removed"));
    }
  });

  form.addEventListener("change", function (event) {
    if (!event.target.matches("[data-product]")) return;
    var option = event.target.selectedOptions[0];
    if (!option || !option.value) return;
    var row = event.target.closest("tr");
    var fill = function (name, value) {
      var input = row.querySelector('[name="line-' + name + '"]');
      if (input && !input.value) input.value = value;
    };
    fill("description", option.dataset.label || "");
    fill("unit_price", (option.dataset.price || "").replace(".", ","));
    fill("unit", option.dataset.unit || "");
    fill("vat_rate", (option.dataset.rate || "").replace(".", ","));
    fill("quantity", "1");
  });
})();
