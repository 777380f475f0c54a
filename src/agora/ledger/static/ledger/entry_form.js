/*
 * Entry form: lines added inline, live Σ debit / Σ credit / écart while typing.
 * Amounts are parsed with Agora.parseAmount (web/amounts.js, French "1 234,56") into integer cents.
 * Keyboard: typing in the last line adds a spare one; Alt+L adds a line; Alt+E puts the écart on the
 * current line; Ctrl+Entrée saves and posts.
 */
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form || !window.Agora) return;
  var body = document.getElementById("entry-lines");
  var template = document.getElementById("line-template");
  var parse = window.Agora.parseAmount;
  var format = window.Agora.formatAmount;
  var currentRow = null;

  function rows() { return Array.prototype.slice.call(body.querySelectorAll("tr.entry-line")); }

  function renumber() {
    rows().forEach(function (row, i) { row.querySelector(".line-no").textContent = String(i + 1); });
  }

  function addLine(focus) {
    var row = template.content.firstElementChild.cloneNode(true);
    body.appendChild(row);
    renumber();
    if (focus) row.querySelector("input[name='line-account']").focus();
    return row;
  }

  function isBlank(row) {
    return Array.prototype.every.call(row.querySelectorAll("input"), function (i) { return i.value.trim() === ""; });
  }

  function totals() {
    var debit = 0, credit = 0, unreadable = false;
    rows().forEach(function (row) {
      var d = parse(row.querySelector(".debit").value);
      var c = parse(row.querySelector(".credit").value);
      if (d === null || c === null) { unreadable = true; return; }
      debit += d;
      credit += c;
    });
    return { debit: debit, credit: credit, unreadable: unreadable };
  }

  function refresh() {
    var t = totals();
    document.getElementById("total-debit").textContent = format(t.debit);
    document.getElementById("total-credit").textContent = format(t.credit);
    var gap = document.getElementById("total-gap");
    gap.textContent = t.unreadable ? "montant illisible" : format(t.debit - t.credit);
    gap.classList.toggle("error", t.unreadable || t.debit !== t.credit);
    gap.classList.toggle("ok", !t.unreadable && t.debit === t.credit && t.debit !== 0);
    var all = rows();
    if (all.length && !isBlank(all[all.length - 1])) addLine(false);
  }

  function balanceCurrent() {
    var row = currentRow || rows()[rows().length - 1];
    if (!row) return;
    row.querySelector(".debit").value = "";
    row.querySelector(".credit").value = "";
    var t = totals();
    if (t.unreadable) return;
    var gap = t.debit - t.credit;
    if (gap > 0) row.querySelector(".credit").value = format(gap);
    else if (gap < 0) row.querySelector(".debit").value = format(-gap);
    refresh();
  }

  body.addEventListener("input", function (event) {
    // A debit clears the credit of the same line and vice versa: a line carries one side only.
    var input = event.target;
    var row = input.closest("tr");
    if (input.classList.contains("debit") && input.value.trim()) row.querySelector(".credit").value = "";
    if (input.classList.contains("credit") && input.value.trim()) row.querySelector(".debit").value = "";
    refresh();
  });
  body.addEventListener("focusin", function (event) {
    currentRow = event.target.closest("tr");
    // New line: carry the entry label as the line label when left empty.
    var label = event.target.name === "line-label" ? event.target : null;
    var header = form.querySelector("[name='label']");
    if (label && !label.value && header) label.placeholder = header.value;
  });
  body.addEventListener("click", function (event) {
    if (!event.target.classList.contains("remove-line")) return;
    var row = event.target.closest("tr");
    if (rows().length > 1) row.remove(); else row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
    renumber();
    refresh();
  });
  document.getElementById("add-line").addEventListener("click", function () { addLine(true); });
  document.getElementById("balance-line").addEventListener("click", balanceCurrent);
  form.addEventListener("keydown", function (event) {
    if (event.altKey && (event.key === "l" || event.key === "L")) { event.preventDefault(); addLine(true); }
    if (event.altKey && (event.key === "e" || event.key === "E")) { event.preventDefault(); balanceCurrent(); }
    if (event.ctrlKey && event.key === "Enter") {
      event.preventDefault();
      form.querySelector("button[name='post']").click();
    }
  });
  refresh();
})();
