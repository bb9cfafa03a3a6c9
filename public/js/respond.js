// Progressive enhancement for the respondent pages: show or hide conditional questions as answers
// on the same page change, and move focus to an error summary. Everything works without it.
(function () {
  'use strict';

  function isAnswered(value) {
    if (value === undefined || value === '') return false;
    if (Array.isArray(value)) return value.length > 0;
    return true;
  }

  function matches(value, expected) {
    if (Array.isArray(value)) return value.indexOf(String(expected)) >= 0;
    return value === expected;
  }

  // Mirrors src/survey/conditions.ts evaluate().
  function evaluate(c, answers) {
    if (c.all) return c.all.every(function (x) { return evaluate(x, answers); });
    if (c.any) return c.any.some(function (x) { return evaluate(x, answers); });
    if (c.not) return !evaluate(c.not, answers);
    var value = answers[c.item];
    if (c.answered !== undefined) return isAnswered(value) === c.answered;
    if (c.equals !== undefined) return matches(value, c.equals);
    if (c.notEquals !== undefined) return !matches(value, c.notEquals);
    if (c.in !== undefined) return c.in.some(function (v) { return matches(value, v); });
    if (typeof value !== 'number') return false;
    if (c.lt !== undefined) return value < c.lt;
    if (c.lte !== undefined) return value <= c.lte;
    if (c.gt !== undefined) return value > c.gt;
    if (c.gte !== undefined) return value >= c.gte;
    return false;
  }

  function toValue(text) {
    var t = String(text).replace(/\s|%/g, '').replace(',', '.');
    return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : text;
  }

  function readAnswers(form, known) {
    var answers = Object.assign({}, known);
    form.querySelectorAll('.q[data-item]').forEach(function (q) {
      if (q.hidden) return;
      var id = q.getAttribute('data-item');
      var kind = q.getAttribute('data-kind');
      if (kind === 'multi') {
        var chosen = [];
        q.querySelectorAll('input[type=checkbox]:checked').forEach(function (i) { chosen.push(i.value); });
        if (chosen.length) answers[id] = chosen;
      } else if (kind === 'choice') {
        var checked = q.querySelector('input[type=radio]:checked');
        if (checked) answers[id] = checked.value === 'dk' ? 'dk' : toValue(checked.value);
      } else if (kind === 'number') {
        var input = q.querySelector('input');
        if (input && input.value.trim() !== '') answers[id] = toValue(input.value);
      } else if (kind === 'text') {
        var area = q.querySelector('textarea');
        if (area && area.value.trim() !== '') answers[id] = area.value.trim();
      }
    });
    return answers;
  }

  function update(form, known) {
    // Items are in order and conditions only use earlier items, so one pass settles everything.
    form.querySelectorAll('.q[data-show-if]').forEach(function (q) {
      var condition = JSON.parse(q.getAttribute('data-show-if'));
      q.hidden = !evaluate(condition, readAnswers(form, known));
      var hint = q.querySelector('.conditional-hint');
      if (hint) hint.hidden = true;
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var summary = document.querySelector('[data-focus-on-load]');
    if (summary) summary.focus();
    document.querySelectorAll('form[data-known]').forEach(function (form) {
      var known = {};
      try { known = JSON.parse(form.getAttribute('data-known') || '{}'); } catch (e) { known = {}; }
      if (!form.querySelector('.q[data-show-if]')) return;
      update(form, known);
      form.addEventListener('change', function () { update(form, known); });
      form.addEventListener('input', function () { update(form, known); });
    });
  });
})();
