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
  // Handlers live here, not in on*/hx-on attributes: the Content-Security-Policy runs no inline code.
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-no-submit]")) event.preventDefault();
  });
  // A refused htmx request (e.g. 429 past 100 follows an hour) shows its reason in the element's
  // error box: data-error-scope names the enclosing control, data-error-box the box inside it.
  document.addEventListener("htmx:responseError", function (event) {
    var elt = event.detail.elt;
    if (!elt.dataset || !elt.dataset.errorScope) return;
    var scope = elt.closest(elt.dataset.errorScope);
    var box = scope && scope.querySelector(elt.dataset.errorBox);
    if (box) box.textContent = event.detail.xhr.responseText;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful) form.reset();
  });
})();
