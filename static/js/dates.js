// One Chinese date picker for every date input (filters and forms): flatpickr with its zh locale,
// so every browser shows 年-月-日 (a native <input type=date> follows the browser's locale, e.g.
// mm/dd/yyyy). The value sent stays ISO (2026-03-17), as the forms expect; typing is allowed.
(function () {
  "use strict";
  if (!window.flatpickr) return;
  function attach(input) {
    var options = { locale: window.flatpickr.l10ns.zh, dateFormat: "Y-m-d", allowInput: true, disableMobile: true };
    if (input.min) options.minDate = input.min;
    if (input.max) options.maxDate = input.max;
    if (input.closest(".modal")) options.static = true;  // inside the dialog: its focus trap keeps the calendar usable
    input.type = "text";
    input.placeholder = "年-月-日";
    input.autocomplete = "off";
    input.dataset.datePicker = "zh";
    window.flatpickr(input, options);
  }
  document.querySelectorAll('input[type="date"]').forEach(attach);
})();
