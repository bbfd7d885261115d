/**
 * A local stand-in for a language model that speaks the OpenAI chat-completions API exactly
 * (`POST …/chat/completions`, bearer auth, `{model, messages}` in, a `chat.completion` object out,
 * `{error: {message, type, code}}` with 4xx on bad requests). Tests can script its answers; by
 * default it behaves like a small deterministic "model" (see scripted-model.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { scriptedModel } from './scripted-model';

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  temperature?: number;
  max_tokens?: number;
  authorization: string | null;
}

export type Responder = (request: ChatRequest) => string | { status: number; body: unknown } | Promise<string | { status: number; body: unknown }>;

export interface FakeLlm {
  url: string;
  requests: ChatRequest[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function openAiError(res: ServerResponse, status: number, message: string, type: string, code: string | null = null) {
  send(res, status, { error: { message, type, param: null, code } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let completionCounter = 0;

export async function startFakeLlm(options: { port?: number; host?: string; apiKey?: string; respond?: Responder } = {}): Promise<FakeLlm> {
  const requests: ChatRequest[] = [];
  const respond = options.respond ?? scriptedModel;

  const server: Server = createServer(async (req, res) => {
    try {
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && (path === '/health' || path === '/v1/models' || path === '/models')) {
        return send(res, 200, { object: 'list', data: [{ id: 'fake-dqx-model', object: 'model', owned_by: 'tests' }] });
      }
      if (req.method !== 'POST' || !(path === '/chat/completions' || path === '/v1/chat/completions')) {
        return openAiError(res, 404, `Unknown request URL: ${req.method} ${path}`, 'invalid_request_error', 'unknown_url');
      }
      const authorization = req.headers.authorization ?? null;
      if (options.apiKey && authorization !== `Bearer ${options.apiKey}`) {
        return openAiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
      }
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return openAiError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
      }
      const b = body as Partial<ChatRequest>;
      if (typeof b.model !== 'string' || !b.model) {
        return openAiError(res, 400, "you must provide a model parameter", 'invalid_request_error');
      }
      if (!Array.isArray(b.messages) || b.messages.length === 0 || b.messages.some((m) => typeof m?.content !== 'string' || !['system', 'user', 'assistant'].includes(m?.role))) {
        return openAiError(res, 400, "'messages' must be a non-empty array of {role, content}", 'invalid_request_error');
      }
      const request: ChatRequest = {
        model: b.model,
        messages: b.messages,
        temperature: b.temperature,
        max_tokens: b.max_tokens,
        authorization,
      };
      requests.push(request);
      const answer = await respond(request);
      if (typeof answer !== 'string') return send(res, answer.status, answer.body);
      const promptTokens = request.messages.reduce((n, m) => n + Math.ceil(m.content.length / 4), 0);
      const completionTokens = Math.ceil(answer.length / 4);
      send(res, 200, {
        id: `chatcmpl-fake-${++completionCounter}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: request.model,
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      });
    } catch (error) {
      openAiError(res, 500, `Stand-in failure: ${(error as Error).message}`, 'server_error');
    }
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
