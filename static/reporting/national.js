// National overview and the progress report's print view: the trend chart (Chart.js, from the
// JSON data island "national-chart-data") and the print button. The same figures are in the
// tables of the page, so without JavaScript nothing is lost.
(function () {
  "use strict";

  // Distinguishable colours with at least 3:1 contrast on white, plus a different dash per line.
  var COLOURS = ["#1d4f5c", "#a3305a", "#2e6b1f", "#8a4b00", "#4b3c8f"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [4, 4]];

  function drawChart() {
    var canvas = document.getElementById("national-chart");
    var island = document.getElementById("national-chart-data");
    if (!canvas || !island || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(island.textContent);
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.values,
            borderColor: COLOURS[index % COLOURS.length],
            backgroundColor: COLOURS[index % COLOURS.length],
            borderDash: DASHES[index % DASHES.length],
            spanGaps: false,
            pointRadius: 4,
            tension: 0
          };
        })
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          y: {
            beginAtZero: true,
            ticks: { precision: 0 },
            title: { display: true, text: canvas.getAttribute("data-y-label") || "" }
          }
        }
      }
    });
  }

  function setUpPrint() {
    document.querySelectorAll("[data-national-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawChart();
    setUpPrint();
  });
})();
