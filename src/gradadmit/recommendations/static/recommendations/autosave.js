// Saves the recommendation form (附件五) as a draft while the recommender types: a debounced POST of the
// form's fields to its data-draft-url, with the CSRF token; the result is announced in a polite status region.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-url]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById(form.getAttribute("data-status-id"));
  var timer = null;
  var pending = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  function save() {
    timer = null;
    pending = false;
    var data = new FormData(form);
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(form.getAttribute("data-draft-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (answer) {
      var time = new Date(answer.saved_at);
      var shown = ("0" + time.getHours()).slice(-2) + ":" + ("0" + time.getMinutes()).slice(-2);
      say(form.getAttribute("data-saved-text").replace("%(time)s", shown));
    }).catch(function () {
      say(form.getAttribute("data-failed-text"));
    });
  }

  function schedule() {
    pending = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(save, 2000);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  // Leaving the page with unsaved typing: save at once (best effort).
  window.addEventListener("pagehide", function () {
    if (pending && navigator.sendBeacon) {
      navigator.sendBeacon(form.getAttribute("data-draft-url"), new FormData(form));
    }
  });
  form.addEventListener("submit", function () {
    if (timer) clearTimeout(timer);
    pending = false;
  });
})();
