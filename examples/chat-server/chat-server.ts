import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createClient, type StopwiseClient } from 'stopwise';
import { type Backend, type BackendOptions, startBackend } from '../shared/backend.js';
import { createChatApp } from './chat-app.js';
import { type ChatPreset, createPresetStore } from './presets.js';

/** Options of {@link startChatServer}. */
export interface ChatServerOptions extends BackendOptions {
  /** Port on 127.0.0.1 (default 0: a free one). */
  port?: number | undefined;
  /** The preset of users who have not picked one. Default `balanced`, the recommended one. */
  defaultPreset?: ChatPreset | undefined;
  /**
   * Hold out (run to the end, policies in shadow) the first calls of each model and preset that
   * a policy would stop, until there are this many: later stops then get a point estimate of
   * what they saved, calibrated on those calls. Default 0: every stop stops, and its headline
   * saving stays unestimated (with the reason) until there is such evidence.
   */
  calibrationCalls?: number | undefined;
  /** The provider's output cap on every call (default 1024). */
  maxOutputTokens?: number | undefined;
}

/** A running chat server. */
export interface ChatServer {
  /** e.g. `http://127.0.0.1:41234`: open it in a browser. */
  readonly url: string;
  readonly backend: Backend;
  readonly client: StopwiseClient<unknown>;
  /** Stops the server and the replay backend. */
  close(): Promise<void>;
}

/** Starts the backend (replay offline, OpenAI with a key), the stopwise client and the chat server. */
export async function startChatServer(options: ChatServerOptions = {}): Promise<ChatServer> {
  const backend = await startBackend(options);
  const presets = createPresetStore();
  const defaultPreset = options.defaultPreset ?? 'balanced';
  const calibrationCalls = options.calibrationCalls ?? 0;
  const client = createClient({
    provider: backend.provider,
    profile: defaultPreset,
    profiles: presets.profiles,
    ...(calibrationCalls > 0 ? { holdout: { fraction: 0, warmup: calibrationCalls } } : {}),
  });
  const app = await createChatApp({
    client,
    backend,
    presets,
    defaultPreset,
    maxOutputTokens: options.maxOutputTokens ?? 1024,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    );
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    backend,
    client,
    close: async () => {
      await new Promise<void>((resolve) => {
        // Open answer streams would keep `close` waiting: end them with the server.
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      });
      await backend.close();
    },
  };
}
