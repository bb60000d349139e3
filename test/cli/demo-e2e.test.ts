// `iora demo` end to end, as a user runs it (the built CLI; `npm test` builds first): the example app under
// the agent with pipelines/demo.yaml, real PostgreSQL and Redis, load, baselines becoming ready, the
// injected regression found with a severity and alerted; and a stop by SIGTERM with the in-memory store.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'dist/src/cli/main.js');

interface Run {
  output: () => string;
  exited: Promise<number | null>;
  kill: (signal: NodeJS.Signals) => void;
  waitFor: (text: string | RegExp, timeoutMs: number) => Promise<void>;
}

const running: Run[] = [];

// SIGTERM, not SIGKILL: the demo stops its app on SIGTERM; a killed demo would leave the app running.
afterEach(async () => {
  for (const run of running.splice(0)) {
    run.kill('SIGTERM');
    await run.exited;
  }
});

function demo(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [MAIN, 'demo', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const hardStop = setTimeout(() => child.kill('SIGTERM'), 150_000);
  void exited.then(() => clearTimeout(hardStop));
  const run: Run = {
    output: () => out,
    exited,
    kill: (signal) => child.kill(signal),
    async waitFor(text, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      const seen = (): boolean => (typeof text === 'string' ? out.includes(text) : text.test(out));
      while (!seen()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`demo output never showed ${String(text)}:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
  running.push(run);
  return run;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('iora demo', () => {
  it(
    'shows baselines becoming ready, then the injected regression found with a severity and its alert firing; exits 0',
    async () => {
      // Larger than the default 30 ms because CI machines are shared and busy (p95 here swings by tens to
      // hundreds of ms): the injected regression must stand out of that noise in every run.
      const run = demo(['--duration', '88', '--port', '20220', '--metrics-port', '20221', '--status-port', '20222', '--slowdown', '500ms']);
      await run.waitFor('status page: http://127.0.0.1:20222/status', 40_000);
      // The agent's /metrics serves the app's series once the first collection has run.
      let metrics = '';
      for (let i = 0; i < 50 && !metrics.includes('http_server_request_duration_seconds_bucket{job="iora-demo"'); i++) {
        metrics = await (await fetch('http://127.0.0.1:20221/metrics')).text();
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(metrics).toContain('http_server_request_duration_seconds_bucket{job="iora-demo"');
      const code = await run.exited;
      const out = run.output();
      expect(code, out).toBe(0);
      expect(out).toContain('(store: postgresql+redis)');
      expect(out).toMatch(/^baseline ready: GET \/users\/:id p50 [\d.]+ m?s, p95/m);
      const injected = out.indexOf('>>> baselines ready: injecting a latency regression (+500 ms on every route)');
      expect(injected, out).toBeGreaterThan(0);
      const after = out.slice(injected);
      expect(after, out).toMatch(/^finding: regression \[(medium|high|critical)\] (GET|POST) \/[^:]*:? ?.*above its baseline/m);
      expect(after, out).toMatch(/^ALERT FIRING: IoraLatencyRegression \[(medium|high|critical)\]/m);
      expect(out).toMatch(/iora demo: stopping after \d+s \(\d+ requests, 0 failed;/);
      // The app went with it.
      expect(await portOpen(20220)).toBe(false);
    },
    130_000,
  );

  it(
    'falls back to the in-memory store without PostgreSQL and Redis, and stops cleanly on SIGTERM',
    async () => {
      const run = demo(['--port', '20230', '--metrics-port', '20231', '--status-port', '20232', '--no-regression'], {
        DATABASE_URL: 'postgres://postgres@127.0.0.1:20238/none',
        REDIS_URL: 'redis://127.0.0.1:20239',
      });
      await run.waitFor('no regression will be injected', 40_000);
      await run.waitFor(/\[\d+s\] · \d+ requests/, 20_000);
      expect(await portOpen(20230)).toBe(true);
      run.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      const out = run.output();
      expect(out).toContain('(store: memory)');
      expect(out).toMatch(/iora demo: stopping after \d+s/);
      expect(out).not.toContain('injecting');
      expect(await portOpen(20230)).toBe(false);
      expect(await portOpen(20232)).toBe(false);
    },
    90_000,
  );

  it('refuses to start on a port in use, naming the flag that moves it', async () => {
    const blocker = createServer().listen(20241, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      const run = demo(['--port', '20240', '--metrics-port', '20241', '--status-port', '20242']);
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain('iora demo: port 20241 is in use (choose another with --metrics-port)');
      expect(run.output()).not.toContain('starting the example app');
    } finally {
      blocker.close();
    }
  });
});
