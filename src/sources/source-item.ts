import type { OnlineDeployment, ResourceRef } from "../model/deployment";

/** One resource a source produced: a deployment to judge, or a resource it could not turn into one, with the reason. */
export type SourceItem =
  | { readonly kind: "deployment"; readonly deployment: OnlineDeployment }
  | { readonly kind: "not-evaluated"; readonly ref: ResourceRef; readonly reason: string };
