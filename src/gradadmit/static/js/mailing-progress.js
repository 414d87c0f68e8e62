/* A mailing's progress counts refresh themselves while it is sent.
 *
 * <div aria-live="polite" data-progress-url="…/progress.json" data-active="true">
 *   … <strong data-count="sent">12</strong> … <span data-status>Sending</span> …
 * </div>
 * Every few seconds the JSON is fetched and each [data-count] element gets its number, [data-status] the state.
 * Polling stops once the server says the mailing is no longer active (sent and delivered, cancelled) or on an
 * error, so a finished mailing costs nothing. No inline script: the page loads this file with `defer`.
 */
(function () {
  "use strict";
  var INTERVAL_MS = 3000;

  function update(region, data) {
    Array.prototype.forEach.call(region.querySelectorAll("[data-count]"), function (element) {
      var value = data[element.getAttribute("data-count")];
      if (typeof value === "number" && element.textContent !== String(value)) {
        element.textContent = String(value);
      }
    });
    var status = region.querySelector("[data-status]");
    if (status && data.status_label && status.textContent !== data.status_label) {
      status.textContent = data.status_label;
    }
    region.setAttribute("data-active", data.active ? "true" : "false");
  }

  function poll(region) {
    fetch(region.getAttribute("data-progress-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        update(region, data);
        if (data.active) { window.setTimeout(function () { poll(region); }, INTERVAL_MS); }
      })
      .catch(function () { region.setAttribute("data-progress-stopped", "true"); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-progress-url]"), function (region) {
      if (region.getAttribute("data-active") === "true") {
        window.setTimeout(function () { poll(region); }, INTERVAL_MS);
      }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
