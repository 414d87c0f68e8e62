// Progressive enhancement of the upload forms: drag-and-drop and a real progress bar (XHR upload
// events). Without JavaScript the plain form posts and the page reloads with the result.
(function () {
  "use strict";
  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector(".drop-zone");
    var bar = form.querySelector(".upload-progress");
    var button = form.querySelector("button[type=submit]");
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("is-over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("is-over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", function (event) {
      if (!input.files.length) { return; }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      bar.hidden = false; bar.value = 0; button.disabled = true;  // no double submit
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.addEventListener("load", function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (err) { data = null; }
        if (data && data.html) {
          var section = form.closest(".doc-item");
          var holder = document.createElement("div");
          holder.innerHTML = data.html;
          var fresh = holder.firstElementChild;
          section.replaceWith(fresh);
          var next = fresh.querySelector("form.upload-form");
          if (next) { enhance(next); }
          var status = fresh.querySelector(".doc-status");
          if (status) { status.setAttribute("tabindex", "-1"); status.focus(); }
        } else {
          form.submit();  // fall back to the plain form
        }
      });
      xhr.addEventListener("error", function () { button.disabled = false; bar.hidden = true; form.submit(); });
      xhr.send(new FormData(form));
    });
  }
  document.querySelectorAll("form.upload-form").forEach(enhance);
})();
