// Container healthcheck: exit 0 only when the service on this port answers /readyz with 200.
const port = process.argv[2];
fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(4000) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
