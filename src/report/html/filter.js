// Filters the index's rows by rule, severity, category and text. Reads the rows'
// data-* attributes and text; writes nothing but the rows' `hidden` flag and a count.
// Without this script every row shows and the form stays hidden.
(function () {
  'use strict';
  var form = document.getElementById('filter');
  var table = document.getElementById('briefings');
  if (!form || !table || !table.tBodies.length) {
    return;
  }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows).map(function (row) {
    return {
      row: row,
      rules: (row.getAttribute('data-rules') || '').split(' '),
      severities: (row.getAttribute('data-severity') || '').split(' '),
      category: row.getAttribute('data-category') || '',
      text: row.textContent.toLowerCase()
    };
  });
  var shown = document.getElementById('shown');
  function apply() {
    var rule = form.elements.rule.value;
    var severity = form.elements.severity.value;
    var category = form.elements.category.value;
    var words = form.elements.q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (item) {
      var ok = (!rule || item.rules.indexOf(rule) >= 0) &&
        (!severity || item.severities.indexOf(severity) >= 0) &&
        (!category || item.category === category) &&
        words.every(function (word) { return item.text.indexOf(word) >= 0; });
      item.row.hidden = !ok;
      if (ok) {
        count += 1;
      }
    });
    if (shown) {
      shown.textContent = count + ' of ' + rows.length + ' briefings';
    }
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  form.hidden = false;
  apply();
}());
