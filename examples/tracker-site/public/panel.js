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

  async function refresh() {
    if (!identified()) {
      panel.innerHTML =
        "<strong>Anonymous visitor.</strong> Your visits are stored, not yet anyone's score. " +
        '<button type="button" id="login2">Log in as Ada</button>';
      document.getElementById("login2").addEventListener("click", () => login.click());
      return;
    }
    const [global] = await (await fetch("/api/score")).json();
    const lines = global.contributions
      .map(
        (c) =>
          `<li>${c.value} — ${c.ruleName ?? c.ruleId}${c.hit?.url ? ` (${new URL(c.hit.url).pathname})` : ""}</li>`,
      )
      .join("");
    panel.innerHTML = `<strong>Ada's score: ${global.score}</strong> (qualifies at 100)<ul>${lines}</ul>`;
  }
  refresh();
  setInterval(refresh, 1500);
});
