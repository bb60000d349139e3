// Steady traffic for the docker-compose demo: cycles through REQUESTS ("METHOD /path" separated by
// commas) against TARGET_URL at RATE requests per second, forever. Failures are counted, not fatal:
// the app restarting must not stop the load.
const target = process.env.TARGET_URL ?? 'http://app:8080';
const requests = (process.env.REQUESTS ?? 'GET /').split(',').map((r) => {
  const [method, path] = r.trim().split(/\s+/);
  return { method, path };
});
const intervalMs = 1000 / Number(process.env.RATE ?? 20);

let sent = 0;
let failed = 0;
setInterval(() => {
  const { method, path } = requests[sent++ % requests.length];
  fetch(`${target}${path}`, { method, signal: AbortSignal.timeout(10_000) })
    .then((res) => res.arrayBuffer())
    .catch(() => failed++);
}, intervalMs);
setInterval(() => console.log(`load: ${sent} requests sent to ${target}, ${failed} failed`), 60_000);
process.on('SIGTERM', () => process.exit(0));
