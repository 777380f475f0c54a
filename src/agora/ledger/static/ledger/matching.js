/* Matching screen: running total (debit − credit) of the ticked lines; 0,00 means a full matching. */
(function () {
  "use strict";
  var form = document.getElementById("matching-form");
  var output = document.getElementById("selected-total");
  if (!form || !output || !window.Agora) return;

  function refresh() {
    var total = 0;
    form.querySelectorAll("input[name='lines']:checked").forEach(function (box) {
      total += window.Agora.parseAmount(box.dataset.signed) || 0;
    });
    output.textContent = window.Agora.formatAmount(total);
    output.classList.toggle("ok", total === 0);
  }

  form.addEventListener("change", refresh);
  refresh();
})();
