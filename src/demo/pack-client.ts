import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import * as grpc from "@grpc/grpc-js";
import Ajv from "ajv";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

// Generated gRPC code of the Pulumi engine protocol, shipped with @pulumi/pulumi; it has no TypeScript types.
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

const LEVEL_NAMES: readonly EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const LEVEL_CODES: Record<EnforcementLevel, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

/** Wire format of a secret in engine properties (`runtime/rpc.js` in @pulumi/pulumi). */
export function secret(value: unknown): Record<string, unknown> {
  return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

/** A resource as the engine sends it to an analyzer. */
export interface EngineResource {
  readonly type: string;
  readonly name: string;
  readonly urn?: string;
  /** Properties with unknowns as sentinel strings and secrets as `secret(value)`. */
  readonly props: Record<string, unknown>;
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface Diagnostic {
  readonly policyName: string;
  readonly policyPackName: string;
  readonly message: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly urn: string;
  readonly severity: number;
}

export interface AnalyzeResult {
  readonly diagnostics: Diagnostic[];
  readonly notApplicable: { readonly policyName: string; readonly reason: string }[];
}

export interface RemediateResult {
  readonly remediations: { readonly policyName: string; readonly properties: Record<string, unknown> | undefined; readonly diagnostic: string }[];
  readonly notApplicable: { readonly policyName: string; readonly reason: string }[];
}

export interface PolicyInfo {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly severity: number;
  readonly url: string;
  readonly remediationSteps: string;
  readonly policyType: number;
  readonly configSchema?: { readonly properties: Record<string, Record<string, unknown>>; readonly required: string[] };
}

export interface HarnessOptions {
  /** The pack directory: the repository root, with dist/ built. */
  readonly packDir: string;
  /** The JSON of `--policy-pack-config`, as parsed. */
  readonly config?: Record<string, unknown>;
  readonly dryRun?: boolean;
  readonly stack?: string;
  readonly project?: string;
}

/** Raised when the config file fails the policies' JSON Schemas, as the engine rejects it before Configure. */
export class EngineConfigError extends Error {}

/**
 * Drives the real policy pack process over the Pulumi analyzer gRPC protocol, in the order the engine uses.
 * Nothing listens at the engine address: the Node.js policy SDK never connects back to it.
 */
export class PackHarness {
  /**
   * Milliseconds the pack took to respond to the engine's calls of `start` (handshake up to Configure), each timed from
   * request to response, which includes encoding the request. The harness's own work between the calls, such as
   * validating each policy's config, which the engine does in Go, is left out.
   */
  startCallsMs = 0;

  private constructor(
    private readonly child: ChildProcess,
    private readonly client: { close(): void; [method: string]: unknown },
    readonly stack: string,
    readonly project: string,
    readonly startupMs: number,
    readonly policies: readonly PolicyInfo[],
    readonly packName: string,
    readonly stderr: () => string,
  ) {}

  static async start(options: HarnessOptions): Promise<PackHarness> {
    const stack = options.stack ?? "dev";
    const project = options.project ?? "amlguard-example";
    const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [options.packDir] });

    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [runPolicyPack, "127.0.0.1:1", options.packDir], {
      cwd: options.packDir,
      env: {
        ...process.env,
        PULUMI_NODEJS_STACK: stack,
        PULUMI_NODEJS_PROJECT: project,
        PULUMI_NODEJS_ORGANIZATION: "organization",
        PULUMI_NODEJS_DRY_RUN: String(options.dryRun ?? true),
        PULUMI_CONFIG: "{}",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });

    const port = await firstLine(child, () => stderr);
    const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (!/^\d+$/.test(port)) {
      child.kill();
      throw new Error(`the pack wrote ${JSON.stringify(port)} as its first stdout line, not a port; stderr: ${stderr}`);
    }

    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    let callsMs = 0;
    const call = <T>(method: string, request: unknown): Promise<T> => {
      const sent = process.hrtime.bigint();
      return new Promise<T>((resolve, reject) => {
        (client[method] as (request: unknown, callback: (error: Error | null, response: T) => void) => void).call(client, request, (error, response) => {
          callsMs += Number(process.hrtime.bigint() - sent) / 1e6;
          return error ? reject(error) : resolve(response);
        });
      });
    };

    // The engine accepts UNIMPLEMENTED from Handshake; the Node.js SDK does not implement it.
    try {
      const handshake = new analyzerPb.AnalyzerHandshakeRequest();
      handshake.setEngineAddress("127.0.0.1:1");
      handshake.setRootDirectory(options.packDir);
      await call("handshake", handshake);
    } catch (error) {
      if ((error as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) {
        throw error;
      }
    }

    const stackRequest = new analyzerPb.AnalyzerStackConfigureRequest();
    stackRequest.setStack(stack);
    stackRequest.setProject(project);
    stackRequest.setOrganization("organization");
    stackRequest.setDryRun(options.dryRun ?? true);
    await call("configureStack", stackRequest);
    await call("getPluginInfo", new Empty());

    const info = await call<{ toObject(): Record<string, unknown>; getName(): string; getPoliciesList(): unknown[] }>("getAnalyzerInfo", new Empty());
    const policies = info.getPoliciesList().map(policyInfo);
    const initialConfig = initialConfigOf(info);

    const harness = new PackHarness(child, client, stack, project, startupMs, policies, info.getName(), () => stderr);
    try {
      const config = reconcileConfig(policies, initialConfig, options.config ?? {});
      const configureSent = process.hrtime.bigint();
      await harness.configure(config);
      harness.startCallsMs = callsMs + Number(process.hrtime.bigint() - configureSent) / 1e6;
    } catch (error) {
      // The engine stops the pack when the config is rejected.
      await harness.stop();
      throw error;
    }
    return harness;
  }

  urnOf(resource: Pick<EngineResource, "type" | "name" | "urn">): string {
    return resource.urn ?? `urn:pulumi:${this.stack}::${this.project}::${resource.type}::${resource.name}`;
  }

  async analyze(resource: EngineResource): Promise<AnalyzeResult> {
    const response = await this.call<AnalyzeResponseMessage>("analyze", this.analyzeRequest(resource));
    return analyzeResult(response);
  }

  async remediate(resource: EngineResource): Promise<RemediateResult> {
    const response = await this.call<{
      getRemediationsList(): { getPolicyname(): string; getProperties(): Struct | undefined; getDiagnostic(): string }[];
      getNotApplicableList(): NotApplicableMessage[];
    }>("remediate", this.analyzeRequest(resource));
    return {
      remediations: response.getRemediationsList().map((remediation) => ({
        policyName: remediation.getPolicyname(),
        properties: remediation.getProperties()?.toJavaScript() as Record<string, unknown> | undefined,
        diagnostic: remediation.getDiagnostic(),
      })),
      notApplicable: response.getNotApplicableList().map(notApplicable),
    };
  }

  async analyzeStack(resources: readonly EngineResource[]): Promise<AnalyzeResult> {
    const request = new analyzerPb.AnalyzeStackRequest();
    request.setResourcesList(
      resources.map((resource) => {
        const message = new analyzerPb.AnalyzerResource();
        message.setType(resource.type);
        message.setName(resource.name);
        message.setUrn(this.urnOf(resource));
        message.setProperties(Struct.fromJavaScript(resource.props as never));
        message.setOptions(new analyzerPb.AnalyzerResourceOptions());
        message.setDependenciesList([...(resource.dependencies ?? [])]);
        const dependencies = message.getPropertydependenciesMap();
        for (const [property, urns] of Object.entries(resource.propertyDependencies ?? {})) {
          const entry = new analyzerPb.AnalyzerPropertyDependencies();
          entry.setUrnsList([...urns]);
          dependencies.set(property, entry);
        }
        return message;
      }),
    );
    return analyzeResult(await this.call<AnalyzeResponseMessage>("analyzeStack", request));
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill();
      await exited;
    }
  }

  private async configure(config: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>): Promise<void> {
    const request = new analyzerPb.ConfigureAnalyzerRequest();
    const map = request.getPolicyconfigMap();
    for (const [name, entry] of Object.entries(config)) {
      const policyConfig = new analyzerPb.PolicyConfig();
      policyConfig.setEnforcementlevel(LEVEL_CODES[entry.enforcementLevel]);
      policyConfig.setProperties(Struct.fromJavaScript(entry.properties as never));
      map.set(name, policyConfig);
    }
    await this.call("configure", request);
  }

  private analyzeRequest(resource: EngineResource): unknown {
    const request = new analyzerPb.AnalyzeRequest();
    request.setType(resource.type);
    request.setName(resource.name);
    request.setUrn(this.urnOf(resource));
    request.setProperties(Struct.fromJavaScript(resource.props as never));
    request.setOptions(new analyzerPb.AnalyzerResourceOptions());
    return request;
  }

  private call<T>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      (this.client[method] as (request: unknown, callback: (error: Error | null, response: T) => void) => void).call(this.client, request, (error, response) =>
        error ? reject(error) : resolve(response),
      );
    });
  }
}

interface NotApplicableMessage {
  getPolicyName(): string;
  getReason(): string;
}

interface AnalyzeResponseMessage {
  getDiagnosticsList(): {
    getPolicyname(): string;
    getPolicypackname(): string;
    getMessage(): string;
    getEnforcementlevel(): number;
    getUrn(): string;
    getSeverity(): number;
  }[];
  getNotApplicableList(): NotApplicableMessage[];
}

function notApplicable(message: NotApplicableMessage): { policyName: string; reason: string } {
  return { policyName: message.getPolicyName(), reason: message.getReason() };
}

function analyzeResult(response: AnalyzeResponseMessage): AnalyzeResult {
  return {
    diagnostics: response.getDiagnosticsList().map((diagnostic) => ({
      policyName: diagnostic.getPolicyname(),
      policyPackName: diagnostic.getPolicypackname(),
      message: diagnostic.getMessage(),
      enforcementLevel: LEVEL_NAMES[diagnostic.getEnforcementlevel()],
      urn: diagnostic.getUrn(),
      severity: diagnostic.getSeverity(),
    })),
    notApplicable: response.getNotApplicableList().map(notApplicable),
  };
}

function policyInfo(message: unknown): PolicyInfo {
  const policy = message as {
    getName(): string;
    getDescription(): string;
    getEnforcementlevel(): number;
    getSeverity(): number;
    getUrl(): string;
    getRemediationSteps(): string;
    getPolicyType(): number;
    getConfigschema(): { getProperties(): Struct | undefined; getRequiredList(): string[] } | undefined;
  };
  const schema = policy.getConfigschema();
  return {
    name: policy.getName(),
    description: policy.getDescription(),
    enforcementLevel: LEVEL_NAMES[policy.getEnforcementlevel()],
    severity: policy.getSeverity(),
    url: policy.getUrl(),
    remediationSteps: policy.getRemediationSteps(),
    policyType: policy.getPolicyType(),
    ...(schema === undefined
      ? {}
      : {
          configSchema: {
            properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, Record<string, unknown>>,
            required: schema.getRequiredList(),
          },
        }),
  };
}

function initialConfigOf(info: unknown): Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> {
  const map = (info as { getInitialconfigMap(): Map<string, { getEnforcementlevel(): number; getProperties(): Struct | undefined }> }).getInitialconfigMap();
  const result: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> = {};
  for (const [name, entry] of map.entries()) {
    result[name] = { enforcementLevel: LEVEL_NAMES[entry.getEnforcementlevel()], properties: (entry.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown> };
  }
  return result;
}

/**
 * Layers the config as the engine does: schema defaults and each policy's level, then the pack's initial
 * config, then the file, where `all` sets every policy's level. Each policy's properties are validated against
 * `{ type: "object", properties, required }` (JSON Schema draft 7, without `additionalProperties`), as the
 * engine validates with gojsonschema.
 */
export function reconcileConfig(
  policies: readonly PolicyInfo[],
  initialConfig: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }>,
  file: Record<string, unknown>,
): Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const all = file.all;
  const allLevel = typeof all === "string" ? (all as EnforcementLevel) : (all as { enforcementLevel?: EnforcementLevel } | undefined)?.enforcementLevel;

  const result: Record<string, { enforcementLevel: EnforcementLevel; properties: Record<string, unknown> }> = {};
  for (const policy of policies) {
    const properties: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if (schema.default !== undefined) {
        properties[key] = schema.default;
      }
    }
    let level = policy.enforcementLevel;

    const initial = initialConfig[policy.name];
    if (initial !== undefined) {
      level = initial.enforcementLevel;
      Object.assign(properties, initial.properties);
    }
    if (allLevel !== undefined) {
      level = allLevel;
    }

    const entry = file[policy.name];
    if (typeof entry === "string") {
      level = entry as EnforcementLevel;
    } else if (entry !== null && typeof entry === "object") {
      const { enforcementLevel, ...rest } = entry as Record<string, unknown>;
      if (typeof enforcementLevel === "string") {
        level = enforcementLevel as EnforcementLevel;
      }
      Object.assign(properties, rest);
    }

    const schema = { type: "object", properties: policy.configSchema?.properties ?? {}, required: policy.configSchema?.required ?? [] };
    if (!ajv.validate(schema, properties)) {
      throw new EngineConfigError(`validating policy config: ${policy.name}: ${ajv.errorsText()}`);
    }
    result[policy.name] = { enforcementLevel: level, properties };
  }

  // The engine passes on a key that names no policy, a misspelled rule id included, without an error.
  const known = new Set(policies.map((policy) => policy.name));
  for (const [key, entry] of Object.entries(file)) {
    if (known.has(key) || key === "environments") {
      continue;
    }
    const { enforcementLevel, ...rest } = typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>) : { enforcementLevel: entry };
    result[key] = { enforcementLevel: LEVEL_NAMES.includes(enforcementLevel as EnforcementLevel) ? (enforcementLevel as EnforcementLevel) : "advisory", properties: rest };
  }
  return result;
}

function firstLine(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => {
      lines.close();
      // Later output is diagnostics; keep reading so the pack does not block on a full pipe.
      child.stdout!.resume();
      resolve(line.trim());
    });
    child.once("exit", (code) => reject(new Error(`the pack exited with code ${code} before writing its port; stderr: ${stderr()}`)));
  });
}
