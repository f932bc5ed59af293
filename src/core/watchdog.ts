import { Worker } from 'node:worker_threads';

/** A hard deadline for the process. */
export interface Watchdog {
  /** Stands the watchdog down (the process is ending on its own). */
  cancel(): void;
}

/**
 * Kills the process with SIGKILL after `ms`, from a worker thread: the main thread may be the thing
 * that is stuck (a synchronous write to a pipe nobody reads, a busy loop), and a timer on its own
 * event loop would never fire. The worker is unref'd, so it never keeps a finished process alive.
 */
export function startWatchdog(ms: number): Watchdog {
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const timer = setTimeout(() => process.kill(workerData.pid, 'SIGKILL'), workerData.ms);
     parentPort.once('message', () => { clearTimeout(timer); parentPort.close(); });`,
    { eval: true, workerData: { pid: process.pid, ms }, stdout: false, stderr: false },
  );
  worker.unref();
  return {
    cancel() {
      worker.postMessage('cancel');
    },
  };
}
