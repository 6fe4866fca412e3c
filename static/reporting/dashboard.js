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
      var key = canvas.getAttribute("data-chart-source");
      if (charts[key]) {
        charts[key].destroy();
      }
      var box = canvas.closest("[data-chart-box]");
      if (box) {
        box.hidden = false;
      }
      charts[key] = new window.Chart(canvas, {
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
  // The canvas has no id: htmx copies the attributes of an old element onto the new one of
  // the same id while it settles, and Chart.js gives its canvas a style attribute, which our
  // CSP (no inline styles) would refuse. Before a swap the charts are removed all the same.
  document.addEventListener("htmx:beforeSwap", function () {
    Object.keys(charts).forEach(function (key) {
      var canvas = charts[key].canvas;
      charts[key].destroy();
      canvas.removeAttribute("style");
      delete charts[key];
    });
  });
  document.addEventListener("htmx:afterSettle", function () {
    draw(document);
  });
})();
