// A request trace for the Tramline page, kept as evidence when a run fails: an init script
// (it runs before the page's own scripts) wraps XMLHttpRequest, EventSource and WebSocket and
// records, with page times in ms, each request made and each response or message received
// (bodies cut to 300 characters, at most 3000 entries). The wrappers only observe: they pass
// every call through unchanged.

export function traceInitScript() {
  const trace = [];
  window.__reachTrace = trace;
  const at = () => Math.round(performance.now());
  const cut = (s) => String(s == null ? '' : s).slice(0, 300);
  const push = (entry) => {
    if (trace.length < 3000) trace.push(entry);
  };

  const X = XMLHttpRequest.prototype;
  const open = X.open;
  const send = X.send;
  X.open = function (method, url) {
    this.__reachReq = `${method} ${url}`;
    return open.apply(this, arguments);
  };
  X.send = function (body) {
    const req = this.__reachReq;
    push([at(), 'xhr>', req, cut(body)]);
    this.addEventListener('loadend', () => push([at(), 'xhr<', req, this.status, cut(this.responseText)]));
    return send.apply(this, arguments);
  };

  const ES = window.EventSource;
  if (ES) {
    const Wrapped = function (url, init) {
      push([at(), 'sse>', String(url)]);
      const es = new ES(url, init);
      es.addEventListener('open', () => push([at(), 'sse open', String(url)]));
      es.addEventListener('message', (e) => push([at(), 'sse<', String(url), cut(e.data)]));
      es.addEventListener('error', () => push([at(), 'sse error', String(url), es.readyState]));
      return es;
    };
    Wrapped.prototype = ES.prototype;
    for (const k of ['CONNECTING', 'OPEN', 'CLOSED']) Wrapped[k] = ES[k];
    window.EventSource = Wrapped;
  }

  const WS = window.WebSocket;
  if (WS) {
    const Wrapped = function (url, protocols) {
      push([at(), 'ws>', String(url)]);
      const ws = protocols === undefined ? new WS(url) : new WS(url, protocols);
      const wsSend = ws.send;
      ws.send = function (data) {
        push([at(), 'ws send', String(url), typeof data === 'string' ? cut(data) : '<binary>']);
        return wsSend.apply(ws, arguments);
      };
      ws.addEventListener('open', () => push([at(), 'ws open', String(url)]));
      ws.addEventListener('message', (e) => push([at(), 'ws<', String(url), typeof e.data === 'string' ? cut(e.data) : '<binary>']));
      ws.addEventListener('close', (e) => push([at(), 'ws close', String(url), e.code, cut(e.reason)]));
      return ws;
    };
    Wrapped.prototype = WS.prototype;
    for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Wrapped[k] = WS[k];
    window.WebSocket = Wrapped;
  }
}

/** The trace as text, one line per entry, times relative to the first one. */
export function traceText(trace) {
  if (!Array.isArray(trace) || !trace.length) return '(no trace)';
  const t0 = trace[0][0];
  return trace
    .map(([t, what, ...rest]) => `${String(t - t0).padStart(6)} ms  ${what}  ${rest.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('  ')}`)
    .join('\n');
}
