/**
 * A client for OpenAI-compatible chat completions (`POST {baseUrl}/chat/completions`), the API that
 * Databricks serving endpoints (`https://<host>/serving-endpoints`) and local model servers speak.
 */
import { AppError } from '@/lib/errors';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatCompletion {
  content: string;
  finishReason: string | null;
  usage: { promptTokens: number; completionTokens: number } | null;
}

export interface CompleteOptions {
  signal?: AbortSignal;
  maxTokens?: number;
  temperature?: number;
}

export interface ChatModel {
  /** Model (or serving endpoint) name, for display and records. */
  readonly model: string;
  complete(messages: ChatMessage[], options?: CompleteOptions): Promise<ChatCompletion>;
}

export interface ChatModelOptions {
  baseUrl: string;
  model: string;
  /** A fixed key, or a provider of a fresh token (e.g. the app's OAuth token on Databricks). */
  apiKey?: string | (() => Promise<string>);
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

interface CompletionBody {
  choices?: { message?: { content?: unknown }; finish_reason?: unknown }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
  error?: { message?: unknown };
}

function modelError(status: number, detail: string): AppError {
  const hint =
    status === 401 || status === 403
      ? 'The model endpoint refused the credentials: check DQX_LLM_API_KEY (or the app’s permission on the serving endpoint).'
      : status === 404
        ? 'The model endpoint or model name was not found: check DQX_LLM_BASE_URL and DQX_LLM_MODEL.'
        : status === 429
          ? 'The model endpoint is rate limiting requests: wait a minute and try again.'
          : 'The model endpoint failed: try again, or generate from the profile only.';
  return new AppError('unavailable', `${hint} (HTTP ${status}${detail ? `: ${detail}` : ''})`);
}

export function createChatModel(options: ChatModelOptions): ChatModel {
  const endpoint = options.baseUrl.replace(/\/+$/, '') + '/chat/completions';
  const doFetch = options.fetchImpl ?? fetch;

  return {
    model: options.model,
    async complete(messages, call = {}) {
      const key = typeof options.apiKey === 'function' ? await options.apiKey() : options.apiKey;
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await doFetch(endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            ...(key ? { authorization: `Bearer ${key}` } : {}),
          },
          body: JSON.stringify({
            model: options.model,
            messages,
            temperature: call.temperature ?? 0,
            max_tokens: call.maxTokens ?? 4000,
          }),
          signal,
        });
      } catch (error) {
        if (call.signal?.aborted) throw new AppError('conflict', 'The request to the model was cancelled.');
        if (timeout.aborted) {
          throw new AppError(
            'unavailable',
            `The model did not answer within ${Math.round(options.timeoutMs / 1000)} s: try again, or raise DQX_LLM_TIMEOUT_SECONDS.`,
          );
        }
        throw new AppError('unavailable', 'The model endpoint could not be reached: check DQX_LLM_BASE_URL.', {
          cause: error,
        });
      }
      const text = await response.text();
      let body: CompletionBody | undefined;
      try {
        body = JSON.parse(text) as CompletionBody;
      } catch {
        body = undefined;
      }
      if (!response.ok) {
        const detail = typeof body?.error?.message === 'string' ? body.error.message.slice(0, 300) : '';
        throw modelError(response.status, detail);
      }
      const choice = body?.choices?.[0];
      const content = choice?.message?.content;
      if (typeof content !== 'string') {
        throw new AppError('unavailable', 'The model endpoint answered without a message: it may not be a chat model.');
      }
      const usage = body?.usage;
      return {
        content,
        finishReason: typeof choice?.finish_reason === 'string' ? choice.finish_reason : null,
        usage:
          typeof usage?.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number'
            ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
            : null,
      };
    },
  };
}
