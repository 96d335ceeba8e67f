import { defaultConfig } from "../src/config/limits";
import { evaluateDeployment } from "../src/engine/evaluate";
import type { OnlineDeployment } from "../src/model/deployment";
import { RULES } from "../src/rules/index";
import { msSince } from "./stats";

export interface ThroughputRun {
  readonly deployments: number;
  /** (rule, deployment) pairs evaluateDeployment decided, including not-applicable ones. */
  readonly evaluations: number;
  /** Pairs whose rule ran its check (the rule applies to the compute type). */
  readonly checks: number;
  readonly ms: number;
}

/**
 * Judges `count` deployments, cycling through `shapes`, with every rule under the default limits, in this
 * process on one core. The results are counted, so the work cannot be optimised away.
 */
export function runThroughput(shapes: readonly OnlineDeployment[], count: number): ThroughputRun {
  const config = defaultConfig(RULES);
  let evaluations = 0;
  let checks = 0;
  const started = process.hrtime.bigint();
  for (let index = 0; index < count; index++) {
    const result = evaluateDeployment(shapes[index % shapes.length], RULES, config);
    evaluations += result.rules.length;
    for (const rule of result.rules) {
      if (rule.outcome !== "not-applicable" && rule.outcome !== "disabled") {
        checks++;
      }
    }
  }
  return { deployments: count, evaluations, checks, ms: msSince(started) };
}
