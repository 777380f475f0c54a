/*
 * French amounts in the browser: "1 234,56", "1234.56", "1.234,56", "-12" → integer cents.
 * Mirrors agora.core.money.parse_amount so the live balance of a form agrees with the server.
 * Cents are integers, never floats added together: 0.1 + 0.2 must stay 30 cents.
 *
 *   Agora.parseAmount("1 234,56")  → 123456   (null when unreadable or more than 2 decimals; "" → 0)
 *   Agora.formatAmount(123456)     → "1 234,56" (narrow no-break space between thousands)
 *   Agora.sumAmounts(inputs)       → total cents of input elements, or null when one is unreadable
 */
(function (global) {
  "use strict";
  var SPACES = /[ \u00a0\u202f]/g;
  var PATTERN = /^[+-]?(\d{1,3}([ \u00a0\u202f.]\d{3})*|\d+)([,.]\d+)?$/;
  var NARROW_NBSP = "\u202f";

  function parseAmount(raw) {
    if (raw === null || raw === undefined) return 0;
    var text = String(raw).replace("€", "").trim();
    if (text === "") return 0;
    if (!PATTERN.test(text)) return null;
    text = text.replace(SPACES, "");
    if (text.indexOf(",") >= 0) {
      text = text.replace(/\./g, "").replace(",", ".");
    } else if ((text.match(/\./g) || []).length > 1) {
      text = text.replace(/\./g, "");
    }
    var negative = text.charAt(0) === "-";
    text = text.replace(/^[+-]/, "");
    var parts = text.split(".");
    var whole = parts[0] || "0";
    var decimals = parts.length > 1 ? parts[1] : "";
    if (decimals.replace(/0+$/, "").length > 2) return null;
    decimals = (decimals + "00").slice(0, 2);
    var cents = parseInt(whole, 10) * 100 + parseInt(decimals, 10);
    if (!isFinite(cents) || cents > Number.MAX_SAFE_INTEGER) return null;
    return negative && cents !== 0 ? -cents : cents;
  }

  function formatAmount(cents) {
    if (cents === null || cents === undefined || isNaN(cents)) return "";
    var sign = cents < 0 ? "-" : "";
    var abs = Math.abs(Math.round(cents));
    var whole = String(Math.floor(abs / 100));
    var rest = String(abs % 100);
    if (rest.length < 2) rest = "0" + rest;
    var groups = [];
    while (whole.length > 3) {
      groups.unshift(whole.slice(-3));
      whole = whole.slice(0, -3);
    }
    groups.unshift(whole);
    return sign + groups.join(NARROW_NBSP) + "," + rest;
  }

  function sumAmounts(inputs) {
    var total = 0;
    for (var i = 0; i < inputs.length; i++) {
      var cents = parseAmount(inputs[i].value);
      if (cents === null) return null;
      total += cents;
    }
    return total;
  }

  /* Reformat a readable amount on blur and flag an unreadable one (input.amount or [data-amount]). */
  function onBlur(event) {
    var input = event.target;
    if (!input.matches || !input.matches("input.amount, input[data-amount]")) return;
    var cents = parseAmount(input.value);
    if (cents === null) {
      input.setAttribute("aria-invalid", "true");
      input.title = "Montant illisible (ex. : 1 234,56)";
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("title");
      if (input.value.trim() !== "") input.value = formatAmount(cents);
    }
  }

  if (global.document) global.document.addEventListener("focusout", onBlur);
  global.Agora = Object.assign(global.Agora || {}, {
    parseAmount: parseAmount, formatAmount: formatAmount, sumAmounts: sumAmounts
  });
  if (typeof module !== "undefined" && module.exports) module.exports = global.Agora;
})(typeof window !== "undefined" ? window : globalThis);
