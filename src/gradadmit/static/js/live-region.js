/* A region that shows a background job's progress refreshes itself while the job runs.
 *
 * <div data-live-url="…?partial=1" data-live-active aria-live="polite"> … </div>
 * Every few seconds the partial is fetched (the server renders it from the same template as the page) and
 * replaces the region's content. Polling stops once the server's fragment no longer says it is active
 * (a root element with data-live-active="false"), or after an error, so a finished job costs nothing.
 */
(function () {
  "use strict";
  var INTERVAL_MS = 2500;

  function poll(region) {
    var url = region.getAttribute("data-live-url");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("[data-live-active]");
        var active = fresh && fresh.getAttribute("data-live-active") === "true";
        region.innerHTML = html;
        if (active) { window.setTimeout(function () { poll(region); }, INTERVAL_MS); }
      })
      .catch(function () { region.setAttribute("data-live-stopped", "true"); });
  }

  function start() {
    var regions = document.querySelectorAll("[data-live-url]");
    Array.prototype.forEach.call(regions, function (region) {
      var marker = region.querySelector("[data-live-active]");
      if (marker && marker.getAttribute("data-live-active") === "true") {
        window.setTimeout(function () { poll(region); }, INTERVAL_MS);
      }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
