/**
 * Worker-thread entry of the checks-file reader (./reader.ts): parses one DQX checks file per
 * message with the engine's bounded YAML/JSON readers and answers the checks or the reason it
 * refused the file. No 'server-only' marker: it runs in a worker thread, not in a request.
 */
import { parentPort } from 'node:worker_threads';

import { ChecksFormatError, parseChecksText } from '@/lib/dqx/checks-file';

export interface ParseRequest {
  id: number;
  text: string;
  format?: 'yaml' | 'json';
}

export type ParseReply =
  | { id: number; ok: true; checks: unknown[] }
  | { id: number; ok: false; kind: 'format'; message: string; line?: number; column?: number }
  | { id: number; ok: false; kind: 'internal'; message: string };

parentPort?.on('message', (request: ParseRequest) => {
  let reply: ParseReply;
  try {
    reply = { id: request.id, ok: true, checks: parseChecksText(request.text, request.format).checks };
  } catch (error) {
    reply =
      error instanceof ChecksFormatError
        ? {
            id: request.id,
            ok: false,
            kind: 'format',
            message: error.message,
            line: error.line,
            column: error.column,
          }
        : {
            id: request.id,
            ok: false,
            kind: 'internal',
            message: error instanceof Error ? error.message : String(error),
          };
  }
  parentPort!.postMessage(reply);
});
