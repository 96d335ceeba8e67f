import { join } from "node:path";
import { NO_RULE_JUDGED } from "../../src/engine/evaluate";
import type { EngineEvent } from "../../src/events/engine-event";
import { parseEventLog, readEventLog } from "../../src/events/read";
import { policyEventsToResults } from "../../src/events/to-results";
import { RULES } from "../../src/rules/index";

const FIXTURES = join(__dirname, "fixtures");
const BLUE_URN = "urn:pulumi:dev::fraud-scoring::azure-native:machinelearningservices:OnlineDeployment::blue";

async function converted(file = "preview.ndjson", pack = "amlguard") {
  const log = await readEventLog(join(FIXTURES, file));
  return policyEventsToResults(log.events, pack, RULES);
}

function policyEvent(sequence: number, overrides: Record<string, unknown>): EngineEvent {
  return {
    sequence,
    timestamp: 1764878400,
    policyEvent: {
      resourceUrn: BLUE_URN,
      message: "text",
      color: "raw",
      policyName: "request-timeout",
      policyPackName: "amlguard",
      enforcementLevel: "mandatory",
      ...overrides,
    },
  } as EngineEvent;
}

describe("event log reader", () => {
  test("reads events in sequence order", () => {
    const text = ['{"sequence":2,"timestamp":2,"cancelEvent":{}}', "", '{"sequence":1,"timestamp":1,"stdoutEvent":{"message":"m","color":"never"}}'].join("\n");

    const { events } = parseEventLog(text, "log.ndjson");

    expect(events.map((event) => event.sequence)).toEqual([1, 2]);
  });

  test("names the line of a bad event", async () => {
    await expect(readEventLog(join(FIXTURES, "not-events.ndjson"))).rejects.toThrow(/line 2 is not a Pulumi engine event: timestamp/);
  });

  test("names the line of invalid JSON", () => {
    expect(() => parseEventLog('{"sequence":1,"timestamp":1}\n{"sequence":\n{"sequence":2,"timestamp":2}', "log.ndjson")).toThrow(/line 2 is not valid JSON/);
  });

  test("repeated line is one event", () => {
    const line = '{"sequence":1,"timestamp":1,"cancelEvent":{}}';

    const { events } = parseEventLog([line, line, '{"sequence":2,"timestamp":2,"cancelEvent":{}}'].join("\n"), "log.ndjson");

    expect(events.map((event) => event.sequence)).toEqual([1, 2]);
  });

  test("last line cut off ends the log early", () => {
    const { events, truncated } = parseEventLog('{"sequence":1,"timestamp":1,"cancelEvent":{}}\n{"sequence":', "log.ndjson");

    expect(events.map((event) => event.sequence)).toEqual([1]);
    expect(truncated).toBe(true);
  });
});

describe("policyEventsToResults", () => {
  test("keeps only online deployments", async () => {
    const { results } = await converted();

    expect(results.map((result) => result.resource.name).sort()).toEqual(["blue", "canary", "green"]);
  });

  test("violations become findings", async () => {
    const { results } = await converted();

    const blue = results.find((result) => result.resource.name === "blue")!;
    expect(blue.findings.map((finding) => [finding.ruleId, finding.enforcementLevel, finding.severity])).toEqual([
      ["request-timeout", "mandatory", "medium"],
      ["instance-count", "advisory", RULES.find((rule) => rule.id === "instance-count")!.severity],
    ]);
  });

  test("description prefix is removed", async () => {
    const { results } = await converted();

    const blue = results.find((result) => result.resource.name === "blue")!;
    expect(blue.findings[0].message).toBe("Request timeout is PT5M, above the maximum of PT1M30S. Set properties.requestSettings.requestTimeout to PT1M30S or less.");
  });

  test("other packs are ignored", async () => {
    const { results } = await converted();

    const ruleIds = results.flatMap((result) => result.findings.map((finding) => finding.ruleId));
    expect(ruleIds).not.toContain("tag-owner");
  });

  test("summary gives passes and not-applicable rules", async () => {
    const { results } = await converted();

    const blue = results.find((result) => result.resource.name === "blue")!;
    const outcome = (ruleId: string) => blue.rules.find((rule) => rule.ruleId === ruleId)?.outcome;
    expect(outcome("egress-public-network-access")).toBe("passed");
    expect(outcome("request-timeout")).toBe("failed");
    expect(outcome("container-resources")).toBe("not-applicable");
    expect(blue.rules).toHaveLength(RULES.length);
  });

  test("summary without rules: not evaluated", async () => {
    const log = await readEventLog(join(FIXTURES, "preview.ndjson"));
    const urn = "urn:pulumi:dev::fraud-scoring::azure-native:machinelearningservices:OnlineDeployment::idle";
    const type = "azure-native:machinelearningservices:OnlineDeployment";
    const step = { sequence: 1000, timestamp: 1764878405, resourcePreEvent: { metadata: { op: "create", urn, type, new: { type, urn } } } };
    const summary = {
      sequence: 1001,
      timestamp: 1764878405,
      policyAnalyzeSummaryEvent: { resourceUrn: urn, policyPackName: "amlguard", policyPackVersion: "0.1.0", policyPackVersionTag: "0.1.0", passed: ["limits-file"] },
    };

    const { results } = policyEventsToResults([...log.events, step, summary] as unknown as EngineEvent[], "amlguard", RULES);

    const idle = results.find((result) => result.resource.name === "idle")!;
    expect([idle.status, idle.reason]).toEqual(["not-evaluated", NO_RULE_JUDGED]);
  });

  test("deployment without summary is not evaluated", async () => {
    const { results } = await converted();

    const canary = results.find((result) => result.resource.name === "canary")!;
    expect(canary.status).toBe("not-evaluated");
    expect(canary.reason).toContain("no policy summary from policy pack amlguard");
  });

  test.each(["delete", "delete-replaced", "read", "refresh"])("%s step is left out", async (op) => {
    const log = await readEventLog(join(FIXTURES, "preview.ndjson"));
    const type = "azure-native:machinelearningservices:OnlineDeployment";
    const urn = `urn:pulumi:dev::fraud-scoring::${type}::retired`;
    const step = {
      sequence: 1000,
      timestamp: 1764878405,
      resourcePreEvent: { metadata: { op, urn, type, old: { type, urn }, new: null } },
    } as unknown as EngineEvent;

    const { results } = policyEventsToResults([...log.events, step], "amlguard", RULES);

    expect(results.map((result) => result.resource.name).sort()).toEqual(["blue", "canary", "green"]);
  });

  test("replaced deployment without summary is not evaluated", async () => {
    const log = await readEventLog(join(FIXTURES, "preview.ndjson"));
    const type = "azure-native:machinelearningservices:OnlineDeployment";
    const urn = `urn:pulumi:dev::fraud-scoring::${type}::swapped`;
    const steps = ["create-replacement", "delete-replaced"].map(
      (op, index) => ({ sequence: 1000 + index, timestamp: 1764878405, resourcePreEvent: { metadata: { op, urn, type, old: { type, urn }, new: { type, urn } } } }) as unknown as EngineEvent,
    );

    const { results } = policyEventsToResults([...log.events, ...steps], "amlguard", RULES);

    expect(results.find((result) => result.resource.name === "swapped")?.status).toBe("not-evaluated");
  });

  test("stack policy findings name the stack", async () => {
    const log = await readEventLog(join(FIXTURES, "preview.ndjson"));
    const stackFinding = policyEvent(1000, { resourceUrn: undefined, policyName: "quota-core-budget" });

    const { results } = policyEventsToResults([...log.events, stackFinding], "amlguard", RULES);

    const stack = results.find((result) => result.findings.some((finding) => finding.ruleId === "quota-core-budget"));
    expect(stack?.resource.name).toBe("stack policies of fraud-scoring/dev");
    expect(stack?.findings[0].resource).toBe(stack?.resource);
  });

  test("states stack, packs and times", async () => {
    const { stack, policyPacks, startedAt, endedAt, complete } = await converted();

    expect(stack).toBe("fraud-scoring/dev");
    expect(policyPacks).toEqual({ amlguard: "v0.1.0", "org-baseline": "v2.3.0" });
    expect([startedAt, endedAt]).toEqual(["2025-12-04T20:00:00.000Z", "2025-12-04T20:00:07.000Z"]);
    expect(complete).toBe(true);
  });

  test("log without summary event is incomplete", async () => {
    const { complete } = await converted("preview-stopped.ndjson");

    expect(complete).toBe(false);
  });

  test.each([
    { name: "warning is advisory", overrides: { enforcementLevel: "warning" }, level: "advisory" },
    { name: "remediate is mandatory", overrides: { enforcementLevel: "remediate" }, level: "mandatory" },
    { name: "disabled is dropped", overrides: { enforcementLevel: "disabled" }, level: undefined },
  ])("level $name", ({ overrides, level }) => {
    const { results } = policyEventsToResults([policyEvent(1, overrides)], "amlguard", RULES);

    expect(results[0]?.findings[0]?.enforcementLevel).toBe(level);
  });

  test("color directives are removed", () => {
    const { results } = policyEventsToResults([policyEvent(1, { message: "<{%fg 1%}>Request timeout is PT5M.<{%reset%}>" })], "amlguard", RULES);

    expect(results[0].findings[0].message).toBe("Request timeout is PT5M.");
  });

  test("event severity overrides catalogue", () => {
    const { results } = policyEventsToResults([policyEvent(1, { severity: "critical" })], "amlguard", RULES);

    expect(results[0].findings[0].severity).toBe("critical");
  });

  test.each(["Mandatory", "none"])("level %j counts as mandatory", (enforcementLevel) => {
    const { results } = policyEventsToResults([policyEvent(1, { enforcementLevel, message: "Request timeout is PT5M" })], "amlguard", RULES);

    expect(results[0].findings[0].enforcementLevel).toBe("mandatory");
    expect(results[0].findings[0].message).toBe(
      `Request timeout is PT5M. The event log gives its enforcement level as "${enforcementLevel}", which is not a Pulumi level, so it counts as mandatory.`,
    );
  });

  test("failed rule without its event counts as mandatory", () => {
    const summary = {
      sequence: 2,
      timestamp: 1764878400,
      policyAnalyzeSummaryEvent: { resourceUrn: BLUE_URN, policyPackName: "amlguard", policyPackVersion: "0.1.0", passed: ["instance-count"], failed: ["request-timeout"] },
    } as unknown as EngineEvent;

    const { results } = policyEventsToResults([summary], "amlguard", RULES);

    expect(results[0].findings.map((finding) => [finding.ruleId, finding.enforcementLevel])).toEqual([["request-timeout", "mandatory"]]);
    expect(results[0].findings[0].message).toContain("lists request-timeout of policy pack amlguard as failed on this resource, but the event log has no policy event for it");
  });

  test("pack policy without severity keeps its own", () => {
    const { results } = policyEventsToResults([policyEvent(1, { policyName: "limits-file" })], "amlguard", RULES);

    expect(results[0].findings[0].severity).toBe("high");
  });
});

describe("local SDK type tokens", () => {
  test("unsummarized deployment is not evaluated", async () => {
    const log = await readEventLog(join(FIXTURES, "preview.ndjson"));
    const type = "azure-native_machinelearningservices_v20250601:machinelearningservices:OnlineDeployment";
    const urn = `urn:pulumi:dev::fraud-scoring::${type}::shadow`;
    const step: EngineEvent = {
      sequence: 1000,
      timestamp: 1764878405,
      resourcePreEvent: { metadata: { op: "create", urn, type, old: null, new: { type, urn } } },
    } as unknown as EngineEvent;

    const { results } = policyEventsToResults([...log.events, step], "amlguard", RULES);

    const shadow = results.find((result) => result.resource.name === "shadow");
    expect(shadow?.status).toBe("not-evaluated");
  });
});
