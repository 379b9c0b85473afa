// Runs a CrossGuard policy pack as `pulumi preview --policy-pack <dir>` does: the Node language
// host's run-policy-pack script (ts-node over the pack's index.ts, cwd = the pack directory),
// which serves pulumirpc.Analyzer on 127.0.0.1 and prints its port; then the engine's calls
// (GetAnalyzerInfo, Configure with the policy config, Analyze, AnalyzeStack) over gRPC.
import { spawn } from "child_process";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";

type Props = Record<string, unknown>;

const projectRoot = path.resolve(__dirname, "..", "..");
const pulumiRoot = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [projectRoot] }));
const grpc: typeof grpcTypes = require(require.resolve("@grpc/grpc-js", { paths: [pulumiRoot] }));
const analyzerProto = require(path.join(pulumiRoot, "proto", "analyzer_pb.js"));
const analyzerRpc = require(path.join(pulumiRoot, "proto", "analyzer_grpc_pb.js"));
const structProto = require(require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [pulumiRoot] }));
const emptyProto = require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [pulumiRoot] }));

export interface AnalyzedResource {
  type: string;
  name: string;
  props: Props;
  protect?: boolean;
}

export interface Diagnostic {
  policyName: string;
  message: string;
  urn: string;
  /** pulumirpc.EnforcementLevel: 0 advisory, 1 mandatory, 2 disabled, 3 remediate. */
  enforcementLevel: number;
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  policies: { name: string; enforcementLevel: number }[];
}

export interface PolicyAnalyzer {
  info(): Promise<AnalyzerInfo>;
  /** Configure: the policy config the CLI reads from --policy-pack-config (policy -> properties). */
  configure(config: Record<string, Props>): Promise<void>;
  analyze(r: AnalyzedResource): Promise<Diagnostic[]>;
  analyzeStack(resources: AnalyzedResource[]): Promise<Diagnostic[]>;
  output(): string;
  stop(): void;
}

const urnOf = (r: AnalyzedResource) => `urn:pulumi:test::tundra-replatform::${r.type}::${r.name}`;

/** Fills an AnalyzeRequest or an AnalyzerResource (AnalyzeStack): the same fields in both. */
function describe<T extends Record<string, any>>(msg: T, r: AnalyzedResource): T {
  msg.setType(r.type);
  msg.setName(r.name);
  msg.setUrn(urnOf(r));
  // A JSON round trip drops `undefined`, which protobuf Structs cannot carry.
  msg.setProperties(structProto.Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
  const options = new analyzerProto.AnalyzerResourceOptions();
  options.setProtect(r.protect === true);
  msg.setOptions(options);
  return msg;
}

function diagnostics(resp: any): Diagnostic[] {
  return resp.getDiagnosticsList().map((d: any) => ({ policyName: d.getPolicyname(), message: d.getMessage(), urn: d.getUrn(), enforcementLevel: d.getEnforcementlevel() }));
}

export async function startPolicyAnalyzer(packDir: string, timeoutMs = 30_000): Promise<PolicyAnalyzer> {
  const script = path.join(pulumiRoot, "cmd", "run-policy-pack", "index.js");
  const child = spawn(process.execPath, ["--require", path.join(__dirname, "exit-with-parent.cjs"), script, "127.0.0.1:0", "."], { cwd: packDir, stdio: ["pipe", "pipe", "pipe"] });
  let printed = "";
  child.stdout!.on("data", (c: Buffer) => (printed += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (printed += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`policy pack printed no port within ${timeoutMs} ms:\n${printed}`)), timeoutMs);
    const poll = setInterval(() => {
      const line = printed.split("\n")[0];
      if (printed.includes("\n") && /^\d+$/.test(line.trim())) done(() => resolve(Number(line.trim())));
      // The host logs a program that fails to load and stays up: do not wait for the timeout.
      else if (/Running program .* failed/.test(printed)) done(() => reject(new Error(`policy pack failed to start:\n${printed}`)));
    }, 50);
    child.once("exit", (code) => done(() => reject(new Error(`policy pack exited with ${code} before listening:\n${printed}`))));
    function done(then: () => void) {
      clearTimeout(timer);
      clearInterval(poll);
      then();
    }
  });
  const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = <T>(method: string, req: unknown): Promise<T> =>
    new Promise((resolve, reject) => client[method](req, { deadline: Date.now() + timeoutMs }, (err: Error | null, resp: T) => (err ? reject(err) : resolve(resp))));

  return {
    async info() {
      const resp = await call<any>("getAnalyzerInfo", new emptyProto.Empty());
      return { name: resp.getName(), version: resp.getVersion(), policies: resp.getPoliciesList().map((p: any) => ({ name: p.getName(), enforcementLevel: p.getEnforcementlevel() })) };
    },
    async configure(config) {
      const req = new analyzerProto.ConfigureAnalyzerRequest();
      const map = req.getPolicyconfigMap();
      for (const [policy, props] of Object.entries(config)) {
        const pc = new analyzerProto.PolicyConfig();
        pc.setEnforcementlevel(analyzerProto.EnforcementLevel.MANDATORY);
        pc.setProperties(structProto.Struct.fromJavaScript(props));
        map.set(policy, pc);
      }
      await call("configure", req);
    },
    async analyze(r) {
      return diagnostics(await call("analyze", describe(new analyzerProto.AnalyzeRequest(), r)));
    },
    async analyzeStack(resources) {
      const req = new analyzerProto.AnalyzeStackRequest();
      req.setResourcesList(resources.map((r) => describe(new analyzerProto.AnalyzerResource(), r)));
      return diagnostics(await call("analyzeStack", req));
    },
    output: () => printed,
    stop: () => {
      client.close();
      child.kill("SIGKILL");
    },
  };
}
