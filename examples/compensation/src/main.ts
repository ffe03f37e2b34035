// `pnpm --filter @crmkit/example-compensation start`: generates 2025 for a 12-rep team, replays the
// current and the proposed plan, prints the comparison and writes dist/report.html.
import { writeFile } from "node:fs/promises";
import { formatMoney } from "@crmkit/core";
import { replay } from "./replay.js";
import { renderReport } from "./report.js";
import { generateYear } from "./year.js";

const crm = await generateYear();
const { comparison, outlook } = await replay(crm);
const money = (minor: number | null) => (minor === null ? "—" : formatMoney(minor, "EUR"));
const pad = (text: string, width: number) => text.padStart(width);
console.log(`${"rep".padEnd(14)}${pad("current", 15)}${pad("proposed", 15)}${pad("change", 10)}`);
for (const rep of comparison.reps) {
  const change =
    rep.deltaPercent === null
      ? "—"
      : `${rep.deltaPercent > 0 ? "+" : ""}${rep.deltaPercent.toFixed(1)} %`;
  console.log(
    `${(rep.name ?? rep.repId).padEnd(14)}${pad(money(rep.current), 15)}${pad(money(rep.proposed), 15)}${pad(change, 10)}${rep.moved ? "  moves > 20 %" : ""}`,
  );
}
const { current, proposed } = comparison;
console.log(
  `\nReps at target: current ${current.team.atTargetShare?.toFixed(1)} %, proposed ${proposed.team.atTargetShare?.toFixed(1)} %${proposed.team.bandFlag ? ` (${proposed.team.bandFlag} the 70–80 % band)` : " (inside the 70–80 % band)"}`,
);
console.log(
  `Cost: current ${money(current.team.cost)}, proposed ${money(proposed.team.cost)} of ${money(proposed.team.budget)}`,
);
const atTarget = proposed.team.atTeamTarget;
if (atTarget)
  console.log(
    `At exactly the team target the proposal costs ${money(atTarget.cost)} (${atTarget.fullyPaid ? "the envelope is paid out" : "the envelope is NOT paid out"}); ${atTarget.losersShare?.toFixed(0)} % of reps would earn less than today.`,
  );
for (const gap of proposed.gaps)
  console.log(`Missing: ${gap.repId} ${gap.metric} — ${gap.reason} (not paid as zero)`);
for (const warning of proposed.warnings) console.log(`Review: ${warning.message}`);
console.log(
  `Monte Carlo (${outlook.scenarios} scenarios, seed ${outlook.seed}): cost P50 ${money(outlook.cost.p50)}, P90 ${money(outlook.cost.p90)}; expected share at target ${outlook.expectedShareAtTarget.toFixed(1)} %`,
);
const file = new URL("../dist/report.html", import.meta.url);
await writeFile(file, renderReport(comparison, outlook));
console.log(`\nReport: ${file.pathname}`);
