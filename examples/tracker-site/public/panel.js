// The queue stub (the one-liner of docs/tracker.md, written out): calls made before the snippet
// (loaded async) are kept, then replayed by it in order.
if (!window.crmkit) {
  const queue = [];
  window.crmkit = (...args) => {
    queue.push(args);
  };
  window.crmkit.q = queue;
}

// The demo's own UI: log in as the demo contact, request a demo, and watch the score.
addEventListener("DOMContentLoaded", () => {
  const panel = document.getElementById("score");
  const login = document.getElementById("login");
  const demo = document.getElementById("demo");
  const identified = () => localStorage.getItem("demo_identified") === "1";

  login?.addEventListener("click", async () => {
    const { token } = await (await fetch("/api/sign")).json();
    crmkit("identify", token);
    localStorage.setItem("demo_identified", "1");
    refresh();
  });
  demo?.addEventListener("submit", (event) => {
    event.preventDefault();
    crmkit("event", "form.submitted", { form: "demo" });
    demo.querySelector("button").textContent = "Thanks! We will call you.";
  });
  document.getElementById("reset")?.addEventListener("click", () => {
    localStorage.removeItem("demo_identified");
    refresh();
  });

  // Why nothing moves, when nothing does: the collector drops automated browsers (headless
  // Chromium, Playwright, crawlers) and answers 202 all the same. The site's proxy kept its answer.
  async function collectorNote() {
    const last = await (await fetch("/api/last-answer")).json();
    if (last === null || last.dropped === 0 || last.accepted > 0) return "";
    const automated = navigator.webdriver || /headless|bot|crawl|spider/i.test(navigator.userAgent);
    return `<p class="warning" data-dropped>The collector dropped this browser's last ${last.dropped === 1 ? "hit" : `${last.dropped} hits`}: ${
      automated
        ? "it identifies as an automated browser (headless or driven by a test tool), and the collector drops those, as in production. Start the demo with DROP_BOTS=false to score it."
        : "its page is excluded from tracking (/admin/*)."
    }</p>`;
  }

  async function refresh() {
    const note = await collectorNote();
    if (!identified()) {
      panel.innerHTML =
        "<strong>Anonymous visitor.</strong> Your visits are stored, not yet anyone's score. " +
        `<button type="button" id="login2">Log in as Ada</button>${note}`;
      document.getElementById("login2").addEventListener("click", () => login.click());
      return;
    }
    const [[global], lead] = await Promise.all([
      (await fetch("/api/score")).json(),
      (await fetch("/api/lead")).json(),
    ]);
    const lines = global.contributions
      .map(
        (c) =>
          `<li>${c.value} — ${c.ruleName ?? c.ruleId}${c.hit?.url ? ` (${new URL(c.hit.url).pathname})` : ""}</li>`,
      )
      .join("");
    const since = lead.since
      ? new Date(lead.since).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })
      : "";
    const status = lead.qualified
      ? `<p class="qualified" data-qualified>Ada qualified at ${since} with ${lead.score} points: a sales-ready lead.</p>`
      : `<p data-to-go>${Math.max(0, 100 - global.score)} points to go before Ada qualifies.</p>`;
    panel.innerHTML = `<strong>Ada's score: ${global.score}</strong> (qualifies at 100)${status}<ul>${lines}</ul>${note}`;
  }
  refresh();
  setInterval(refresh, 1500);
});
