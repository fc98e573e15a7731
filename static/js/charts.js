// Charts drawn from data the page carries in <script type="application/json"> (CSP: no inline code).
(function () {
  "use strict";
  var canvas = document.getElementById("rate-chart");
  var source = document.getElementById("rate-data");
  if (!canvas || !source || !window.Chart) return;
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: data.label || "合格率(%)", data: data.rates, backgroundColor: "#2a64c5" }] },
    options: { indexAxis: "y", scales: { x: data.max ? { min: 0, max: data.max } : { min: 0 } }, plugins: { legend: { display: false } },
               animation: false, maintainAspectRatio: false },
  });
})();
