import { randomUUID } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Fault, FaultPlan } from "./faults";
import { queryResourceGraph } from "./resource-graph";
import { routeRequest } from "./routes";
import type { EmulatedTenant } from "./tenant";

export interface ArmEmulatorOptions {
  readonly tenant: EmulatedTenant;
  /** The bearer token the emulator accepts; any other token gets HTTP 401. */
  readonly token: string;
  /** Items per listing page before a `nextLink`; ARM pages vary by provider, 100 is a common size. */
  readonly pageSize?: number;
  /** Delay added to every response, to stand in for network and ARM latency. */
  readonly latencyMs?: number;
  /** TCP port on 127.0.0.1; 0, the default, takes a free port. */
  readonly port?: number;
  readonly faults?: readonly Fault[];
  /**
   * Also listen on 127.0.0.2, a second loopback address, and count what arrives there. A `foreign-next-link`
   * fault points listings at it, so a test can prove the client never contacted another host.
   */
  readonly foreignHost?: boolean;
}

/** One request the emulator received. */
export interface RecordedRequest {
  readonly path: string;
  readonly apiVersion: string | null;
  readonly authorized: boolean;
  /** Time of arrival, from performance.now(), so tests can measure waits between retries. */
  readonly receivedAtMs: number;
}

export interface ArmEmulator {
  /** Origin to pass as `--arm-endpoint`, for example http://127.0.0.1:41234. */
  readonly url: string;
  /** Origin of the foreign listener, when `foreignHost` is set. */
  readonly foreignUrl?: string;
  readonly requests: readonly RecordedRequest[];
  /** Requests that reached the foreign listener. */
  readonly foreignRequests: readonly RecordedRequest[];
  /** Number of requests whose lower-cased path equals `path`. */
  countRequests(path: string): number;
  /** Highest number of requests the emulator was serving at the same time. */
  maxConcurrentRequests(): number;
  /** TCP connections the main listener accepted. Resource Manager keeps connections alive, and so does the emulator. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts the emulator on 127.0.0.1 with an ephemeral port. */
export async function startArmEmulator(options: ArmEmulatorOptions): Promise<ArmEmulator> {
  const requests: RecordedRequest[] = [];
  const foreignRequests: RecordedRequest[] = [];
  const faults = new FaultPlan(options.faults ?? []);
  const servers: Server[] = [];

  let foreignUrl: string | undefined;
  if (options.foreignHost === true) {
    const foreign = createServer((request, response) => {
      foreignRequests.push(record(request, options.token));
      sendJson(response, 200, { value: [] });
    });
    foreignUrl = await listen(foreign, "127.0.0.2", 0);
    servers.push(foreign);
  }

  let url = "";
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((request, response) => {
    const recorded = record(request, options.token);
    requests.push(recorded);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.once("close", () => inFlight--);
    void handle(request, response, recorded).catch(() => response.destroy());
  });

  const handle = async (request: IncomingMessage, response: ServerResponse, recorded: RecordedRequest): Promise<void> => {
    if (options.latencyMs !== undefined && options.latencyMs > 0) {
      await sleep(options.latencyMs);
    }
    if (!recorded.authorized) {
      sendJson(response, 401, armError("InvalidAuthenticationToken", "The access token is missing or invalid."));
      return;
    }
    if (recorded.apiVersion === null) {
      sendJson(response, 400, armError("MissingApiVersionParameter", "The api-version query parameter is required."));
      return;
    }

    const requestUrl = new URL(request.url ?? "/", url);
    const fault = faults.take(requestUrl);
    if (fault?.kind === "delay") {
      await sleep(fault.delayMs);
    }
    if (fault?.kind === "status") {
      const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { "Retry-After": String(fault.retryAfterSeconds) };
      sendJson(response, fault.status, armError(fault.code ?? `Http${fault.status}`, "Injected fault."), headers);
      return;
    }

    const routed =
      request.method === "POST" && recorded.path === RESOURCE_GRAPH_PATH
        ? queryResourceGraph(options.tenant, await readJsonBody(request))
        : routeRequest(options.tenant, requestUrl, {
            origin: url,
            nextLinkOrigin: fault?.kind === "foreign-next-link" ? foreignUrl : undefined,
            pageSize: options.pageSize ?? 100,
          });
    const text = JSON.stringify(withItemFault(withNextLinkFault(routed.body, fault, requestUrl), fault));

    if (fault?.kind === "html") {
      const html = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Proxy authentication required</body></html>";
      response.writeHead(200, responseHeaders({ "Content-Type": "text/html; charset=utf-8", "Content-Length": String(Buffer.byteLength(html)) }));
      response.end(html);
      return;
    }
    if (fault?.kind === "reset") {
      const bytes = Buffer.from(text, "utf8");
      response.writeHead(routed.status, responseHeaders({ "Content-Length": String(bytes.length) }));
      response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => response.socket?.resetAndDestroy());
      return;
    }
    if (fault?.kind === "truncate") {
      // Declare the full length, send half, then close: the client sees the body end early.
      const bytes = Buffer.from(text, "utf8");
      response.writeHead(routed.status, responseHeaders({ "Content-Length": String(bytes.length) }));
      response.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      setImmediate(() => response.destroy());
      return;
    }
    if (fault?.kind === "malformed") {
      sendText(response, routed.status, text.slice(0, Math.floor(text.length / 2)));
      return;
    }
    sendText(response, routed.status, text);
  };

  let connections = 0;
  server.on("connection", () => connections++);
  url = await listen(server, "127.0.0.1", options.port ?? 0);
  servers.push(server);

  return {
    url,
    foreignUrl,
    requests,
    foreignRequests,
    countRequests: (path) => requests.filter((request) => request.path === path.toLowerCase()).length,
    maxConcurrentRequests: () => maxInFlight,
    connections: () => connections,
    close: async () => {
      const closed = Promise.all(servers.map((each) => new Promise<void>((resolve) => each.close(() => resolve()))));
      // Clients keep idle connections open, and close() waits for every connection to end.
      for (const each of servers) {
        each.closeAllConnections();
      }
      await closed;
    },
  };
}

/** Rewrites the nextLink of a listing page for the next-link-to-page and long-listing faults. */
function withNextLinkFault(body: unknown, fault: Fault | undefined, url: URL): unknown {
  const page = Number(url.searchParams.get("$skiptoken") ?? "0");
  if (fault?.kind !== "next-link-to-page" && (fault?.kind !== "long-listing" || page + 1 >= fault.pages)) {
    return body;
  }
  const next = new URL(url.toString());
  const target = fault.kind === "long-listing" ? page + 1 : fault.toPage - 1;
  // The first page has no $skiptoken, so a link back to it is the listing's own URL.
  if (target === 0) {
    next.searchParams.delete("$skiptoken");
  } else {
    next.searchParams.set("$skiptoken", String(target));
  }
  return { ...(body as Record<string, unknown>), nextLink: next.toString() };
}

/** Changes a listing page's first item, or a single resource, for the changed-duplicate and foreign-id faults. */
function withItemFault(body: unknown, fault: Fault | undefined): unknown {
  const page = body as { value?: Record<string, unknown>[] };
  if (fault?.kind === "foreign-id" && !Array.isArray(page.value)) {
    return { ...(body as Record<string, unknown>), id: fault.id, ...(fault.name === undefined ? {} : { name: fault.name }) };
  }
  if ((fault?.kind !== "changed-duplicate" && fault?.kind !== "foreign-id") || !Array.isArray(page.value) || page.value.length === 0) {
    return body;
  }
  const [first, ...rest] = page.value;
  if (fault.kind === "foreign-id") {
    return { ...page, value: [{ ...first, id: fault.id, ...(fault.name === undefined ? {} : { name: fault.name }) }, ...rest] };
  }
  const copy = { ...first, properties: { ...(first.properties as Record<string, unknown>), ...fault.properties } };
  return { ...page, value: [...page.value, copy] };
}

/** Lower-cased path of the Resource Graph query API, which takes POST. */
const RESOURCE_GRAPH_PATH = "/providers/microsoft.resourcegraph/resources";

/** Reads a request body as JSON; a body that is not JSON becomes undefined, which the route rejects. */
async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return undefined;
  }
}

function record(request: IncomingMessage, token: string): RecordedRequest {
  const url = new URL(request.url ?? "/", "http://emulator");
  return {
    path: url.pathname.toLowerCase(),
    apiVersion: url.searchParams.get("api-version"),
    authorized: request.headers.authorization === `Bearer ${token}`,
    receivedAtMs: performance.now(),
  };
}

async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return `http://${host}:${address.port}`;
}

function armError(code: string, message: string): unknown {
  return { error: { code, message } };
}

function responseHeaders(extra: Record<string, string>): Record<string, string> {
  return { "Content-Type": "application/json; charset=utf-8", "x-ms-request-id": randomUUID(), ...extra };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(response, status, JSON.stringify(body), headers);
}

function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(text, "utf8");
  response.writeHead(status, responseHeaders({ "Content-Length": String(bytes.length), ...headers }));
  response.end(bytes);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
