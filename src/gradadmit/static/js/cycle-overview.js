/* The cycle overview's charts: Chart.js (vendor/chartjs) draws each <canvas data-chart="key"> from the JSON the
 * page carries in <script type="application/json" id="cycle-overview-data"> (Django's json_script: data, never run).
 * The same figures are in a table under each chart, for screen readers and print; without JavaScript the tables
 * remain. No inline script or style: the page's CSP allows only the portal's own files.
 */
(function () {
  "use strict";
  var COLOURS = ["#1f4e79", "#c0504d", "#4f8a3c"];

  function draw(canvas, chart) {
    var kind = canvas.getAttribute("data-chart") === "uploads" ? "bar" : "line";
    var datasets = chart.series.map(function (series, index) {
      var colour = COLOURS[index % COLOURS.length];
      return {
        label: series.label,
        data: series.values,
        borderColor: colour,
        backgroundColor: kind === "bar" ? colour : "transparent",
        borderDash: index > 0 ? [6, 4] : [],
        pointRadius: kind === "line" ? 2 : 0,
        tension: 0.2
      };
    });
    return new window.Chart(canvas, {
      type: kind,
      data: { labels: chart.labels, datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  function start() {
    var holder = document.getElementById("cycle-overview-data");
    if (!holder || !window.Chart) { return; }
    var data = JSON.parse(holder.textContent);
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var chart = data[canvas.getAttribute("data-chart")];
      if (chart && chart.labels.length) {
        draw(canvas, chart);
        canvas.setAttribute("data-drawn", "true");
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
