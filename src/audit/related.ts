import * as z from "zod";
import type { AutoscaleProfile, ManagedNetworkIsolationMode } from "../model/deployment";
import { type Field, invalidField, setField } from "../model/field";
import { enumField } from "../sources/field-readers";
import { plainAccess } from "../sources/property-access";

/**
 * Related resources the audit reads besides deployments: a workspace's managed network isolation mode and
 * Azure Monitor autoscale settings (`Microsoft.Insights/autoscalesettings`, api-version 2022-10-01).
 */

export const AUTOSCALE_API_VERSION = "2022-10-01";

const ISOLATION_MODES: Readonly<Record<string, ManagedNetworkIsolationMode>> = {
  Disabled: "Disabled",
  AllowInternetOutbound: "AllowInternetOutbound",
  AllowOnlyApprovedOutbound: "AllowOnlyApprovedOutbound",
};

const ISOLATION_PATH = "workspace.properties.managedNetwork.isolationMode";

/**
 * Schema of a resource id the audit builds request paths from: `/subscriptions/…`, with no query, fragment,
 * empty segment or dot segment that could move the request to another resource.
 */
export function armIdSchema() {
  return z.string().regex(/^\/subscriptions\/[^/?#]+(\/[^/?#]+)*$/i).refine((id) => !id.split("/").some((segment) => segment === "." || segment === ".."), "has a dot segment");
}

/** Fields of a workspace body that the audit reads; other fields pass through unchecked. */
export const WorkspaceSchema = z.looseObject({
  id: armIdSchema(),
  name: z.string().min(1),
  properties: z.looseObject({ managedNetwork: z.looseObject({ isolationMode: z.unknown() }).nullish() }).nullish(),
});
export type WorkspaceBody = z.infer<typeof WorkspaceSchema>;

/** Reads `managedNetwork.isolationMode`; a workspace without a managed network block has isolation Disabled. */
export function isolationModeOf(workspace: WorkspaceBody): Field<ManagedNetworkIsolationMode> {
  const managedNetwork = plainAccess.get(workspace.properties ?? {}, "managedNetwork");
  const lookup = managedNetwork.kind === "present" ? plainAccess.get(managedNetwork.value, "isolationMode") : managedNetwork;
  return enumField(lookup, ISOLATION_PATH, ISOLATION_MODES, "Disabled");
}

/** Returns the isolation field for a workspace that could not be read: invalid, so no rule passes on it. */
export function unreadableIsolationMode(reason: string): Field<ManagedNetworkIsolationMode> {
  return invalidField(ISOLATION_PATH, undefined, `could not be read because the workspace request failed (${reason})`);
}

const AutoscaleSettingSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  properties: z.looseObject({
    enabled: z.boolean().nullish(),
    targetResourceUri: z.string(),
    profiles: z.array(z.looseObject({ name: z.string(), capacity: z.looseObject({ minimum: z.unknown(), maximum: z.unknown(), default: z.unknown() }) })),
  }),
});

/** Profiles of autoscale settings by lower-cased target resource id, or why the resource group's settings are unknown. */
export type AutoscaleIndex =
  | { readonly ok: true; readonly byTarget: ReadonlyMap<string, readonly AutoscaleProfile[]> }
  | { readonly ok: false; readonly reason: string; readonly listingId: string };

/**
 * Indexes a resource group's autoscale settings by target. A setting whose shape is not the documented one
 * makes the whole index unreadable, because its target, and so the deployment it limits, is unknown.
 */
export function indexAutoscaleSettings(items: readonly unknown[], listingId: string): AutoscaleIndex {
  const byTarget = new Map<string, AutoscaleProfile[]>();
  for (const item of items) {
    const parsed = AutoscaleSettingSchema.safeParse(item);
    if (!parsed.success) {
      return { ok: false, reason: "an autoscale setting in the listing does not have the documented shape", listingId };
    }
    const setting = parsed.data;
    // Azure Monitor ignores a disabled setting, so it does not limit the deployment's capacity. `enabled`
    // defaults to false in the Azure Monitor autoscale API, so an absent flag means disabled, as in the pack.
    if (setting.properties.enabled !== true) {
      continue;
    }

    const target = setting.properties.targetResourceUri.toLowerCase();
    const profiles = byTarget.get(target) ?? [];
    setting.properties.profiles.forEach((profile, index) => {
      const path = `${setting.id}:properties.profiles[${index}].capacity`;
      profiles.push({
        settingId: setting.id,
        profileName: profile.name,
        minimum: capacityField(profile.capacity.minimum, `${path}.minimum`),
        maximum: capacityField(profile.capacity.maximum, `${path}.maximum`),
        default: capacityField(profile.capacity.default, `${path}.default`),
      });
    });
    byTarget.set(target, profiles);
  }
  return { ok: true, byTarget };
}

/**
 * Returns a placeholder profile for deployments whose resource group's autoscale settings could not be listed. Its
 * fields are invalid, so rules that judge autoscale bounds report the gap instead of passing.
 */
export function unreadableAutoscaleProfile(index: Extract<AutoscaleIndex, { ok: false }>): AutoscaleProfile {
  const reason = `could not be read because listing the resource group's autoscale settings failed (${index.reason})`;
  const path = `${index.listingId}:properties.profiles[].capacity`;
  return {
    settingId: index.listingId,
    profileName: "(autoscale settings unreadable)",
    minimum: invalidField(`${path}.minimum`, undefined, reason),
    maximum: invalidField(`${path}.maximum`, undefined, reason),
    default: invalidField(`${path}.default`, undefined, reason),
  };
}

// Autoscale capacities are strings of digits in ARM responses ("1", "10").
function capacityField(value: unknown, path: string): Field<number> {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) {
    return setField(path, value);
  }
  if (typeof value === "string" && /^\d{1,9}$/.test(value)) {
    return setField(path, Number(value));
  }
  return invalidField(path, value, "must be a whole number of instances");
}
