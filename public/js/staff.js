// Progressive enhancement for staff pages: move focus to an error summary, select a link on focus
// so it is easy to copy. Everything works without it.
(function () {
  'use strict';
  document.addEventListener('DOMContentLoaded', function () {
    var summary = document.querySelector('[data-focus-on-load]');
    if (summary) summary.focus();
    document.querySelectorAll('.copy').forEach(function (input) {
      input.addEventListener('focus', function () { input.select(); });
    });
    // Printing needs script (window.print), so its button and hint appear only with it.
    document.querySelectorAll('[data-print]').forEach(function (el) {
      el.hidden = false;
      if (el.tagName === 'BUTTON') el.addEventListener('click', function () { window.print(); });
    });
    // "Med underenheter" and "Velg alle" tick the boxes they stand for, so the page shows what the
    // server will do with them (it expands them itself without this).
    function tick(boxes, on) {
      boxes.forEach(function (box) { box.checked = on; });
    }
    document.querySelectorAll('input[data-subtree]').forEach(function (input) {
      input.addEventListener('change', function () {
        tick(input.getAttribute('data-subtree').split(' ').map(function (id) { return document.getElementById('u-' + id); }).filter(Boolean), input.checked);
      });
    });
    // Unticking one unit by hand undoes the choices that would tick it again on the server.
    document.querySelectorAll('.unit-picker input[name=unitIds]').forEach(function (input) {
      input.addEventListener('change', function () {
        if (input.checked) return;
        document.querySelectorAll('input[data-subtree], input[data-select-all]').forEach(function (group) {
          var ids = group.hasAttribute('data-subtree') ? group.getAttribute('data-subtree').split(' ') : null;
          if (!ids || ids.indexOf(input.value) >= 0) group.checked = false;
        });
      });
    });
    document.querySelectorAll('input[data-select-all]').forEach(function (input) {
      input.addEventListener('change', function () {
        tick(Array.prototype.slice.call(document.querySelectorAll(input.getAttribute('data-select-all'))), input.checked);
        tick(Array.prototype.slice.call(document.querySelectorAll('input[data-subtree]')), input.checked);
      });
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
    // A scroll hint stays only while its table is wider than its box.
    var hints = Array.prototype.slice.call(document.querySelectorAll('[data-scroll-hint]'));
    function hint() {
      hints.forEach(function (p) {
        var box = document.getElementById(p.getAttribute('data-scroll-hint'));
        p.hidden = !!box && box.scrollWidth <= box.clientWidth + 1;
      });
    }
    label();
    hint();
    window.addEventListener('resize', function () { label(); hint(); });
  });
})();
