import { AuditProgress } from "../../src/audit/progress";

describe("AuditProgress", () => {
  test("off writes nothing", () => {
    const written: string[] = [];
    const progress = new AuditProgress("off", (text) => written.push(text));

    progress.workspaceDone();
    progress.finish();

    expect(written).toEqual([]);
  });

  test("lines mode ends with the totals", () => {
    const written: string[] = [];
    const progress = new AuditProgress("lines", (text) => written.push(text));

    progress.workspaceDone();
    progress.endpointDone();
    progress.deploymentsRead(3);
    progress.finish();

    expect(written.at(-1)).toBe("amlguard audit: 1 workspace, 1 endpoint, 3 deployments read\n");
  });

  test("tty mode redraws one line", () => {
    const written: string[] = [];
    const progress = new AuditProgress("tty", (text) => written.push(text));

    progress.workspaceDone();
    progress.finish();

    expect(written.every((text) => text.startsWith("\r"))).toBe(true);
  });

  test("log line erases terminal status", () => {
    const written: string[] = [];
    const progress = new AuditProgress("tty", (text) => written.push(text));

    progress.workspaceDone();
    progress.clearLine();
    written.push("amlguard: a log line\n");
    progress.endpointDone();

    expect(written).toEqual([
      "\ramlguard audit: 1 workspace, 0 endpoints, 0 deployments read",
      "\r\x1b[K",
      "amlguard: a log line\n",
      "\ramlguard audit: 1 workspace, 1 endpoint, 0 deployments read",
    ]);
  });

  test("clearLine without a status", () => {
    const written: string[] = [];
    const tty = new AuditProgress("tty", (text) => written.push(text));
    const lines = new AuditProgress("lines", (text) => written.push(text));

    tty.clearLine();
    lines.workspaceDone();
    lines.clearLine();

    expect(written).toEqual(["amlguard audit: 1 workspace, 0 endpoints, 0 deployments read\n"]);
  });
});
