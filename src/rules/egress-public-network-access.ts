import * as z from "zod";
import { enumSettingAt } from "../model/spelling";
import { defineRule, describeValue } from "./rule";

export const egressPublicNetworkAccess = defineRule({
  id: "egress-public-network-access",
  description: "A Managed deployment must disable public egress, so its container reaches only workspace-approved resources.",
  severity: "high",
  rationale:
    "With public egress enabled, scoring code can send data to any internet host; disabling it limits outbound " +
    "traffic to the workspace's private endpoints.",
  remediation: "Set egressPublicNetworkAccess to Disabled (egress_public_network_access: disabled in CLI YAML), or secure the workspace with a managed virtual network.",
  azureFact: {
    statement:
      "egressPublicNetworkAccess defaults to Enabled and applies to Managed deployments that use the legacy network " +
      "isolation method; it cannot be changed after creation, and a workspace managed virtual network supersedes it, " +
      "in isolation mode AllowInternetOutbound as in AllowOnlyApprovedOutbound.",
    source:
      "Azure REST API specs, machinelearningservices 2025-06-01 mfe.json (OnlineDeployment); " +
      "https://learn.microsoft.com/azure/machine-learning/concept-secure-online-endpoint",
  },
  defaultEnforcementLevel: "mandatory",
  computeTypes: ["Managed"],
  relatedFacts: ["workspaceIsolationMode"],
  limits: {
    allowPublicEgress: z.boolean().default(false).describe("Allow deployments with egressPublicNetworkAccess Enabled."),
    acceptWorkspaceManagedNetwork: z
      .boolean()
      .default(true)
      .describe("Accept a deployment whose workspace has managedNetwork.isolationMode AllowOnlyApprovedOutbound, where Azure ignores the deployment's flag."),
  },

  check(deployment, limits, context) {
    if (limits.allowPublicEgress) {
      return;
    }
    // Azure ignores the deployment's flag when its workspace has a managed virtual network, in either mode. With
    // AllowInternetOutbound the container reaches the internet with either flag, so the mode is read first.
    const isolation = deployment.related?.workspaceIsolationMode;
    const flag = deployment.egressPublicNetworkAccess;
    if (isolation?.state === "set" && isolation.value === "AllowInternetOutbound") {
      // The flag does not change this verdict. A set flag is read all the same, because the message shows it, and
      // the pack hides a value the rule read when it is secret.
      const flagValue = flag.state === "set" ? context.read(flag) : undefined;
      const setting = flagValue === undefined ? "" : ` (${enumSettingAt(flag.path, flagValue.value)} here)`;
      context.report({
        path: isolation.path,
        actual: isolation.value,
        actualIsDefault: false,
        limit: "AllowOnlyApprovedOutbound",
        message:
          `Public egress is open: the workspace's managed virtual network has isolation mode AllowInternetOutbound, so Azure ignores ` +
          `${flag.path}${setting} and the deployment can reach any internet host. ` +
          `Set the workspace's isolation mode (${isolation.path}) to AllowOnlyApprovedOutbound.`,
      });
      return;
    }

    const egress = context.read(flag);
    if (egress === undefined) {
      return;
    }
    // Only the audit and the stack check know the workspace. A mode they cannot read fails either flag, because in
    // AllowInternetOutbound even a deployment with Disabled reaches the internet. A mode not known yet leaves
    // either flag unverified, because AllowOnlyApprovedOutbound would excuse Enabled.
    const mode = isolation === undefined ? undefined : context.read(isolation);
    if (egress.value === "Disabled" || (limits.acceptWorkspaceManagedNetwork && (mode?.value === "AllowOnlyApprovedOutbound" || isolation?.state === "unknown"))) {
      return;
    }

    context.report({
      path: egress.path,
      actual: egress.value,
      actualIsDefault: egress.isDefault,
      limit: "Disabled",
      message: `Public egress is ${describeValue(egress, (value) => enumSettingAt(egress.path, value))}, expected ${enumSettingAt(egress.path, "Disabled")}. Set ${egress.path} to ${enumSettingAt(egress.path, "Disabled")}; Azure rejects the change on an existing deployment, so create a new deployment and shift traffic to it.`,
    });
  },

  remediate(deployment, limits) {
    const egress = deployment.egressPublicNetworkAccess;
    const enabled = egress.state === "set" ? egress.value === "Enabled" : egress.state === "unset";
    return enabled && !limits.allowPublicEgress ? [{ path: egress.path, value: "Disabled" }] : [];
  },
});

