import * as pulumi from "@pulumi/pulumi";

/** A resource the program registered, as the engine would send it to a policy pack during a first preview. */
export interface CapturedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** Inputs in the engine's wire form: unknowns as sentinel strings, secrets wrapped with their signature. */
  readonly props: Record<string, unknown>;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): Map<string, { getUrnsList(): string[] }>;
}

type RegisterResource = (request: RegisterRequest, callback: (error: Error | null, response?: { getUrn(): string }) => void) => void;

/**
 * Runs a Pulumi program in this process with @pulumi/pulumi's runtime mocks in preview mode and returns the
 * resources it registered. Mocked resources return their inputs as state, so every output that is not an
 * input (an `id`, a `name`) stays unknown, as in a first preview of a new stack.
 */
export async function capturePreview(program: () => void, project: string, stack: string): Promise<CapturedResource[]> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => ({ id: undefined, state: args.inputs }),
      call: (args) => args.inputs,
    },
    project,
    stack,
    true,
  );

  // The mock monitor is @pulumi/pulumi's own; wrapping its registerResource captures each request as sent.
  const settings = require("@pulumi/pulumi/runtime/settings") as { getMonitor(): { registerResource: RegisterResource }; waitForRPCs(): Promise<void> };
  const monitor = settings.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  const captured: CapturedResource[] = [];

  monitor.registerResource = (request, callback) => {
    register(request, (error, response) => {
      if (error === null && response !== undefined) {
        const propertyDependencies: Record<string, string[]> = {};
        for (const [property, dependencies] of request.getPropertydependenciesMap().entries()) {
          propertyDependencies[property] = dependencies.getUrnsList();
        }
        captured.push({
          type: request.getType(),
          name: request.getName(),
          urn: response.getUrn(),
          props: request.getObject()?.toJavaScript() ?? {},
          dependencies: request.getDependenciesList(),
          propertyDependencies,
        });
      }
      callback(error, response);
    });
  };

  program();
  await settings.waitForRPCs();
  return captured;
}
