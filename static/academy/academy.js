// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // Elements marked data-autosubmit submit their form when changed (filters).
  document.body.addEventListener("change", function (event) {
    var el = event.target.closest("[data-autosubmit]");
    if (el && el.form && !window.htmx) { el.form.submit(); }
  });
});
