import { pino, type Logger } from 'pino';

export type { Logger };

/** Options for the process logger. */
export interface LoggerOptions {
  /** pino level. */
  level?: string;
  /** Write to this stream instead of stdout (tests capture lines). */
  destination?: NodeJS.WritableStream;
}

/**
 * Structured JSON logs. Anything that may carry a credential is redacted by path, whatever the log
 * call passes, so a careless log line cannot leak one.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  // stdout is written asynchronously (sonic-boom) so that a log line never puts the kernel's write on
  // an answer's path (a failing vendor logs on every request) or stalls requests behind a full pipe.
  return pino(loggerOptions(opts), opts.destination ?? pino.destination({ dest: 1, sync: false }));
}

/** The process's logger and a flush that cannot hang the exit. */
export interface ProcessLogger {
  /** The logger (JSON lines on stdout). */
  logger: Logger;
  /**
   * Writes what is buffered and closes the destination, waiting at most `timeoutMs`; true when all
   * of it went out. Past the deadline the exit-time synchronous flush is disarmed: on a pipe nobody
   * reads (a dead log shipper) or a closed one it would retry forever and the process never exit.
   */
  close(timeoutMs: number): Promise<boolean>;
}

/** The logger of the running process (src/main.ts), with a bounded close for shutdown. */
export function createProcessLogger(opts: Omit<LoggerOptions, 'destination'> = {}): ProcessLogger {
  const dest = pino.destination({ dest: 1, sync: false });
  const logger = pino(loggerOptions(opts), dest);
  return {
    logger,
    close(timeoutMs) {
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          dest.flushSync = () => {};
          dest.write = () => true;
          resolve(false);
        }, timeoutMs);
        dest.once('close', () => {
          clearTimeout(timer);
          resolve(true);
        });
        try {
          dest.end();
        } catch {
          // Already destroyed (a broken pipe): nothing left to write.
          clearTimeout(timer);
          resolve(false);
        }
      });
    },
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** pino's options: the level, and the paths redacted whatever a log call passes. */
function loggerOptions(opts: Pick<LoggerOptions, 'level'>) {
  return {
    level: opts.level ?? process.env['LOG_LEVEL'] ?? 'info',
    base: undefined,
    redact: {
      paths: [
        'password', '*.password', 'secret', '*.secret', 'token', '*.token', 'appKey', '*.appKey',
        'apiKey', '*.apiKey', 'authKey', '*.authKey', 'authorization', '*.authorization',
        'headers.authorization', 'headers["x-api-key"]', 'req.headers.authorization', 'access_token', '*.access_token',
        'body', '*.body', 'response.body',
      ],
      censor: '[redacted]',
    },
  };
}
