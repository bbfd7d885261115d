import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFakeLlm, type FakeLlm } from '@/tests/support/fake-llm/server';

import { createChatModel } from './client';

let llm: FakeLlm;

beforeAll(async () => {
  llm = await startFakeLlm({
    apiKey: 'sk-test',
    respond: (req) => {
      const last = req.messages[req.messages.length - 1]?.content ?? '';
      if (last === 'fail') return { status: 503, body: { error: { message: 'overloaded', type: 'server_error' } } };
      if (last === 'slow') return new Promise((resolve) => setTimeout(() => resolve('late'), 1500));
      if (last === 'no-choice') return { status: 200, body: { id: 'x', object: 'chat.completion', choices: [] } };
      return `echo: ${last}`;
    },
  });
});

afterAll(() => llm.close());

describe('createChatModel', () => {
  it('sends an OpenAI chat-completions request with the key and reads the answer', async () => {
    const model = createChatModel({ baseUrl: llm.url, model: 'm1', apiKey: 'sk-test', timeoutMs: 5000 });
    const answer = await model.complete([{ role: 'user', content: 'hello' }]);
    expect(answer.content).toBe('echo: hello');
    expect(answer.finishReason).toBe('stop');
    expect(answer.usage?.completionTokens).toBeGreaterThan(0);
    const sent = llm.requests[llm.requests.length - 1]!;
    expect(sent.model).toBe('m1');
    expect(sent.authorization).toBe('Bearer sk-test');
    expect(sent.temperature).toBe(0);
  });

  it('takes a fresh token from a provider on every call', async () => {
    let calls = 0;
    const model = createChatModel({
      baseUrl: llm.url + '/',
      model: 'm1',
      apiKey: async () => {
        calls++;
        return 'sk-test';
      },
      timeoutMs: 5000,
    });
    await model.complete([{ role: 'user', content: 'a' }]);
    await model.complete([{ role: 'user', content: 'b' }]);
    expect(calls).toBe(2);
  });

  it('says which setting to check when the key is refused', async () => {
    const model = createChatModel({ baseUrl: llm.url, model: 'm1', apiKey: 'wrong', timeoutMs: 5000 });
    await expect(model.complete([{ role: 'user', content: 'x' }])).rejects.toThrow(/DQX_LLM_API_KEY.*HTTP 401/);
  });

  it('reports a failing endpoint with its status and the server message', async () => {
    const model = createChatModel({ baseUrl: llm.url, model: 'm1', apiKey: 'sk-test', timeoutMs: 5000 });
    await expect(model.complete([{ role: 'user', content: 'fail' }])).rejects.toThrow(/HTTP 503: overloaded/);
  });

  it('gives up after the timeout with a message naming the setting', async () => {
    const model = createChatModel({ baseUrl: llm.url, model: 'm1', apiKey: 'sk-test', timeoutMs: 300 });
    await expect(model.complete([{ role: 'user', content: 'slow' }])).rejects.toThrow(/DQX_LLM_TIMEOUT_SECONDS/);
  });

  it('stops when the caller cancels', async () => {
    const model = createChatModel({ baseUrl: llm.url, model: 'm1', apiKey: 'sk-test', timeoutMs: 5000 });
    const controller = new AbortController();
    const pending = model.complete([{ role: 'user', content: 'slow' }], { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toThrow(/cancelled/);
  });

  it('refuses an answer without a message', async () => {
    const model = createChatModel({ baseUrl: llm.url, model: 'm1', apiKey: 'sk-test', timeoutMs: 5000 });
    await expect(model.complete([{ role: 'user', content: 'no-choice' }])).rejects.toThrow(/without a message/);
  });

  it('explains an unreachable endpoint', async () => {
    const model = createChatModel({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm1', timeoutMs: 2000 });
    await expect(model.complete([{ role: 'user', content: 'x' }])).rejects.toThrow(/could not be reached.*DQX_LLM_BASE_URL/);
  });
});

describe('the stand-in', () => {
  it('answers protocol errors the way the OpenAI API does', async () => {
    const res = await fetch(`${llm.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});
