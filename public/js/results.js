// Draws the factor chart with chart.js (served from the installed package). The numbers come from
// the canvas's data-chart attribute, which the server fills from the suppressed tables only; the
// same figures are in the table below the chart for screen readers and print.
(function () {
  'use strict';
  var COLOURS = ['#0b5a8a', '#8a5a00', '#4a4a4a'];
  // Distinguishable lines for one series per factor in a trend chart.
  var PALETTE = ['#0b5a8a', '#8a5a00', '#1e6b34', '#7a1f5c', '#4a4a4a', '#b00020', '#005f73', '#6a4c93', '#9c6644', '#2d6a4f', '#3d405b', '#bc4749', '#386641'];
  // A printout carries every table: closed distributions open for the print and close after it,
  // and the charts redraw at the paper's width.
  var opened = [];
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details:not([open])').forEach(function (d) { d.open = true; opened.push(d); });
    if (window.Chart) Object.values(window.Chart.instances).forEach(function (c) { c.resize(); });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
    if (window.Chart) Object.values(window.Chart.instances).forEach(function (c) { c.resize(); });
  });
  document.addEventListener('DOMContentLoaded', function () {
    if (typeof window.Chart === 'undefined') return;
    document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      var data;
      try { data = JSON.parse(canvas.getAttribute('data-chart') || ''); } catch (e) { return; }
      var lang = document.documentElement.lang === 'en' ? 'en-GB' : 'nb-NO';
      canvas.parentElement.style.height = Math.max(240, data.labels.length * (28 + 10 * data.series.length)) + 'px';
      if (data.kind === 'line') {
        canvas.parentElement.style.height = '360px';
        new window.Chart(canvas, {
          type: 'line',
          data: {
            labels: data.labels,
            datasets: data.series.map(function (s, i) {
              var colour = PALETTE[i % PALETTE.length];
              return { label: s.label, data: s.data, borderColor: colour, backgroundColor: colour, spanGaps: false };
            }),
          },
          options: {
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            locale: lang,
            scales: { y: { min: data.min, max: data.max, ticks: { stepSize: data.step || 0.5 } } },
            plugins: { legend: { position: 'bottom' } },
          },
        });
        return;
      }
      new window.Chart(canvas, {
        type: 'bar',
        data: {
          labels: data.labels,
          datasets: data.series.map(function (s, i) {
            return { label: s.label, data: s.data, backgroundColor: COLOURS[i % COLOURS.length], borderColor: COLOURS[i % COLOURS.length] };
          }),
        },
        options: {
          indexAxis: 'y',
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          locale: lang,
          scales: { x: { min: data.min, max: data.max, ticks: { stepSize: 1 } } },
          plugins: { legend: { position: 'bottom' } },
        },
      });
    });
  });
})();
