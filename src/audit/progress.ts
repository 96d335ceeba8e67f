import { countOf } from "../reporters/plain-text";

/** Counts listing progress and, when enabled, redraws one status line on stderr. */
export class AuditProgress {
  private workspaces = 0;
  private endpoints = 0;
  private deployments = 0;
  private lastDraw = 0;
  // Whether the terminal's current line shows a status that a log line would be printed over.
  private statusShown = false;

  /**
   * @param mode `tty` redraws one line in place, `lines` writes a line per update (for --verbose in CI logs),
   * `off` writes nothing.
   */
  constructor(
    private readonly mode: "tty" | "lines" | "off",
    private readonly write: (text: string) => void,
  ) {}

  workspaceDone(): void {
    this.workspaces++;
    this.draw();
  }

  endpointDone(): void {
    this.endpoints++;
    this.draw();
  }

  deploymentsRead(count: number): void {
    this.deployments += count;
    this.draw();
  }

  /**
   * Erases the status line before another line goes to the same terminal, which would otherwise be printed over
   * the status and keep its tail. The next update draws the status again below that line.
   */
  clearLine(): void {
    if (this.mode === "tty" && this.statusShown) {
      this.write("\r\x1b[K");
      this.statusShown = false;
      this.lastDraw = 0;
    }
  }

  /** Ends the status line, so later output starts on a new line. */
  finish(): void {
    this.statusShown = false;
    if (this.mode === "tty") {
      this.write(`\r${this.status()}\n`);
    } else if (this.mode === "lines") {
      this.write(`${this.status()}\n`);
    }
  }

  private draw(): void {
    const now = Date.now();
    // Redraw at most ten times a second: a large tenant produces thousands of updates.
    if (this.mode === "off" || now - this.lastDraw < 100) {
      return;
    }
    this.lastDraw = now;
    this.statusShown = this.mode === "tty";
    this.write(this.mode === "tty" ? `\r${this.status()}` : `${this.status()}\n`);
  }

  private status(): string {
    return `amlguard audit: ${countOf(this.workspaces, "workspace")}, ${countOf(this.endpoints, "endpoint")}, ${countOf(this.deployments, "deployment")} read`;
  }
}
