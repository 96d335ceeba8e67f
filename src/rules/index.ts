import { egressPublicNetworkAccess } from "./egress-public-network-access";
import { requestTimeout } from "./request-timeout";
import type { Rule } from "./rule";

/** Every rule, in the order reports list them. A rule id must not change once released. */
export const RULES: readonly Rule[] = [requestTimeout, egressPublicNetworkAccess] as unknown as readonly Rule[];

/** Version of the rule catalogue: bumped when a rule is added or removed, or its meaning or defaults change. */
export const RULE_CATALOGUE_VERSION = "2026.12.0";
