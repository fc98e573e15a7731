// 数据看板: one chart per panel, drawn from the panel's <script type="application/json"> (CSP: no
// inline code). A click on a bar or point opens the list it counts (the dataset's links).
(function () {
  "use strict";
  if (!window.Chart) return;
  var colours = ["#2a64c5", "#e07b39", "#3c9d5d", "#a23b72", "#6c757d", "#c9a227"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart").replace(/^chart-/, ""));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var chart = new window.Chart(canvas, {
      type: data.type,
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set, i) {
          return { label: set.label, data: set.data, backgroundColor: colours[i % colours.length],
                   borderColor: colours[i % colours.length], links: set.links, spanGaps: true };
        })
      },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: { x: { stacked: data.stacked }, y: { stacked: data.stacked, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { display: data.datasets.length > 1 } },
        onHover: function (event, elements) {
          var link = elements.length && data.datasets[elements[0].datasetIndex].links[elements[0].index];
          event.native.target.style.cursor = link ? "pointer" : "default";
        },
        onClick: function (event, elements) {
          if (!elements.length) return;
          var link = data.datasets[elements[0].datasetIndex].links[elements[0].index];
          if (link) window.location.href = link;
        }
      }
    });
    canvas.chart = chart;
  });
})();
