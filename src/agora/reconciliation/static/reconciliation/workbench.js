/* Reconciliation workbench: running sums of the ticked statement lines (bank) and of the ticked book lines or
   open items (books); the match button is enabled when both sums are equal and not empty. */
(function () {
  "use strict";
  var form = document.getElementById("workbench-form");
  if (!form || !window.Agora) return;
  var bankOut = document.getElementById("sum-bank");
  var booksOut = document.getElementById("sum-books");
  var gapOut = document.getElementById("sum-gap");
  var button = document.getElementById("match-button");

  function total(selector) {
    var cents = 0;
    var count = 0;
    form.querySelectorAll(selector).forEach(function (box) {
      cents += window.Agora.parseAmount(box.dataset.sum) || 0;
      count += 1;
    });
    return {cents: cents, count: count};
  }

  function refresh() {
    var bank = total("input[name='statement_lines']:checked");
    var books = total("input[name='entry_lines']:checked, input[name='customer_items']:checked, " +
                      "input[name='supplier_items']:checked");
    bankOut.textContent = window.Agora.formatAmount(bank.cents);
    booksOut.textContent = window.Agora.formatAmount(books.cents);
    gapOut.textContent = window.Agora.formatAmount(bank.cents - books.cents);
    var ok = bank.count > 0 && books.count > 0 && bank.cents === books.cents;
    gapOut.classList.toggle("ok", ok);
    if (button) button.disabled = !ok;
  }

  form.addEventListener("change", refresh);
  refresh();
})();
