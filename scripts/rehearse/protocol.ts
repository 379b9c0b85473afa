// Messages between the rehearsal (scripts/rehearse.ts, the stand-ins and the report) and the
// `pulumi up` it runs in a child process (scripts/rehearse/up.ts): the Pulumi runtime is
// process-global, so each `up` (the first, a resumed one, `--again`) gets its own process.

/** Which migration stage a dynamic or command resource belongs to. */
export type StageName = "dataSync" | "hydration" | "validation" | "cutover" | "other";

export interface UpRequest {
  stack: string;
  /** The rehearsal's stack file (Pulumi.rehearsal.yaml in the work directory). */
  stackFile: string;
  /** Resource states of earlier runs (what the engine keeps in the state), by resource name. */
  stateFile: string;
  /** Environment of the dynamic-provider host (credentials of the stand-ins). */
  hostEnv: Record<string, string>;
}

export type UpEvent =
  | { type: "instance"; name: string; displayName: string; userData: string }
  /** The AgentBundleUpload is created: the bundle the user data pins is in the bucket. */
  | { type: "agentBundle"; objectName: string }
  | { type: "step"; stage: StageName; resource: string; phase: "start"; op: string }
  | { type: "step"; stage: StageName; resource: string; phase: "end"; op: string; seconds: number; outputs: Record<string, unknown> }
  | { type: "failed"; stage: StageName; resource: string; reason: string; outputs?: Record<string, unknown> }
  | { type: "done"; resources: number; outputs: Record<string, unknown> };

/** Parent -> child: the instance's node process runs (the mocks' create returns after this). */
export interface UpReply {
  type: "instanceStarted";
  name: string;
}
