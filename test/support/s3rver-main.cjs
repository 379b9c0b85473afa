// Runs s3rver in its own process (started by s3rver.ts): s3rver needs Node's legacy OpenSSL
// provider, which must be on from process start (NODE_OPTIONS), and keeping it out of the test
// process keeps its CPU and memory apart from the code being measured.
// argv: <directory> <comma-separated buckets> [port]. Prints {"port": N} once listening.
const S3rver = require("s3rver");

const [directory, buckets = "", port = "0"] = process.argv.slice(2);
new S3rver({
  address: "127.0.0.1",
  port: Number(port),
  directory,
  silent: true,
  vhostBuckets: false,
  configureBuckets: buckets.split(",").filter(Boolean).map((name) => ({ name })),
})
  .run()
  .then((address) => process.stdout.write(`${JSON.stringify({ port: address.port })}\n`))
  .catch((err) => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
  });
