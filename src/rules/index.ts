import { containerResources } from "./container-resources";
import { egressPublicNetworkAccess } from "./egress-public-network-access";
import { instanceCount } from "./instance-count";
import { instanceTypeAllowlist } from "./instance-type-allowlist";
import { probeFailureThreshold } from "./probe-failure-threshold";
import { probeInitialDelay } from "./probe-initial-delay";
import { probePeriod } from "./probe-period";
import { probeReadinessBudget } from "./probe-readiness-budget";
import { probeRequired } from "./probe-required";
import { probeSuccessThreshold } from "./probe-success-threshold";
import { probeTimeout } from "./probe-timeout";
import { requestConcurrency } from "./request-concurrency";
import { requestMaxQueueWait } from "./request-max-queue-wait";
import { requestTimeout } from "./request-timeout";
import type { Rule } from "./rule";
import { scaleInstanceBounds } from "./scale-instance-bounds";
import { scalePollingInterval } from "./scale-polling-interval";
import { scaleTargetUtilization } from "./scale-target-utilization";
import { scaleType } from "./scale-type";

/** Every rule, in the order reports list them. A rule id must not change once released. */
export const RULES: readonly Rule[] = [
  requestTimeout,
  requestMaxQueueWait,
  requestConcurrency,
  probeRequired,
  probeFailureThreshold,
  probeSuccessThreshold,
  probePeriod,
  probeTimeout,
  probeInitialDelay,
  probeReadinessBudget,
  scaleType,
  scaleInstanceBounds,
  scaleTargetUtilization,
  scalePollingInterval,
  instanceCount,
  instanceTypeAllowlist,
  containerResources,
  egressPublicNetworkAccess,
] as unknown as readonly Rule[];

/** Version of the rule catalogue: bumped when a rule is added or removed, or its meaning or defaults change. */
export const RULE_CATALOGUE_VERSION = "2026.12.1";
