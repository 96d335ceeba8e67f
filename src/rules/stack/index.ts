import { quotaCoreBudget } from "./quota-core-budget";
import type { StackRule } from "./stack-rule";

/** Every stack rule, judged over all deployments together. Ids share one namespace with the deployment rules. */
export const STACK_RULES: readonly StackRule[] = [quotaCoreBudget] as unknown as readonly StackRule[];
