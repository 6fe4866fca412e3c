// Trainer pages: a live filter for the learner checklist on the "Assign a course" form.
// Without JavaScript the filter stays hidden and the full list (plus server search) works.
(function () {
  "use strict";

  function setUp(container) {
    var input = container.querySelector("input[type=search]");
    var status = container.querySelector("[role=status]");
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) {
      return;
    }
    var items = Array.prototype.slice.call(list.querySelectorAll("li[data-filter-text]"));
    container.hidden = false;
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      items.forEach(function (item) {
        var checked = item.querySelector("input:checked") !== null;
        var match = !query || item.getAttribute("data-filter-text").indexOf(query) !== -1;
        item.hidden = !(match || checked);
        if (!item.hidden) {
          shown += 1;
        }
      });
      status.textContent = query ? (list.getAttribute("data-shown-label") || "").replace("%s", shown) : "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-trainer-filter]").forEach(setUp);
  });
})();
