// The node agent's control loop: poll the desired generation, load it, report a receipt.
// One hydration at a time; a failed request is not retried until the resource publishes a new
// request (a new requestId), so a corrupt object cannot turn into a hot retry loop.
import type { ObjectStore } from "../../transfer/store";
import {
  CONTROL_KEYS, CONTROL_SCHEMA_VERSION, desiredSchema, manifestSchema, receiptSchema, type Desired, type Receipt,
} from "../control";
import { getJson, putJson } from "../control-io";
import type { AgentConfig } from "./config";
import { GenerationLayout } from "./generations";
import { HydrationError, hydrateGeneration, type HydrationProgress } from "./hydrate";

export interface AgentStores {
  /** The bucket rooted at the data prefix. */
  data: ObjectStore;
  /** The bucket rooted at the control prefix. */
  control: ObjectStore;
}

export type AgentLog = (line: string) => void;

/** The config with the node name resolved (see config.ts `node`). */
export type ResolvedAgentConfig = Omit<AgentConfig, "node"> & { node: string };

export type TickResult = "idle" | "not-addressed" | "up-to-date" | "reported" | "loaded" | "failed" | "waiting-for-new-request";

export class HydrationAgent {
  readonly layout: GenerationLayout;
  private lastReceipt: Receipt | undefined;

  constructor(private readonly config: ResolvedAgentConfig, private readonly stores: AgentStores, private readonly log: AgentLog = () => undefined) {
    this.layout = new GenerationLayout(config.dataRoot);
  }

  private async receiptBase(desired: Desired, startedAt: Date): Promise<Omit<Receipt, "status" | "error">> {
    return {
      schemaVersion: CONTROL_SCHEMA_VERSION,
      node: this.config.node,
      requestId: desired.requestId,
      generation: desired.generation,
      files: 0,
      bytes: 0,
      doneFiles: 0,
      downloadedBytes: 0,
      reusedFiles: 0,
      startedAt: startedAt.toISOString(),
      updatedAt: new Date().toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      verifiedDigest: "",
      live: await this.layout.live(),
      previous: await this.layout.previous(),
    };
  }

  private async report(receipt: Receipt): Promise<void> {
    this.lastReceipt = receipt;
    await putJson(this.stores.control, CONTROL_KEYS.receipt(this.config.node), receipt);
  }

  /** One poll: returns what it did. Errors reading the control objects are thrown (the loop logs and retries). */
  async tick(signal?: AbortSignal): Promise<TickResult> {
    const desired = await getJson(this.stores.control, CONTROL_KEYS.desired, desiredSchema);
    if (!desired) return "idle";
    if (!desired.nodes.includes(this.config.node)) return "not-addressed";

    this.lastReceipt ??= await getJson(this.stores.control, CONTROL_KEYS.receipt(this.config.node), receiptSchema).catch(() => undefined);
    const last = this.lastReceipt;
    const sameRequest = last?.requestId === desired.requestId && last.generation === desired.generation;
    if (sameRequest && last.status === "ok" && (await this.layout.live()) === desired.generation) return "up-to-date";
    if (sameRequest && last.status === "failed") return "waiting-for-new-request";

    const startedAt = new Date();
    if (desired.prefix !== this.config.prefix) {
      await this.report({
        ...(await this.receiptBase(desired, startedAt)),
        status: "failed",
        error: `The desired prefix ${JSON.stringify(desired.prefix)} is not this node's configured prefix ${JSON.stringify(this.config.prefix)}; the node loads only its own prefix.`,
      });
      return "failed";
    }
    if (this.config.requireMountPoint) await this.layout.assertMountPoint();
    return this.load(desired, startedAt, signal);
  }

  private async load(desired: Desired, startedAt: Date, signal?: AbortSignal): Promise<TickResult> {
    const base = await this.receiptBase(desired, startedAt);
    let progress: HydrationProgress = { files: 0, bytes: 0, doneFiles: 0, downloadedBytes: 0, reusedFiles: 0 };
    const progressReceipt = async (): Promise<Receipt> => ({
      ...base,
      ...progress,
      status: "loading",
      updatedAt: new Date().toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      error: "",
    });
    await this.report(await progressReceipt());
    this.log(`loading ${desired.generation} (request ${desired.requestId})`);

    // Progress receipts on a timer, one write at a time, so the resource sees a live node.
    let writing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      writing = writing.then(async () => this.report(await progressReceipt())).catch((err) => this.log(`progress receipt failed: ${(err as Error).message}`));
    }, this.config.progressSeconds * 1000);
    try {
      const manifestKey = CONTROL_KEYS.manifest(desired.generation);
      const manifest = await getJson(this.stores.control, manifestKey, manifestSchema);
      if (!manifest) throw new Error(`The manifest ${manifestKey} of generation ${desired.generation} does not exist in the bucket.`);
      if (manifest.generation !== desired.generation) throw new Error(`The manifest ${manifestKey} is for generation ${manifest.generation}, not ${desired.generation}.`);
      const outcome = await hydrateGeneration({
        layout: this.layout,
        bucket: this.stores.data,
        manifest,
        concurrency: desired.concurrency,
        signal,
        onProgress: (p) => (progress = p),
      });
      clearInterval(timer);
      await writing;
      await this.report({
        ...base,
        files: outcome.files,
        bytes: outcome.bytes,
        doneFiles: outcome.doneFiles,
        downloadedBytes: outcome.downloadedBytes,
        reusedFiles: outcome.reusedFiles,
        verifiedDigest: outcome.verifiedDigest,
        status: "ok",
        updatedAt: new Date().toISOString(),
        durationMs: Date.now() - startedAt.getTime(),
        live: await this.layout.live(),
        previous: await this.layout.previous(),
        error: "",
      });
      this.log(`live: ${outcome.generation} (${outcome.files} files, ${outcome.bytes} bytes, ${outcome.downloadedBytes} downloaded, ${Date.now() - startedAt.getTime()} ms)`);
      return "loaded";
    } catch (err) {
      clearInterval(timer);
      await writing;
      if (signal?.aborted) throw err; // shutting down: the next start resumes, no failure receipt
      if (err instanceof HydrationError) progress = err.progress;
      const message = err instanceof Error ? err.message : String(err);
      await this.report({
        ...(await progressReceipt()),
        status: "failed",
        verifiedDigest: err instanceof HydrationError ? err.verifiedDigest : "",
        live: await this.layout.live(),
        previous: await this.layout.previous(),
        error: message,
      });
      this.log(`FAILED ${desired.generation}: ${message}`);
      return "failed";
    }
  }

  /** Polls until the signal aborts. Transient control-plane errors are logged and retried next poll. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.tick(signal);
      } catch (err) {
        if (signal.aborted) break;
        this.log(`poll failed: ${(err as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.pollSeconds * 1000);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  }
}
