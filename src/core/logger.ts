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
  const options = {
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
  // stdout is written asynchronously (sonic-boom, flushed synchronously at exit): a synchronous write
  // per line put the kernel's write on the answer's path (a failing vendor logs on every request)
  // and stalls every request when stdout is a full pipe.
  return pino(options, opts.destination ?? pino.destination({ dest: 1, sync: false }));
}

/** A logger that drops everything (tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
