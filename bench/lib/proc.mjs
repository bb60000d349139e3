// Shared by the benchmarks: a process's CPU time and RSS from /proc, CPU pinning with taskset, medians and
// quantiles, and starting a child that announces itself on stdout.

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** utime + stime of a process and all its threads, in seconds (/proc/<pid>/stat, clock ticks of 10 ms). */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident set size in MiB (/proc/<pid>/status VmRSS). */
export function rssMiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
}

/**
 * Re-runs the calling script pinned to `cpu` once (the load generator's core), so children started with
 * `pinnedCommand` get the other core to themselves. Returns false when already pinned or without taskset;
 * otherwise exits with the pinned run's status.
 */
export function repinSelf(cpu) {
  if (!hasTaskset || process.env.IORA_BENCH_PINNED) return false;
  const r = spawnSync('taskset', ['-c', String(cpu), process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, IORA_BENCH_PINNED: '1' },
  });
  process.exit(r.status ?? 1);
}

/** [command, args] running node with `args` on `cpu` (taskset execs node, so the child's pid is node's). */
export function pinnedNode(cpu, args) {
  return hasTaskset ? ['taskset', ['-c', String(cpu), process.execPath, ...args]] : [process.execPath, args];
}

/**
 * Spawns [command, args] and resolves once a stdout line matches `ready` (with the match), rejecting if the
 * process exits first. stderr is passed through.
 */
export function startAnnounced([command, args], { env, cwd, ready }) {
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onExit = (code, signal) => reject(new Error(`${args.at(-1)} exited with ${code ?? signal} before it was ready`));
    child.on('exit', onExit);
    const onData = (chunk) => {
      out += chunk;
      const match = ready.exec(out);
      if (!match) return;
      child.off('exit', onExit);
      child.stdout.off('data', onData);
      child.stdout.resume(); // later output is discarded, never buffered
      resolve({ child, match });
    };
    child.stdout.on('data', onData);
  });
}

/** Stops a child with `signal`, escalating to SIGKILL after 5 s; resolves once it has exited. */
export async function stop(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const escalate = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(escalate);
}

export function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

export const median = (values) => quantile(values, 0.5);
