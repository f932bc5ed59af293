import type http from 'node:http';
import { finished } from 'node:stream';
import type { Logger } from '../core/logger.ts';
import type { RequestRecord } from './http/request.ts';

/**
 * Writes the request's log line once the answer has left (or the client went away): a large answer
 * reaches the kernel over several turns of the event loop, and a line written in between delays its
 * last bytes. `done` runs at the same moment (metrics), with the whole answer's duration.
 */
export function logRequest(logger: Logger, res: http.ServerResponse, record: RequestRecord, done?: (durationMs: number) => void): void {
  finished(res, () => {
    if (record.quiet) return;
    const durationMs = performance.now() - record.started;
    done?.(durationMs);
    logger.info(
      {
        requestId: record.requestId,
        key: record.caller,
        operation: record.operation,
        status: res.statusCode,
        errorCodes: record.errorCodes,
        vendorCalls: record.vendorCalls,
        durationMs: Math.round(durationMs * 10) / 10,
      },
      'request',
    );
  });
}
