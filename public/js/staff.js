// Progressive enhancement for staff pages: move focus to an error summary, select a link on focus
// so it is easy to copy. Everything works without it.
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var summary = document.querySelector('[data-focus-on-load]');
    if (summary) summary.focus();
    document.querySelectorAll('input.copy').forEach(function (input) {
      input.addEventListener('focus', function () { input.select(); });
    });
    // Wide tables scroll inside their own box on a phone instead of widening the page; a box that
    // scrolls gets a name and a tab stop so keyboard users can scroll it too.
    var boxes = [];
    document.querySelectorAll('table.data').forEach(function (table) {
      if (table.closest('.table-scroll')) return;
      var box = document.createElement('div');
      box.className = 'table-scroll';
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
      boxes.push(box);
    });
    function label() {
      boxes.forEach(function (box) {
        var table = box.querySelector('table');
        var caption = table && table.querySelector('caption');
        if (box.scrollWidth > box.clientWidth + 1) {
          box.setAttribute('role', 'region');
          box.setAttribute('tabindex', '0');
          box.setAttribute('aria-label', (caption && caption.textContent.trim()) || document.title);
        } else {
          box.removeAttribute('role');
          box.removeAttribute('tabindex');
          box.removeAttribute('aria-label');
        }
      });
    }
    label();
    window.addEventListener('resize', label);
  });
})();
