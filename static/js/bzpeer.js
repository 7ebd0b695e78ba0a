// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The works filter has an Apply button for no-JS visitors; with JS, a change applies at once.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("form[data-autosubmit] select")) return;
    var form = field.form;
    var page = form.querySelector("input[name='page']");
    if (page) page.disabled = true; // a new filter starts again on page 1
    form.requestSubmit ? form.requestSubmit() : form.submit();
  });
})();
