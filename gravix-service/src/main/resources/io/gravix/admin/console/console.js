// Gravix console: the admin token lives in this closure only (never a URL, cookie, storage or log).
// Everything from the server is put into the page with textContent, never parsed as HTML.
(() => {
  "use strict";
  const $ = (id) => document.getElementById(id);
  const status = $("status");

  function token() {
    return $("token").value.trim();
  }

  function say(text, refused) {
    status.textContent = text;
    status.className = refused ? "refused" : "";
  }

  async function call(method, url) {
    if (!token()) {
      say("Enter the admin token first.", true);
      return null;
    }
    let response;
    try {
      response = await fetch(url, { method, headers: { Authorization: "Bearer " + token() }, cache: "no-store", credentials: "omit" });
    } catch (e) {
      say("Request failed: " + e.message, true);
      return null;
    }
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (response.status === 401) {
      say("Refused (401): " + ((body && body.error) || "wrong admin token"), true);
      return null;
    }
    if (!response.ok) {
      say("Refused (" + response.status + "): " + ((body && body.error) || text), true);
      return null;
    }
    return { body, text };
  }

  const confirmPurge = new Set();
  document.querySelectorAll("button[data-dlq-action]").forEach((button) => {
    button.addEventListener("click", async () => {
      const action = button.dataset.dlqAction;
      const entry = button.dataset.entry;
      if (action === "purge" && !confirmPurge.has(entry)) {
        confirmPurge.add(entry);
        button.textContent = "really purge?";
        return;
      }
      const result = await call("POST", "/tasks/dlq-" + action + "?file=" + encodeURIComponent(entry));
      if (!result) return;
      $("dlq-output").textContent = result.body ? JSON.stringify(result.body, null, 2) : result.text;
      say(action + " of " + entry + ": done", false);
      if (action !== "show") button.closest("tr").classList.add("muted");
    });
  });

  $("tap-load").addEventListener("click", async () => {
    const params = new URLSearchParams({ table: $("tap-table").value });
    if ($("tap-service").value.trim()) params.set("service", $("tap-service").value.trim());
    const result = await call("GET", "/console/tap?" + params.toString());
    if (!result) return;
    const tbody = document.querySelector("#tap-events tbody");
    tbody.replaceChildren();
    for (const row of result.body.events) {
      const tr = document.createElement("tr");
      for (const value of [row.acknowledged_at, row.source, row.event.service, row.event.eventId || row.event.event_id, JSON.stringify(row.event)]) {
        const td = document.createElement("td");
        td.textContent = value === undefined ? "" : String(value);
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
    say(result.body.events.length + " recent " + result.body.table + " events", false);
  });
})();
