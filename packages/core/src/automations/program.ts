// An automation's steps as a flat program: branches become conditional jumps, so a run's place is
// one number that stays valid for as long as the run lives (it keeps its own copy).
import type { AutomationCondition, BranchStep, Step } from "./types.js";

/** One instruction of a run's program. */
export type Instruction =
  | { readonly op: "step"; readonly step: Exclude<Step, BranchStep> }
  | { readonly op: "jumpUnless"; readonly if: AutomationCondition; readonly to: number }
  | { readonly op: "jump"; readonly to: number };

/** Flattens steps into a program. @internal */
export function compileProgram(steps: readonly Step[]): Instruction[] {
  const program: Instruction[] = [];
  const emit = (list: readonly Step[]) => {
    for (const step of list) {
      if (step.kind !== "branch") {
        program.push({ op: "step", step });
        continue;
      }
      const test = program.length;
      program.push({ op: "jumpUnless", if: step.if, to: -1 });
      emit(step.steps);
      if (step.otherwise === undefined || step.otherwise.length === 0) {
        program[test] = { op: "jumpUnless", if: step.if, to: program.length };
        continue;
      }
      const skip = program.length;
      program.push({ op: "jump", to: -1 });
      program[test] = { op: "jumpUnless", if: step.if, to: program.length };
      emit(step.otherwise);
      program[skip] = { op: "jump", to: program.length };
    }
  };
  emit(steps);
  return program;
}
