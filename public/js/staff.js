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
  });
})();
