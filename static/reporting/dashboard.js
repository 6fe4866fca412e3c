// The dashboard's weekly chart (Chart.js, vendored). The figures come from a JSON data island
// (<script type="application/json">, written by Django's json_script): no inline script. The
// same figures are in the table below the chart, which is what screen readers use; without
// JavaScript the chart stays hidden. After an htmx swap of the figures the chart is redrawn.
(function () {
  "use strict";

  var charts = {};

  function draw(root) {
    if (typeof window.Chart === "undefined") {
      return;
    }
    root.querySelectorAll("canvas[data-chart-source]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart-source"));
      if (!source) {
        return;
      }
      var data = JSON.parse(source.textContent);
      if (charts[canvas.id]) {
        charts[canvas.id].destroy();
      }
      var box = canvas.closest("[data-chart-box]");
      if (box) {
        box.hidden = false;
      }
      charts[canvas.id] = new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [{ label: data.label, data: data.values, backgroundColor: "#1f5f8b" }]
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
  });
  document.addEventListener("htmx:afterSettle", function () {
    draw(document);
  });
})();
