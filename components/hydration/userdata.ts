// Renders the cloud-init user data that installs and starts the hydration agent on a Tundra node.
//
// What it does at first boot (all as root, by cloud-init then systemd):
//   - writes the agent config, the boot-time fetcher, a prepare script and a systemd unit, and
//     enables the unit;
//   - the unit's ExecStartPre (prepare.sh, as root) mounts the data volume (formatting it only
//     if it holds no file system), creates the agent's user, installs Node.js 22 LTS from the
//     Oracle Linux AppStream (`dnf module enable nodejs:22`: the OCI regional yum server, reached
//     through the service gateway) and fetches the self-contained agent bundle from the tenant
//     bucket (SHA-256 pinned here, checked before it is installed); systemd retries the whole
//     start every 10 s until it succeeds (volume not attached yet, bundle not uploaded yet).
// Nothing reaches the internet: no npm, no registry (docs/hydration.md, "What boots how").
// Authentication is the instance principal only: no SSH keys, no API keys, nothing secret here.
//
// OCI limits instance metadata (user_data is base64 inside it) to 32,000 bytes: the ~1.5 MB
// agent bundle comes from the bucket (see agent/bundle.ts).
import * as zlib from "zlib";
import { agentConfigSchema, DEFAULT_AGENT_CONFIG_PATH, type AgentConfigInput } from "./agent/config";
import { AGENT_NODE_TARGET, buildAgentBundle, type AgentBundle } from "./agent/bundle";
import type { NodeRuntimeTarball } from "./runtime-source";

/** OCI: "The combined size of [metadata and extendedMetadata] can be a maximum of 32,000 bytes." */
export const OCI_METADATA_LIMIT_BYTES = 32_000;
/** Room left for the other metadata keys the cluster may set. */
const METADATA_HEADROOM_BYTES = 1_000;

export const AGENT_INSTALL_DIR = "/opt/tundra-hydration";
/**
 * The Node.js the nodes run: a maintained LTS (Node 20 reached end of life in April 2026), from
 * the Oracle Linux 8/9 AppStream module stream of that major (Oracle's own OL8 and OL9 Node.js 22
 * images install it with `dnf module enable nodejs:22`, oracle/docker-images
 * OracleLinuxDevelopers/oraclelinux{8,9}/nodejs/22/Dockerfile). The bundles target it.
 */
export const AGENT_NODE_MAJOR = Number(AGENT_NODE_TARGET.replace(/^node/, ""));
/**
 * Node flags the unit starts the agent with. The agent loads a generation beside a node that is
 * serving the live one, so its total CPU matters more than GC parallelism: with V8's GC kept on
 * the main thread the agent used 0.15-0.3 s less CPU per 537 MB in bench:hydrate (its background
 * GC threads had used 0.3-0.57 s, marking after the 64 KiB socket buffers), and it was no slower:
 * median 305 MB/s against 289 without, 5 alternating rounds each in one run.
 */
export const AGENT_NODE_FLAGS = ["--single-threaded-gc"];
/**
 * Where the unit keeps V8's compiled code of the agent between starts: systemd's CacheDirectory=
 * (made under /var/cache, owned by the unit's user, writable despite ProtectSystem=strict, kept
 * across restarts and reboots; systemd.exec(5)), named to Node 22 by NODE_COMPILE_CACHE (Node's
 * "Module compile cache" docs: the cache is keyed by the script's path and checked against its
 * content, so a new bundle is compiled once and cached again). Without it every start compiled the
 * 1.45 MB bundle again: 37 ms of the main thread (--cpu-prof), about 0.05 CPU s per start.
 */
export const AGENT_CACHE_DIRECTORY = "tundra-hydration-agent";

/** The environment the unit starts the agent with; `cacheRoot` is systemd's /var/cache on a node (the bench passes its own). */
export function agentNodeEnvironment(cacheRoot = "/var/cache"): Record<string, string> {
  return { NODE_COMPILE_CACHE: `${cacheRoot}/${AGENT_CACHE_DIRECTORY}` };
}
export const AGENT_UNIT = "tundra-hydration-agent.service";
const AGENT_USER = "tundra-hydration";

/** Where the agent bundle lives in the tenant bucket (uploaded by HydrationAgentPackage). */
export function agentObjectKey(controlPrefix: string, sha256: string): string {
  return `${controlPrefix.endsWith("/") ? controlPrefix : `${controlPrefix}/`}agent/${sha256}.js`;
}

export interface HydrationUserDataArgs {
  /** Node name in receipts; omit to use each instance's display name (one user data for all nodes). */
  node?: string;
  region: string;
  namespace: string;
  bucket: string;
  /** Data prefix in the bucket, e.g. "warehouse/". */
  prefix: string;
  controlPrefix?: string;
  /** Where generations live on the node (default /mnt/tundra). */
  dataRoot?: string;
  pollSeconds?: number;
  /** Object Storage endpoint override (private endpoint). */
  endpoint?: string;
  /**
   * Block device of the data volume to mount at the data root, e.g. the consistent device path
   * "/dev/oracleoci/oraclevdb". Formatted with XFS only when it holds no filesystem.
   */
  dataDevice?: string;
  /**
   * Node.js from a tarball instead of the OS repositories (images without Oracle Linux's
   * AppStream): an https URL of a Node.js linux tarball of the AGENT_NODE_MAJOR line, pinned by its
   * SHA-256. A URL outside the region's Object Storage needs the internet (runtime-source.ts).
   */
  nodeRuntime?: NodeRuntimeTarball;
}

export class UserDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserDataError";
  }
}

/** Single-quotes a value for bash. */
function shq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function gzB64(text: string): string {
  return zlib.gzipSync(Buffer.from(text), { level: 9 }).toString("base64");
}

/** Indents a block for a YAML literal scalar (`content: |`). */
function literal(text: string, indent = 6): string {
  const pad = " ".repeat(indent);
  return text.replace(/\n$/, "").split("\n").map((l) => (l ? pad + l : "")).join("\n");
}

/** The agent config the node gets: validated by the agent's own parser, so a bad value fails at `pulumi preview`. */
export function agentConfigFor(args: HydrationUserDataArgs): string {
  const input: AgentConfigInput = {
    schemaVersion: 1,
    node: args.node ?? { fromInstanceMetadata: "displayName" },
    region: args.region,
    namespace: args.namespace,
    bucket: args.bucket,
    // DataSync accepts "warehouse" for "warehouse/": normalise the same way.
    prefix: args.prefix === "" || args.prefix.endsWith("/") ? args.prefix : `${args.prefix}/`,
    dataRoot: args.dataRoot ?? "/mnt/tundra",
    auth: "instance_principal",
    ...(args.dataDevice !== undefined ? { requireMountPoint: true } : {}),
    ...(args.controlPrefix !== undefined ? { controlPrefix: args.controlPrefix } : {}),
    ...(args.pollSeconds !== undefined ? { pollSeconds: args.pollSeconds } : {}),
    ...(args.endpoint !== undefined ? { endpoint: args.endpoint } : {}),
  };
  const parsed = agentConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new UserDataError(`Hydration user data: invalid agent settings: ${problems}`);
  }
  return JSON.stringify(input, null, 2) + "\n";
}

const NODE_MAJOR_FN = `node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }`;

/**
 * Node.js from the Oracle Linux 8/9 AppStream (the OCI regional yum server, via the service
 * gateway). Reset, enable, install, then distro-sync: the RHEL 8 guide "Managing versions of
 * Application Stream content" (sections "Modular dependencies and stream changes" and "Switching
 * to a later stream") says another stream cannot be enabled while one is, and moves installed
 * packages to the new stream with distro-sync.
 */
function nodeFromOsRepositories(): string {
  return `# Node.js ${AGENT_NODE_MAJOR} LTS from the OS repositories (OCI regional yum server, via the service gateway).
${NODE_MAJOR_FN}
if [ "$(node_major)" -ne ${AGENT_NODE_MAJOR} ]; then
  command -v dnf >/dev/null || { echo "tundra-hydration: no dnf: the node image must be Oracle Linux 8 or 9 (or set tundra:hydration.nodeRuntimeUrl)" >&2; exit 1; }
  dnf -y -q module reset nodejs || true
  dnf -y -q module enable nodejs:${AGENT_NODE_MAJOR}
  dnf -y -q install nodejs
  # An older Node.js already installed moves to the enabled stream ("Switching to a later stream").
  dnf -y -q distro-sync nodejs
fi`;
}

/**
 * Downloads a URL to a file only if its SHA-256 is the pinned one: a mismatch deletes the
 * download and fails the step (systemd retries; nothing unverified is ever run or unpacked).
 */
export const FETCH_VERIFIED_FN = `fetch_verified() {
  local url=$1 sha=$2 dest=$3
  rm -f "$dest.download"
  if ! curl -fsSL --retry 5 --retry-delay 2 -o "$dest.download" "$url"; then
    rm -f "$dest.download"; echo "tundra-hydration: cannot download $url" >&2; return 1
  fi
  if ! echo "$sha  $dest.download" | sha256sum -c --status; then
    echo "tundra-hydration: $url has SHA-256 $(sha256sum "$dest.download" | cut -d' ' -f1), pinned $sha: refusing it" >&2
    rm -f "$dest.download"; return 1
  fi
  mv -f "$dest.download" "$dest"
}`;

/** Node.js from a tarball pinned by SHA-256, unpacked under the install directory. */
function nodeFromTarball(runtime: NodeRuntimeTarball): string {
  return `# Node.js ${AGENT_NODE_MAJOR} LTS from a tarball pinned by SHA-256 (tundra:hydration.nodeRuntimeUrl).
${NODE_MAJOR_FN}
${FETCH_VERIFIED_FN}
if [ "$(node_major)" -ne ${AGENT_NODE_MAJOR} ]; then
  fetch_verified ${shq(runtime.url)} ${shq(runtime.sha256)} ${AGENT_INSTALL_DIR}/node.tar
  rm -rf ${AGENT_INSTALL_DIR}/node && mkdir -p ${AGENT_INSTALL_DIR}/node
  tar -xf ${AGENT_INSTALL_DIR}/node.tar -C ${AGENT_INSTALL_DIR}/node --strip-components=1
  ln -sfn ${AGENT_INSTALL_DIR}/node/bin/node /usr/local/bin/node
fi`;
}

/**
 * The unit's ExecStartPre (as root), idempotent and retried by systemd every 10 s until it
 * succeeds: mount the data volume, own the data root, install Node.js from the OS repositories,
 * fetch the SHA-256-pinned agent bundle.
 */
function prepareScript(opts: { configPath: string; objectKey: string; sha256: string; dataRoot: string; dataDevice?: string; nodeRuntime?: NodeRuntimeTarball }): string {
  const mount = opts.dataDevice === undefined ? "" : `
# The data volume: formatted only when it holds no file system at all (blkid -p exit code 2).
dev=${shq(opts.dataDevice)}
for _ in $(seq 1 12); do [ -b "$dev" ] && break; sleep 5; done
[ -b "$dev" ] || { echo "tundra-hydration: data device $dev is not attached yet" >&2; exit 1; }
set +e; blkid -p "$dev" >/dev/null 2>&1; probe=$?; set -e
if [ "$probe" -eq 2 ]; then mkfs.xfs -q "$dev"; elif [ "$probe" -ne 0 ]; then echo "tundra-hydration: cannot probe $dev (blkid $probe)" >&2; exit 1; fi
mkdir -p "$root"
grep -qs " $root " /etc/fstab || echo "$dev $root xfs defaults,_netdev,nofail 0 2" >> /etc/fstab
mountpoint -q "$root" || mount "$root"
`;
  return `#!/bin/bash
# Prepares the node for the hydration agent. Idempotent: runs before every agent start.
set -euo pipefail
root=${shq(opts.dataRoot)}
${mount}
id -u ${AGENT_USER} >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin ${AGENT_USER}
mkdir -p "$root" && chown ${AGENT_USER}: "$root" && chmod 0755 "$root"

cd ${AGENT_INSTALL_DIR}
${opts.nodeRuntime === undefined ? nodeFromOsRepositories() : nodeFromTarball(opts.nodeRuntime)}
if [ "$(node_major)" -ne ${AGENT_NODE_MAJOR} ]; then echo "tundra-hydration: Node.js ${AGENT_NODE_MAJOR} required, found $(node --version 2>&1)" >&2; exit 1; fi
# The agent bundle: downloaded from the tenant bucket, installed only if its SHA-256 is the pinned one.
node fetch-agent.js ${shq(opts.configPath)} ${shq(opts.objectKey)} ${shq(opts.sha256)} ${AGENT_INSTALL_DIR}/agent.js
`;
}

function systemdUnit(dataRoot: string, configPath: string): string {
  return `[Unit]
Description=Tundra hydration agent (loads data generations from Object Storage)
Wants=network-online.target
# No RequiresMountsFor: a data volume that attaches late would fail the unit for good. The
# prepare step mounts it (retried), and the agent refuses to load onto an unmounted data root.
After=network-online.target local-fs.target remote-fs.target
# Never stop retrying: the network, the volume or the bundle may come later than the node.
StartLimitIntervalSec=0

[Service]
Type=simple
User=${AGENT_USER}
# "+": the prepare step runs with full privileges (mount, package manager); the agent does not.
ExecStartPre=+${AGENT_INSTALL_DIR}/prepare.sh
CacheDirectory=${AGENT_CACHE_DIRECTORY}
${Object.entries(agentNodeEnvironment()).map(([name, value]) => `Environment=${name}=${value}`).join("\n")}
ExecStart=/usr/bin/env node ${AGENT_NODE_FLAGS.join(" ")} ${AGENT_INSTALL_DIR}/agent.js --config ${configPath}
Restart=always
RestartSec=10
TimeoutStartSec=20min
UMask=0022
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=yes
PrivateTmp=yes
ReadWritePaths=${dataRoot}

[Install]
WantedBy=multi-user.target
`;
}

export function renderHydrationUserData(args: HydrationUserDataArgs, bundle: AgentBundle = buildAgentBundle()): string {
  const config = agentConfigFor(args);
  const { dataRoot, controlPrefix } = agentConfigSchema.parse(JSON.parse(config));
  const objectKey = agentObjectKey(controlPrefix, bundle.sha256);
  if (args.dataDevice !== undefined && !/^\/dev\/[A-Za-z0-9/_.-]+$/.test(args.dataDevice)) {
    throw new UserDataError(`Hydration user data: dataDevice ${JSON.stringify(args.dataDevice)} must be a block device path such as "/dev/oracleoci/oraclevdb".`);
  }
  if (args.nodeRuntime !== undefined) {
    if (!/^https:\/\/[^\s'"]+$/.test(args.nodeRuntime.url)) throw new UserDataError(`Hydration user data: nodeRuntime.url ${JSON.stringify(args.nodeRuntime.url)} must be an https URL.`);
    if (!/^[0-9a-f]{64}$/.test(args.nodeRuntime.sha256)) throw new UserDataError("Hydration user data: nodeRuntime.sha256 must be 64 lower-case hex digits (the tarball's SHA-256).");
  }

  const files: string[] = [
    `  - path: ${DEFAULT_AGENT_CONFIG_PATH}\n    permissions: "0644"\n    content: |\n${literal(config)}`,
    `  - path: ${AGENT_INSTALL_DIR}/fetch-agent.js\n    permissions: "0644"\n    encoding: gz+b64\n    content: ${gzB64(bundle.fetchScript)}`,
    `  - path: ${AGENT_INSTALL_DIR}/prepare.sh\n    permissions: "0755"\n    content: |\n${literal(prepareScript({ configPath: DEFAULT_AGENT_CONFIG_PATH, objectKey, sha256: bundle.sha256, dataRoot, dataDevice: args.dataDevice, nodeRuntime: args.nodeRuntime }))}`,
    `  - path: /etc/systemd/system/${AGENT_UNIT}\n    permissions: "0644"\n    content: |\n${literal(systemdUnit(dataRoot, DEFAULT_AGENT_CONFIG_PATH))}`,
  ];

  const runcmd = [
    `  - [systemctl, daemon-reload]`,
    `  - [systemctl, enable, --now, ${AGENT_UNIT}]`,
  ];

  const text = [
    "#cloud-config",
    `# Tundra hydration agent ${bundle.sha256.slice(0, 12)}: instance principal only, no SSH or API keys.`,
    "write_files:",
    ...files,
    "runcmd:",
    ...runcmd,
    "",
  ].join("\n");

  const encoded = Math.ceil(Buffer.byteLength(text) / 3) * 4;
  if (encoded > OCI_METADATA_LIMIT_BYTES - METADATA_HEADROOM_BYTES) {
    throw new UserDataError(
      `Hydration user data is ${encoded} bytes base64-encoded; OCI allows ${OCI_METADATA_LIMIT_BYTES} for all instance metadata ` +
        `(${METADATA_HEADROOM_BYTES} kept for other keys). The boot-time fetcher or the scripts grew: keep them small.`,
    );
  }
  return text;
}

/** Base64 of the user data, as `metadata.user_data` of an OCI instance takes it. */
export function encodeUserData(text: string): string {
  return Buffer.from(text).toString("base64");
}
