// Saves an online form (documents/form_fill.html) as a draft while the applicant types: a debounced POST of the
// form to its data-draft-url with the version the page holds (hidden draft_version). One save at a time per page.
// 409: another tab or window saved since; the page keeps its text, shows the conflict box, stops saving until the
// applicant chooses (save this text over it: force=1; or load the other version: a link). 400: an answer too long.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-url]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById(form.getAttribute("data-status-id"));
  var conflictBox = document.getElementById(form.getAttribute("data-conflict-id"));
  var versionInput = form.querySelector("input[name=draft_version]");
  var timer = null;
  var inFlight = false;
  var pending = false;
  var blocked = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  function clock(iso) {
    var time = new Date(iso);
    return ("0" + time.getHours()).slice(-2) + ":" + ("0" + time.getMinutes()).slice(-2);
  }

  function showConflict(message) {
    blocked = true;
    if (!conflictBox) return;
    conflictBox.querySelector(".draft-conflict-text").textContent = message;
    conflictBox.hidden = false;
  }

  function save(force, keepalive) {
    timer = null;
    if (inFlight) { pending = true; return; }
    if (blocked && !force) return;
    pending = false;
    inFlight = true;
    var data = new FormData(form);
    if (force) data.append("force", "1");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(form.getAttribute("data-draft-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (answer) { return { code: response.status, answer: answer }; });
    }).then(function (result) {
      var answer = result.answer;
      if (result.code === 200 && answer.ok) {
        versionInput.value = String(answer.version);
        blocked = false;
        if (conflictBox) conflictBox.hidden = true;
        say(form.getAttribute("data-saved-text").replace("%(time)s", clock(answer.saved_at)));
      } else if (result.code === 409 && answer.conflict) {
        showConflict(answer.error + " (" + clock(answer.saved_at) + ")");
        say("");
      } else {
        var text = answer.error || form.getAttribute("data-failed-text");
        if (answer.fields) {
          Object.keys(answer.fields).forEach(function (name) { text += " " + answer.fields[name]; });
        }
        say(text);
      }
    }).catch(function () {
      say(form.getAttribute("data-failed-text"));
    }).then(function () {
      inFlight = false;
      if (pending && !blocked) schedule();
    });
  }

  function schedule() {
    pending = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () { save(false, false); }, 1200);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && timer) {
      clearTimeout(timer);
      save(false, true);
    }
  });
  if (conflictBox) {
    var overwrite = conflictBox.querySelector("[data-draft-action=overwrite]");
    if (overwrite) overwrite.addEventListener("click", function () { save(true, false); });
  }
  form.addEventListener("submit", function () {
    if (timer) clearTimeout(timer);
    pending = false;
  });
})();
