// Labels every cell of a card table (.table-cards, tables in .table-cards-within) with its
// column header, unless the template wrote a data-label; again after each htmx swap.
(function () {
  function label(root) {
    root.querySelectorAll(".table-cards, .table-cards-within table").forEach(function (table) {
      var heads = Array.from(table.querySelectorAll(":scope > thead > tr:first-child > th")).map(
        function (th) { return th.textContent.trim(); });
      table.querySelectorAll(":scope > tbody > tr, :scope > tfoot > tr").forEach(function (tr) {
        var col = 0;
        Array.from(tr.children).forEach(function (cell) {
          var span = cell.colSpan || 1;
          if (!cell.hasAttribute("data-label") && span === 1 && heads[col]) {
            cell.setAttribute("data-label", heads[col]);
          }
          col += span;
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); });
  document.addEventListener("htmx:afterSwap", function (e) { label(e.target); });
})();
