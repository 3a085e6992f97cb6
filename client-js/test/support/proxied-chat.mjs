// One chat server for a test file, and at most one TCP proxy per test in front of it: the
// setup shared by the e2e files that cut or hold connections (cut, upgrade). Every socket the
// support client opened is closed after each test, then the proxy.

import { after, afterEach, before } from 'node:test';

import { startChat } from './chat-server.mjs';
import { closeAll } from './client.mjs';
import { startProxy } from './proxy.mjs';

/**
 * Registers the hooks; returns `{ server, proxy }` accessors and `startProxy()`, which starts
 * this test's proxy to the chat server (closed after the test).
 */
export function useProxiedChat() {
  let server;
  let proxy;
  before(async () => {
    server = await startChat();
  });
  after(async () => {
    closeAll();
    await server?.stop();
  });
  afterEach(async () => {
    closeAll();
    await proxy?.close();
    proxy = undefined;
  });
  return {
    get server() {
      return server;
    },
    async startProxy() {
      proxy = await startProxy(server.port);
      return proxy;
    },
  };
}
