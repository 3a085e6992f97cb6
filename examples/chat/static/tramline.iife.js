/*! tramline 0.1.0 | global Tramline | ES5 */
var Tramline = (function() {
  var __defProp = Object.defineProperty;
  var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
  var __getOwnPropNames = Object.getOwnPropertyNames;
  var __hasOwnProp = Object.prototype.hasOwnProperty;
  var __export = function(target, all) {
    for (var name in all)
      __defProp(target, name, { get: all[name], enumerable: true });
  };
  var __copyProps = function(to, from, except, desc) {
    if (from && typeof from === "object" || typeof from === "function")
      for (var keys = __getOwnPropNames(from), i2 = 0, n = keys.length, key; i2 < n; i2++) {
        key = keys[i2];
        if (!__hasOwnProp.call(to, key) && key !== except)
          __defProp(to, key, { get: function(k) {
            return from[k];
          }.bind(null, key), enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
      }
    return to;
  };
  var __toCommonJS = function(mod) {
    return __copyProps(__defProp({}, "__esModule", { value: true }), mod);
  };

  // node_modules/.cache/tramline-es5/index.js
  var index_exports = {};
  __export(index_exports, {
    ACK_EVERY: function() {
      return ACK_EVERY;
    },
    CloseCode: function() {
      return CloseCode;
    },
    HTTP_ERROR_CLOSE_CODE: function() {
      return HTTP_ERROR_CLOSE_CODE;
    },
    HTTP_ERROR_STATUS: function() {
      return HTTP_ERROR_STATUS;
    },
    PROTOCOL_VERSION: function() {
      return PROTOCOL_VERSION;
    },
    RESERVED_EVENTS: function() {
      return RESERVED_EVENTS;
    },
    Socket: function() {
      return Socket;
    },
    TRANSPORTS: function() {
      return TRANSPORTS;
    },
    browserPlatform: function() {
      return browserPlatform;
    },
    closeCodeName: function() {
      return closeCodeName;
    },
    connect: function() {
      return connect;
    },
    connectWith: function() {
      return connectWith;
    },
    endsSession: function() {
      return endsSession;
    },
    eventSourceOver: function() {
      return eventSourceOver;
    }
  });

  // node_modules/.cache/tramline-es5/codes.js
  var CloseCode = {
    /** The application closed the session (either side). */
    NORMAL: 4e3,
    /** An undecodable packet or a protocol error (including a sequence gap). */
    MALFORMED: 4400,
    /** The connection middleware refused the client, or its Origin is not allowed. */
    REJECTED: 4403,
    /** The session id is unknown or expired. */
    UNKNOWN_SESSION: 4404,
    /** The transport is not allowed by this server. */
    TRANSPORT_NOT_ALLOWED: 4405,
    /** No packet from the client within `pingTimeout` after a ping. */
    HEARTBEAT_TIMEOUT: 4408,
    /** A newer downlink replaced this one. The only code that does not end the session. */
    REPLACED: 4409,
    /** The packets the client is missing are gone. */
    REPLAY_LOST: 4410,
    /** A message exceeded `maxPayload`. */
    PAYLOAD_TOO_LARGE: 4413,
    /** The client read too slowly; its bounded outbound queue overflowed. */
    SLOW_CONSUMER: 4429,
    /** The server is shutting down. */
    SHUTDOWN: 4503
  };
  var NAMES = {
    4e3: "normal",
    4400: "malformed",
    4403: "rejected",
    4404: "unknown-session",
    4405: "transport-not-allowed",
    4408: "heartbeat-timeout",
    4409: "replaced",
    4410: "replay-lost",
    4413: "payload-too-large",
    4429: "slow-consumer",
    4503: "shutdown"
  };
  function closeCodeName(code) {
    return Object.prototype.hasOwnProperty.call(NAMES, code) ? NAMES[code] : "unknown";
  }
  function endsSession(code) {
    return code !== CloseCode.REPLACED;
  }
  var HTTP_ERROR_STATUS = {
    "bad-request": 400,
    "malformed-packet": 400,
    "transport-not-allowed": 400,
    "origin-not-allowed": 403,
    rejected: 403,
    "unknown-session": 404,
    "not-found": 404,
    "method-not-allowed": 405,
    "payload-too-large": 413,
    "shutting-down": 503
  };
  var HTTP_ERROR_CLOSE_CODE = {
    "bad-request": CloseCode.MALFORMED,
    "malformed-packet": CloseCode.MALFORMED,
    "transport-not-allowed": CloseCode.TRANSPORT_NOT_ALLOWED,
    "origin-not-allowed": CloseCode.REJECTED,
    rejected: CloseCode.REJECTED,
    "unknown-session": CloseCode.UNKNOWN_SESSION,
    "not-found": CloseCode.MALFORMED,
    "method-not-allowed": CloseCode.MALFORMED,
    "payload-too-large": CloseCode.PAYLOAD_TOO_LARGE,
    "shutting-down": CloseCode.SHUTDOWN
  };
  var PROTOCOL_VERSION = 1;
  var ACK_EVERY = 64;
  var TRANSPORTS = ["websocket", "sse", "streaming", "polling"];
  function isTransportName(name) {
    return name === "websocket" || name === "sse" || name === "streaming" || name === "polling";
  }

  // node_modules/.cache/tramline-es5/reconnect.js
  function reconnectSettings(o) {
    var opts = typeof o === "boolean" ? { enabled: o } : o || {};
    var s = {
      enabled: opts.enabled === void 0 ? true : !!opts.enabled,
      minDelay: opts.minDelay === void 0 ? 500 : opts.minDelay,
      maxDelay: opts.maxDelay === void 0 ? 1e4 : opts.maxDelay,
      attempts: opts.attempts === void 0 ? Infinity : opts.attempts,
      factor: opts.factor === void 0 ? 2 : opts.factor
    };
    if (!(s.minDelay >= 0) || !(s.maxDelay >= s.minDelay) || !(s.factor >= 1) || !(s.attempts >= 0)) {
      throw new RangeError("tramline: reconnect needs 0 <= minDelay <= maxDelay, factor >= 1 and attempts >= 0");
    }
    return s;
  }
  function backoffDelay(s, attempt, random) {
    var cap = Math.min(s.maxDelay, s.minDelay * Math.pow(s.factor, attempt));
    var r = random();
    if (!(r >= 0))
      r = 0;
    if (r >= 1)
      r = 0.999999;
    return Math.floor(r * cap);
  }
  var Backoff = (
    /** @class */
    (function() {
      function Backoff2(settings, random) {
        this.settings = settings;
        this.random = random;
        this.attempt = 0;
      }
      Object.defineProperty(Backoff2.prototype, "attempts", {
        /** Attempts made since the last `reset`. */
        get: function() {
          return this.attempt;
        },
        enumerable: false,
        configurable: true
      });
      Backoff2.prototype.next = function() {
        if (this.attempt >= this.settings.attempts)
          return null;
        var delay = backoffDelay(this.settings, this.attempt, this.random);
        this.attempt++;
        return { attempt: this.attempt, delay: delay };
      };
      Backoff2.prototype.reset = function() {
        this.attempt = 0;
      };
      return Backoff2;
    })()
  );

  // node_modules/.cache/tramline-es5/options.js
  function positive(name, value, def) {
    if (value === void 0)
      return def;
    if (typeof value !== "number" || !(value >= 0)) {
      throw new RangeError("tramline: option " + name + " must be a non-negative number");
    }
    return value;
  }
  function resolveSettings(o) {
    var opts = o || {};
    var transports = TRANSPORTS.slice();
    if (opts.transports !== void 0) {
      if (!Array.isArray(opts.transports) || !opts.transports.length) {
        throw new TypeError("tramline: transports must be a non-empty list");
      }
      transports = [];
      for (var i2 = 0; i2 < opts.transports.length; i2++) {
        var t = opts.transports[i2];
        if (!isTransportName(t)) {
          throw new TypeError("tramline: unknown transport " + JSON.stringify(t) + ": expected websocket, sse, streaming or polling");
        }
        if (transports.indexOf(t) < 0)
          transports.push(t);
      }
    }
    var authOption = opts.auth;
    var auth = function() {
      var value = typeof authOption === "function" ? authOption() : authOption;
      return value === void 0 ? void 0 : JSON.stringify(value);
    };
    return {
      transports: transports,
      auth: auth,
      reconnect: reconnectSettings(opts.reconnect),
      offlineBuffer: positive("offlineBuffer", opts.offlineBuffer, 1e3),
      ackTimeout: positive("ackTimeout", opts.ackTimeout, void 0),
      probeTimeout: positive("probeTimeout", opts.probeTimeout, 1e3),
      connectTimeout: positive("connectTimeout", opts.connectTimeout, 2e4),
      rememberTransport: opts.rememberTransport === void 0 ? true : !!opts.rememberTransport,
      withCredentials: !!opts.withCredentials
    };
  }

  // node_modules/.cache/tramline-es5/platform.js
  var KEYS = [
    "WebSocket",
    "EventSource",
    "request",
    "setTimeout",
    "clearTimeout",
    "now",
    "random",
    "storage",
    "baseUrl"
  ];
  function mergePlatform(base, overrides) {
    if (!overrides)
      return base;
    var out = {
      setTimeout: base.setTimeout,
      clearTimeout: base.clearTimeout,
      now: base.now,
      random: base.random
    };
    var o = out;
    var b = base;
    var v = overrides;
    for (var i2 = 0; i2 < KEYS.length; i2++) {
      var k = KEYS[i2];
      o[k] = Object.prototype.hasOwnProperty.call(overrides, k) ? v[k] : b[k];
    }
    if (typeof out.setTimeout !== "function" || typeof out.clearTimeout !== "function") {
      throw new TypeError("platform: setTimeout and clearTimeout are required");
    }
    if (typeof out.now !== "function")
      out.now = base.now;
    if (typeof out.random !== "function")
      out.random = base.random;
    return out;
  }

  // node_modules/.cache/tramline-es5/platform/browser.js
  function globalObject() {
    if (typeof window !== "undefined")
      return window;
    if (typeof self !== "undefined")
      return self;
    if (typeof globalThis !== "undefined")
      return globalThis;
    return {};
  }
  function xhrRequest(Xhr) {
    return function request(req) {
      var xhr = new Xhr();
      var seen = 0;
      var headers = false;
      var done = false;
      var responseText = function() {
        try {
          return xhr.responseText || "";
        } catch (_e) {
          return null;
        }
      };
      var pushText = function() {
        var text = responseText();
        if (text === null)
          return;
        if (text.length > seen) {
          var chunk = text.substring(seen);
          seen = text.length;
          req.onData(chunk);
        }
      };
      var step = function() {
        if (done)
          return;
        var state = xhr.readyState;
        if (state >= 2 && !headers) {
          var status = statusOf(xhr);
          if (status === 0 && state < 4)
            return;
          if (status !== 0) {
            headers = true;
            req.onHeaders(status);
            if (done)
              return;
          }
        }
        if (state === 3)
          pushText();
        if (state === 4) {
          done = true;
          if (!headers) {
            req.onError("network error");
            return;
          }
          pushText();
          req.onEnd();
        }
      };
      xhr.open(req.method, req.url, true);
      if (req.withCredentials)
        xhr.withCredentials = true;
      if (req.body !== void 0)
        xhr.setRequestHeader("Content-Type", "text/plain;charset=UTF-8");
      xhr.onreadystatechange = step;
      try {
        xhr.onprogress = step;
      } catch (_e) {
      }
      try {
        xhr.send(req.body === void 0 ? null : req.body);
      } catch (e) {
        done = true;
        var message_1 = e instanceof Error ? e.message : "request failed";
        globalSetTimeout(function() {
          return req.onError(message_1);
        }, 0);
      }
      return {
        abort: function() {
          if (done)
            return;
          done = true;
          xhr.onreadystatechange = null;
          try {
            xhr.abort();
          } catch (_e) {
          }
        }
      };
    };
  }
  function statusOf(xhr) {
    try {
      return xhr.status;
    } catch (_e) {
      return 0;
    }
  }
  function globalSetTimeout(fn, ms) {
    var g = globalObject();
    return g.setTimeout ? g.setTimeout(fn, ms) : void 0;
  }
  function browserPlatform() {
    var g = globalObject();
    var setT = g.setTimeout;
    var clearT = g.clearTimeout;
    if (!setT || !clearT)
      throw new Error("tramline: no setTimeout in this environment");
    var storage;
    try {
      storage = g.localStorage || void 0;
    } catch (_e) {
      storage = void 0;
    }
    var baseUrl;
    try {
      baseUrl = g.location && typeof g.location.href === "string" ? g.location.href : void 0;
    } catch (_e) {
      baseUrl = void 0;
    }
    return {
      WebSocket: typeof g.WebSocket === "function" ? g.WebSocket : void 0,
      EventSource: typeof g.EventSource === "function" ? g.EventSource : void 0,
      request: typeof g.XMLHttpRequest === "function" ? xhrRequest(g.XMLHttpRequest) : void 0,
      setTimeout: function(fn, ms) {
        return setT.call(g, fn, ms);
      },
      clearTimeout: function(h) {
        return clearT.call(g, h);
      },
      now: function() {
        return (/* @__PURE__ */ new Date()).getTime();
      },
      random: function() {
        return Math.random();
      },
      storage: storage,
      baseUrl: baseUrl
    };
  }

  // node_modules/.cache/tramline-es5/bytes.js
  function utf8Encode(s) {
    var out = [];
    for (var i2 = 0; i2 < s.length; i2++) {
      var c = s.charCodeAt(i2);
      if (c >= 55296 && c <= 56319 && i2 + 1 < s.length) {
        var d = s.charCodeAt(i2 + 1);
        if (d >= 56320 && d <= 57343) {
          c = 65536 + (c - 55296 << 10) + (d - 56320);
          i2++;
        } else {
          c = 65533;
        }
      } else if (c >= 55296 && c <= 57343) {
        c = 65533;
      }
      if (c < 128) {
        out.push(c);
      } else if (c < 2048) {
        out.push(192 | c >> 6, 128 | c & 63);
      } else if (c < 65536) {
        out.push(224 | c >> 12, 128 | c >> 6 & 63, 128 | c & 63);
      } else {
        out.push(240 | c >> 18, 128 | c >> 12 & 63, 128 | c >> 6 & 63, 128 | c & 63);
      }
    }
    return new Uint8Array(out);
  }
  function utf8Length(s) {
    var n = 0;
    for (var i2 = 0; i2 < s.length; i2++) {
      var c = s.charCodeAt(i2);
      if (c < 128)
        n += 1;
      else if (c < 2048)
        n += 2;
      else if (c >= 55296 && c <= 56319 && i2 + 1 < s.length) {
        var d = s.charCodeAt(i2 + 1);
        if (d >= 56320 && d <= 57343) {
          n += 4;
          i2++;
        } else {
          n += 3;
        }
      } else
        n += 3;
    }
    return n;
  }
  function utf8Decode(bytes, start, end) {
    var i2 = start === void 0 ? 0 : start;
    var stop = end === void 0 ? bytes.length : end;
    var out = "";
    var chunk = [];
    while (i2 < stop) {
      var b = bytes[i2];
      var cp = void 0;
      if (b < 128) {
        cp = b;
        i2 += 1;
      } else {
        var need = void 0;
        var min = void 0;
        if (b >= 194 && b <= 223) {
          need = 1;
          cp = b & 31;
          min = 128;
        } else if (b >= 224 && b <= 239) {
          need = 2;
          cp = b & 15;
          min = 2048;
        } else if (b >= 240 && b <= 244) {
          need = 3;
          cp = b & 7;
          min = 65536;
        } else {
          return null;
        }
        if (i2 + need >= stop)
          return null;
        for (var k = 1; k <= need; k++) {
          var c = bytes[i2 + k];
          if ((c & 192) !== 128)
            return null;
          cp = cp << 6 | c & 63;
        }
        if (cp < min || cp > 1114111 || cp >= 55296 && cp <= 57343)
          return null;
        i2 += need + 1;
      }
      if (cp >= 65536) {
        cp -= 65536;
        chunk.push(55296 + (cp >> 10), 56320 + (cp & 1023));
      } else {
        chunk.push(cp);
      }
      if (chunk.length >= 4096) {
        out += String.fromCharCode.apply(null, chunk);
        chunk.length = 0;
      }
    }
    if (chunk.length > 0)
      out += String.fromCharCode.apply(null, chunk);
    return out;
  }
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  var LOOKUP = [];
  for (i = 0; i < 256; i++)
    LOOKUP.push(-1);
  var i;
  for (i = 0; i < ALPHABET.length; i++)
    LOOKUP[ALPHABET.charCodeAt(i)] = i;
  var i;
  function base64Encode(bytes) {
    var out = "";
    var i2 = 0;
    for (; i2 + 2 < bytes.length; i2 += 3) {
      var n = bytes[i2] << 16 | bytes[i2 + 1] << 8 | bytes[i2 + 2];
      out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt(n >> 12 & 63) + ALPHABET.charAt(n >> 6 & 63) + ALPHABET.charAt(n & 63);
    }
    var rest = bytes.length - i2;
    if (rest === 1) {
      var n = bytes[i2] << 16;
      out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt(n >> 12 & 63) + "==";
    } else if (rest === 2) {
      var n = bytes[i2] << 16 | bytes[i2 + 1] << 8;
      out += ALPHABET.charAt(n >> 18) + ALPHABET.charAt(n >> 12 & 63) + ALPHABET.charAt(n >> 6 & 63) + "=";
    }
    return out;
  }
  function base64Decode(s) {
    if (s.length % 4 !== 0)
      return null;
    var pad = 0;
    if (s.length > 0 && s.charAt(s.length - 1) === "=")
      pad = s.charAt(s.length - 2) === "=" ? 2 : 1;
    var out = new Uint8Array(s.length / 4 * 3 - pad);
    var o = 0;
    for (var i2 = 0; i2 < s.length; i2 += 4) {
      var last = i2 + 4 === s.length;
      var v = [];
      for (var k = 0; k < 4; k++) {
        var code = s.charCodeAt(i2 + k);
        if (last && k >= 4 - pad) {
          v.push(0);
          continue;
        }
        var x = code < 256 ? LOOKUP[code] : -1;
        if (x < 0)
          return null;
        v.push(x);
      }
      var n = v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3];
      if (last && pad === 2 && (v[1] & 15) !== 0)
        return null;
      if (last && pad === 1 && (v[2] & 3) !== 0)
        return null;
      out[o++] = n >> 16 & 255;
      if (!(last && pad === 2))
        out[o++] = n >> 8 & 255;
      if (!(last && pad >= 1))
        out[o++] = n & 255;
    }
    return out;
  }
  function isBinary(value) {
    return typeof Uint8Array !== "undefined" && value instanceof Uint8Array || typeof ArrayBuffer !== "undefined" && value instanceof ArrayBuffer;
  }
  function toBytes(value) {
    if (value instanceof Uint8Array)
      return value;
    if (value instanceof ArrayBuffer)
      return new Uint8Array(value);
    return new Uint8Array(value);
  }

  // node_modules/.cache/tramline-es5/args.js
  function isView(v) {
    var view = v;
    return typeof ArrayBuffer !== "undefined" && view.buffer instanceof ArrayBuffer && typeof view.byteOffset === "number" && typeof view.byteLength === "number";
  }
  function replaceBinary(value, bins, stack) {
    if (value === null || typeof value !== "object")
      return value;
    if (isBinary(value)) {
      bins.push(toBytes(value));
      return { $bin: bins.length - 1 };
    }
    if (isView(value)) {
      bins.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      return { $bin: bins.length - 1 };
    }
    if (stack.indexOf(value) >= 0)
      throw new TypeError("cannot send a value that contains itself");
    if (Array.isArray(value)) {
      stack.push(value);
      var out_1 = [];
      for (var i2 = 0; i2 < value.length; i2++)
        out_1.push(replaceBinary(value[i2], bins, stack));
      stack.pop();
      return out_1;
    }
    if (typeof value.toJSON === "function")
      return value;
    stack.push(value);
    var out = /* @__PURE__ */ Object.create(null);
    var obj = value;
    for (var key in obj) {
      if (Object.prototype.hasOwnProperty.call(obj, key)) {
        out[key] = replaceBinary(obj[key], bins, stack);
      }
    }
    stack.pop();
    return out;
  }
  function packArgs(values) {
    var bins = [];
    var replaced = replaceBinary(values, bins, []);
    return { json: JSON.stringify(replaced), bins: bins };
  }
  function isPlaceholder(v, count) {
    var keys = 0;
    for (var k in v) {
      if (Object.prototype.hasOwnProperty.call(v, k)) {
        keys++;
        if (k !== "$bin")
          return false;
      }
    }
    var i2 = v.$bin;
    return keys === 1 && typeof i2 === "number" && i2 >= 0 && i2 < count && Math.floor(i2) === i2;
  }
  function restoreBinary(value, bins) {
    if (value === null || typeof value !== "object")
      return value;
    if (Array.isArray(value)) {
      for (var i2 = 0; i2 < value.length; i2++)
        value[i2] = restoreBinary(value[i2], bins);
      return value;
    }
    var obj = value;
    if (isPlaceholder(obj, bins.length))
      return bins[obj.$bin];
    for (var key in obj) {
      if (Object.prototype.hasOwnProperty.call(obj, key))
        obj[key] = restoreBinary(obj[key], bins);
    }
    return obj;
  }
  function unpackArgs(args) {
    var values = JSON.parse(args.json);
    return args.bins.length > 0 ? restoreBinary(values, args.bins) : values;
  }

  // node_modules/.cache/tramline-es5/emitter.js
  var Emitter = (
    /** @class */
    (function() {
      function Emitter2(rethrow) {
        this.rethrow = rethrow;
        this.lists = /* @__PURE__ */ Object.create(null);
      }
      Emitter2.prototype.on = function(name, fn, once) {
        if (once === void 0) {
          once = false;
        }
        var list = this.lists[name] || (this.lists[name] = []);
        list.push({ fn: fn, once: once });
      };
      Emitter2.prototype.off = function(name, fn) {
        var list = this.lists[name];
        if (!list)
          return;
        if (!fn) {
          delete this.lists[name];
          return;
        }
        var kept = [];
        for (var i2 = 0; i2 < list.length; i2++)
          if (list[i2].fn !== fn)
            kept.push(list[i2]);
        if (kept.length)
          this.lists[name] = kept;
        else
          delete this.lists[name];
      };
      Emitter2.prototype.clear = function() {
        for (var name in this.lists)
          delete this.lists[name];
      };
      Emitter2.prototype.count = function(name) {
        var list = this.lists[name];
        return list ? list.length : 0;
      };
      Emitter2.prototype.emit = function(name, args) {
        var list = this.lists[name];
        if (!list || !list.length)
          return false;
        var snapshot = list.slice();
        for (var i2 = 0; i2 < snapshot.length; i2++) {
          var e = snapshot[i2];
          if (e.once)
            this.removeEntry(name, e);
          try {
            e.fn.apply(null, args);
          } catch (err) {
            this.rethrow(err);
          }
        }
        return true;
      };
      Emitter2.prototype.removeEntry = function(name, entry) {
        var list = this.lists[name];
        if (!list)
          return;
        var i2 = list.indexOf(entry);
        if (i2 >= 0)
          list.splice(i2, 1);
        if (!list.length)
          delete this.lists[name];
      };
      return Emitter2;
    })()
  );

  // node_modules/.cache/tramline-es5/errors.js
  function makeError(code, message, status) {
    var e = new Error(message);
    e.name = "TramlineError";
    e.code = code;
    if (status !== void 0)
      e.status = status;
    return e;
  }

  // node_modules/.cache/tramline-es5/packet.js
  function isDecodeError(e) {
    return e instanceof Error && typeof e.kind === "string";
  }
  function isSequenced(body) {
    return body.type === "event" || body.type === "ack" || body.type === "error";
  }

  // node_modules/.cache/tramline-es5/encode.js
  function oneLine(raw) {
    return raw.replace(/[\r\n]/g, " ");
  }
  function argsText(args, inlineBins) {
    var out = ',"args":' + oneLine(args.json);
    if (inlineBins && args.bins.length > 0) {
      var list = [];
      for (var i2 = 0; i2 < args.bins.length; i2++)
        list.push('"' + base64Encode(args.bins[i2]) + '"');
      out += ',"bin":[' + list.join(",") + "]";
    }
    return out;
  }
  function encodeJson(p, inlineBins) {
    var b = p.body;
    var out = '{"type":"' + b.type + '"';
    if (p.seq !== void 0)
      out += ',"seq":' + p.seq;
    if (p.rx !== void 0)
      out += ',"rx":' + p.rx;
    switch (b.type) {
      case "connect":
        if (b.auth !== void 0)
          out += ',"auth":' + oneLine(b.auth);
        break;
      case "open": {
        var h = b.handshake;
        out += ',"sid":' + JSON.stringify(h.sid) + ',"version":' + h.version + ',"pingInterval":' + h.pingInterval + ',"pingTimeout":' + h.pingTimeout + ',"maxPayload":' + h.maxPayload + ',"transports":' + JSON.stringify(h.transports) + ',"upgrades":' + JSON.stringify(h.upgrades);
        break;
      }
      case "close":
        out += ',"code":' + b.code + ',"reason":' + JSON.stringify(b.reason);
        break;
      case "ping":
      case "pong":
        if (b.probe)
          out += ',"probe":true';
        break;
      case "upgrade":
      case "noop":
        break;
      case "event":
        out += ',"name":' + JSON.stringify(b.name) + argsText(b.args, inlineBins);
        if (b.ack !== void 0)
          out += ',"ack":' + b.ack;
        break;
      case "ack":
        out += ',"id":' + b.id;
        if (b.error !== void 0) {
          out += ',"error":{"code":' + JSON.stringify(b.error.code) + ',"message":' + JSON.stringify(b.error.message) + "}";
        } else {
          out += argsText(b.args || { json: "[]", bins: [] }, inlineBins);
        }
        break;
      case "error":
        out += ',"code":' + JSON.stringify(b.code) + ',"message":' + JSON.stringify(b.message);
        break;
    }
    return out + "}";
  }
  function encodeText(p) {
    return encodeJson(p, true);
  }
  function encodeBatch(packets) {
    var out = [];
    for (var i2 = 0; i2 < packets.length; i2++)
      out.push(encodeText(packets[i2]));
    return out.join("\n");
  }
  function attachments(body) {
    if (body.type === "event")
      return body.args.bins;
    if (body.type === "ack" && body.error === void 0 && body.args)
      return body.args.bins;
    return [];
  }
  function pushU32(out, at, n) {
    out[at] = n >>> 24 & 255;
    out[at + 1] = n >>> 16 & 255;
    out[at + 2] = n >>> 8 & 255;
    out[at + 3] = n & 255;
  }
  function encodeWebsocket(p) {
    var bins = attachments(p.body);
    if (bins.length === 0)
      return encodeText(p);
    var json = utf8Encode(encodeJson(p, false));
    var total = 4 + json.length;
    for (var i2 = 0; i2 < bins.length; i2++)
      total += 4 + bins[i2].length;
    var out = new Uint8Array(total);
    pushU32(out, 0, json.length);
    out.set(json, 4);
    var at = 4 + json.length;
    for (var i2 = 0; i2 < bins.length; i2++) {
      pushU32(out, at, bins[i2].length);
      out.set(bins[i2], at + 4);
      at += 4 + bins[i2].length;
    }
    return out;
  }

  // node_modules/.cache/tramline-es5/json.js
  function isWs(c) {
    return c === " " || c === "	" || c === "\n" || c === "\r";
  }
  function skipWs(text, i2) {
    while (i2 < text.length && isWs(text.charAt(i2)))
      i2++;
    return i2;
  }
  function skipString(text, i2) {
    i2++;
    while (i2 < text.length) {
      var c = text.charAt(i2);
      if (c === "\\")
        i2 += 2;
      else if (c === '"')
        return i2 + 1;
      else
        i2++;
    }
    return i2;
  }
  function skipValue(text, i2) {
    var c = text.charAt(i2);
    if (c === '"')
      return skipString(text, i2);
    if (c === "{" || c === "[") {
      var depth = 0;
      while (i2 < text.length) {
        var d = text.charAt(i2);
        if (d === '"') {
          i2 = skipString(text, i2);
          continue;
        }
        if (d === "{" || d === "[")
          depth++;
        else if (d === "}" || d === "]") {
          depth--;
          if (depth === 0)
            return i2 + 1;
        }
        i2++;
      }
      return i2;
    }
    while (i2 < text.length) {
      var d = text.charAt(i2);
      if (d === "," || d === "}" || d === "]" || isWs(d))
        break;
      i2++;
    }
    return i2;
  }
  function scanObject(text) {
    var fields = /* @__PURE__ */ Object.create(null);
    var duplicates = [];
    var i2 = skipWs(text, 0) + 1;
    for (; ; ) {
      i2 = skipWs(text, i2);
      if (text.charAt(i2) === "}" || i2 >= text.length)
        break;
      var keyEnd = skipString(text, i2);
      var key = JSON.parse(text.slice(i2, keyEnd));
      i2 = skipWs(text, keyEnd) + 1;
      i2 = skipWs(text, i2);
      var end = skipValue(text, i2);
      if (Object.prototype.hasOwnProperty.call(fields, key))
        duplicates.push(key);
      fields[key] = text.slice(i2, end);
      i2 = skipWs(text, end);
      if (text.charAt(i2) === ",")
        i2++;
    }
    return { fields: fields, duplicates: duplicates };
  }

  // node_modules/.cache/tramline-es5/decode.js
  function fail(kind, message, field2) {
    var e = new Error(message);
    e.name = "DecodeError";
    e.kind = kind;
    if (field2 !== void 0)
      e.field = field2;
    throw e;
  }
  var TYPES = ["connect", "open", "close", "ping", "pong", "upgrade", "noop", "event", "ack", "error"];
  var KNOWN_FIELDS = [
    "type",
    "seq",
    "rx",
    "name",
    "args",
    "ack",
    "id",
    "bin",
    "code",
    "reason",
    "message",
    "error",
    "probe",
    "auth",
    "sid",
    "version",
    "pingInterval",
    "pingTimeout",
    "maxPayload",
    "transports",
    "upgrades"
  ];
  var MAX_INT = 9007199254740991;
  var BLANK = /^[\s\u0085]*$/;
  var JSON_WS_START = /^[ \t\n\r]*\{/;
  function field(f, key) {
    if (!Object.prototype.hasOwnProperty.call(f, key))
      return void 0;
    var raw = f[key];
    return raw === "null" ? void 0 : raw;
  }
  function optInt(f, key) {
    var raw = field(f, key);
    if (raw === void 0)
      return void 0;
    if (!/^[0-9]+$/.test(raw))
      fail("InvalidField", key + " must be a non-negative integer", key);
    var n = Number(raw);
    if (n > MAX_INT)
      fail("InvalidField", key + " is larger than 2^53-1", key);
    return n;
  }
  function reqInt(f, key) {
    var n = optInt(f, key);
    if (n === void 0)
      fail("MissingField", "missing field " + key, key);
    return n;
  }
  function optStr(f, key) {
    var raw = field(f, key);
    if (raw === void 0)
      return void 0;
    if (raw.charAt(0) !== '"')
      fail("InvalidField", key + " must be a string", key);
    return JSON.parse(raw);
  }
  function reqStr(f, key) {
    var s = optStr(f, key);
    if (s === void 0)
      fail("MissingField", "missing field " + key, key);
    return s;
  }
  function optBool(f, key) {
    var raw = field(f, key);
    if (raw === void 0)
      return void 0;
    if (raw !== "true" && raw !== "false")
      fail("InvalidField", key + " must be a boolean", key);
    return raw === "true";
  }
  function transportList(f, key) {
    var raw = field(f, key);
    if (raw === void 0)
      fail("MissingField", "missing field " + key, key);
    var list = JSON.parse(raw);
    if (!Array.isArray(list))
      fail("InvalidField", key + " must be an array", key);
    for (var i2 = 0; i2 < list.length; i2++) {
      if (!isTransportName(list[i2]))
        fail("InvalidField", key + ": unknown transport", key);
    }
    return list;
  }
  function decodeArgs(f, frameBins) {
    var raw = field(f, "args");
    var json = "[]";
    if (raw !== void 0) {
      if (raw.charAt(0) !== "[")
        fail("InvalidField", "args must be an array", "args");
      json = oneLine(raw);
    }
    var bin = field(f, "bin");
    if (frameBins !== null) {
      if (bin !== void 0)
        fail("InvalidField", "bin is not allowed in a binary frame", "bin");
      return { json: json, bins: frameBins };
    }
    if (bin === void 0)
      return { json: json, bins: [] };
    var list = JSON.parse(bin);
    if (!Array.isArray(list))
      fail("InvalidField", "bin must be an array of base64 strings", "bin");
    for (var i2 = 0; i2 < list.length; i2++) {
      if (typeof list[i2] !== "string")
        fail("InvalidField", "bin must be an array of base64 strings", "bin");
    }
    var bins = [];
    for (var i2 = 0; i2 < list.length; i2++) {
      var bytes = base64Decode(list[i2]);
      if (bytes === null)
        fail("InvalidBase64", "attachment " + i2 + " is not valid base64");
      bins.push(bytes);
    }
    return { json: json, bins: bins };
  }
  function decodeErrorBody(raw) {
    var v = JSON.parse(raw);
    if (v === null || typeof v !== "object" || Array.isArray(v) || typeof v.code !== "string" || typeof v.message !== "string") {
      fail("InvalidField", "error must be {code, message}", "error");
    }
    return { code: v.code, message: v.message };
  }
  function decodeBody(type, f, frameBins) {
    switch (type) {
      case "connect": {
        var auth = field(f, "auth");
        return auth === void 0 ? { type: type } : { type: type, auth: oneLine(auth) };
      }
      case "open": {
        var version = reqInt(f, "version");
        var sid = reqStr(f, "sid");
        if (version > 4294967295)
          fail("InvalidField", "version is not a u32", "version");
        return {
          type: type,
          handshake: {
            sid: sid,
            version: version,
            pingInterval: reqInt(f, "pingInterval"),
            pingTimeout: reqInt(f, "pingTimeout"),
            maxPayload: reqInt(f, "maxPayload"),
            transports: transportList(f, "transports"),
            upgrades: transportList(f, "upgrades")
          }
        };
      }
      case "close": {
        var code = reqInt(f, "code");
        if (code > 65535)
          fail("InvalidField", "code is not a u16", "code");
        return { type: type, code: code, reason: optStr(f, "reason") || "" };
      }
      case "ping":
      case "pong":
        return { type: type, probe: optBool(f, "probe") === true };
      case "upgrade":
      case "noop":
        return { type: type };
      case "event": {
        var name = reqStr(f, "name");
        if (name === "")
          fail("InvalidField", "event name must not be empty", "name");
        var args = decodeArgs(f, frameBins);
        var ack = optInt(f, "ack");
        return ack === void 0 ? { type: type, name: name, args: args } : { type: type, name: name, args: args, ack: ack };
      }
      case "ack": {
        var id = reqInt(f, "id");
        var err = field(f, "error");
        if (err !== void 0)
          return { type: type, id: id, error: decodeErrorBody(err) };
        return { type: type, id: id, args: decodeArgs(f, frameBins) };
      }
      default: {
        var code = reqStr(f, "code");
        return { type: "error", code: code, message: optStr(f, "message") || "" };
      }
    }
  }
  function decodeString(text, frameBins) {
    if (BLANK.test(text))
      fail("Empty", "empty message");
    if (!JSON_WS_START.test(text))
      fail("InvalidJson", "expected a JSON object");
    try {
      JSON.parse(text);
    } catch (e) {
      fail("InvalidJson", "packet is not JSON: " + (e instanceof Error ? e.message : String(e)));
    }
    var scanned = scanObject(text);
    for (var i2 = 0; i2 < scanned.duplicates.length; i2++) {
      if (KNOWN_FIELDS.indexOf(scanned.duplicates[i2]) >= 0) {
        fail("InvalidJson", "duplicate field " + scanned.duplicates[i2]);
      }
    }
    var f = scanned.fields;
    var type = optStr(f, "type");
    if (type === void 0)
      fail("MissingField", "missing field type", "type");
    if (TYPES.indexOf(type) < 0)
      fail("UnknownType", "unknown packet type " + JSON.stringify(type));
    var seq = optInt(f, "seq");
    var rx = optInt(f, "rx");
    var body = decodeBody(type, f, frameBins);
    if (isSequenced(body)) {
      if (seq === void 0)
        fail("MissingField", "missing field seq", "seq");
      if (seq === 0)
        fail("InvalidField", "sequence numbers start at 1", "seq");
    } else if (seq !== void 0) {
      fail("InvalidField", "seq is only allowed on event, ack and error", "seq");
    }
    var p = { body: body };
    if (seq !== void 0)
      p.seq = seq;
    if (rx !== void 0)
      p.rx = rx;
    return p;
  }
  function decodeText(text) {
    return decodeString(text, null);
  }
  function decodeBatch(text) {
    var lines = text.split("\n");
    var out = [];
    for (var i2 = 0; i2 < lines.length; i2++) {
      if (!BLANK.test(lines[i2]))
        out.push(decodeString(lines[i2], null));
    }
    if (out.length === 0)
      fail("Empty", "batch without packets");
    return out;
  }
  function readU32(b, at) {
    return (b[at] << 24 >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
  }
  function decodeBinaryFrame(frame) {
    if (frame.length < 4)
      fail("TruncatedFrame", "binary frame is truncated");
    var jsonLen = readU32(frame, 0);
    if (frame.length - 4 < jsonLen)
      fail("TruncatedFrame", "binary frame is truncated");
    var at = 4 + jsonLen;
    var bins = [];
    while (at < frame.length) {
      if (frame.length - at < 4)
        fail("TruncatedFrame", "binary frame is truncated");
      var len = readU32(frame, at);
      if (frame.length - at - 4 < len)
        fail("TruncatedFrame", "binary frame is truncated");
      bins.push(new Uint8Array(frame.subarray(at + 4, at + 4 + len)));
      at += 4 + len;
    }
    var text = utf8Decode(frame, 4, 4 + jsonLen);
    if (text === null)
      fail("NotUtf8", "packet is not valid UTF-8");
    return decodeString(text, bins);
  }

  // node_modules/.cache/tramline-es5/candidates.js
  var MEMORY_TTL_MS = 24 * 60 * 60 * 1e3;
  var TransportMemory = (
    /** @class */
    (function() {
      function TransportMemory2(storage, endpoint, now) {
        this.storage = storage;
        this.now = now;
        this.key = "tramline:transport:" + endpoint;
      }
      TransportMemory2.prototype.get = function() {
        if (!this.storage)
          return null;
        try {
          var raw = this.storage.getItem(this.key);
          if (!raw)
            return null;
          var v = JSON.parse(raw);
          var fresh = typeof v.at === "number" && this.now() - v.at < MEMORY_TTL_MS && this.now() >= v.at;
          if (fresh && TRANSPORTS.indexOf(v.transport) >= 0)
            return v.transport;
          this.storage.removeItem(this.key);
        } catch (_e) {
        }
        return null;
      };
      TransportMemory2.prototype.set = function(name) {
        if (!this.storage)
          return;
        try {
          this.storage.setItem(this.key, JSON.stringify({ transport: name, at: this.now() }));
        } catch (_e) {
        }
      };
      TransportMemory2.prototype.forget = function() {
        if (!this.storage)
          return;
        try {
          this.storage.removeItem(this.key);
        } catch (_e) {
        }
      };
      return TransportMemory2;
    })()
  );
  function usableTransports(list, platform) {
    var out = [];
    for (var i2 = 0; i2 < list.length; i2++) {
      var k = list[i2];
      var ok = k === "websocket" ? !!platform.WebSocket : k === "sse" ? !!platform.EventSource && !!platform.request : !!platform.request;
      if (ok && out.indexOf(k) < 0)
        out.push(k);
    }
    return out;
  }
  function sessionKinds(usable, handshake) {
    return usable.filter(function(k) {
      return k === "websocket" ? handshake.transports.indexOf(k) >= 0 && handshake.upgrades.indexOf(k) >= 0 : handshake.transports.indexOf(k) >= 0;
    });
  }
  function better(kinds, name) {
    var i2 = kinds.indexOf(name);
    return i2 < 0 ? kinds.slice() : kinds.slice(0, i2);
  }

  // node_modules/.cache/tramline-es5/attach.js
  var HttpAttach = (
    /** @class */
    (function() {
      function HttpAttach2(host, t, verify, done) {
        this.host = host;
        this.t = t;
        this.verify = verify;
        this.done = done;
        this.verifying = false;
        this.timer = null;
        this.over = false;
      }
      HttpAttach2.prototype.start = function() {
        this.arm(this.verify ? this.host.probeTimeout() : this.host.openTimeout());
        this.t.start();
      };
      HttpAttach2.prototype.opened = function() {
        if (this.over)
          return;
        this.host.outbox.useHttp();
        if (!this.verify)
          return this.succeed();
        this.verifying = true;
        this.arm(this.host.probeTimeout());
        this.host.verifyPing();
      };
      HttpAttach2.prototype.pong = function() {
        if (this.verifying && !this.over)
          this.succeed();
      };
      HttpAttach2.prototype.fail = function() {
        if (this.over)
          return;
        this.abort();
        this.done(false);
      };
      HttpAttach2.prototype.abort = function() {
        if (this.over)
          return;
        this.finish();
        this.t.close();
      };
      HttpAttach2.prototype.succeed = function() {
        this.finish();
        this.host.downlinkAttached(this.t);
        this.done(true);
      };
      HttpAttach2.prototype.finish = function() {
        this.over = true;
        if (this.timer !== null)
          this.host.platform.clearTimeout(this.timer);
        this.timer = null;
      };
      HttpAttach2.prototype.arm = function(ms) {
        var _this = this;
        var platform = this.host.platform;
        if (this.timer !== null)
          platform.clearTimeout(this.timer);
        this.timer = platform.setTimeout(function() {
          _this.timer = null;
          _this.fail();
        }, ms);
      };
      return HttpAttach2;
    })()
  );

  // node_modules/.cache/tramline-es5/transports/transport.js
  function closeIn(packets) {
    for (var i2 = 0; i2 < packets.length; i2++) {
      var b = packets[i2].body;
      if (b.type === "close")
        return { code: b.code, reason: b.reason };
    }
    return null;
  }
  function upToClose(packets) {
    for (var i2 = 0; i2 < packets.length; i2++) {
      if (packets[i2].body.type === "close")
        return packets.slice(0, i2 + 1);
    }
    return packets;
  }
  function httpError(status, text) {
    var error;
    var message = "HTTP " + status;
    try {
      var body = JSON.parse(text);
      if (body && typeof body.error === "string")
        error = body.error;
      if (body && typeof body.message === "string")
        message = body.message;
    } catch (_e) {
    }
    var end = { kind: "http", status: status, message: message };
    if (error !== void 0)
      end.error = error;
    return end;
  }

  // node_modules/.cache/tramline-es5/transports/uplink.js
  function post(platform, url, body, timeout, withCredentials, done) {
    var finished = false;
    var status = 0;
    var text = "";
    var handle = null;
    var finish = function(r) {
      if (finished)
        return;
      finished = true;
      platform.clearTimeout(timer);
      done(r);
    };
    var timer = platform.setTimeout(function() {
      if (handle)
        handle.abort();
      finish({ ok: false, end: { kind: "error", message: "no answer within " + timeout + " ms" } });
    }, timeout);
    var request = platform.request;
    if (!request) {
      platform.setTimeout(function() {
        return finish({ ok: false, end: { kind: "error", message: "no HTTP request function" } });
      }, 0);
    } else {
      handle = request({
        method: "POST",
        url: url,
        body: body,
        withCredentials: withCredentials,
        onHeaders: function(s) {
          status = s;
        },
        onData: function(chunk) {
          text += chunk;
        },
        onEnd: function() {
          if (status === 200)
            finish({ ok: true, text: text });
          else
            finish({ ok: false, end: httpError(status, text) });
        },
        onError: function(message) {
          return finish({ ok: false, end: { kind: "error", message: message } });
        }
      });
    }
    return {
      abort: function() {
        if (finished)
          return;
        finished = true;
        platform.clearTimeout(timer);
        if (handle)
          handle.abort();
      }
    };
  }
  function sendResponseRx(text) {
    try {
      var body = JSON.parse(text);
      if (body && typeof body.rx === "number" && body.rx >= 0 && Math.floor(body.rx) === body.rx) {
        return body.rx;
      }
    } catch (_e) {
    }
    return null;
  }

  // node_modules/.cache/tramline-es5/outbox.js
  var Outbox = (
    /** @class */
    (function() {
      function Outbox2(s, hooks) {
        this.s = s;
        this.hooks = hooks;
        this.seq = 0;
        this.peerRx = 0;
        this.sentUpTo = 0;
        this.retained = [];
        this.control = [];
        this.uplink = null;
        this.postHandle = null;
        this.retryTimer = null;
        this.failures = 0;
        this.stopped = false;
        this.finalBatch = null;
        this.rxReported = 0;
        this.hold = false;
      }
      Object.defineProperty(Outbox2.prototype, "posting", {
        /** Whether a POST is in flight. */
        get: function() {
          return this.postHandle !== null;
        },
        enumerable: false,
        configurable: true
      });
      Object.defineProperty(Outbox2.prototype, "ready", {
        /** Whether sending is possible right now (an uplink is attached and not held). */
        get: function() {
          if (this.stopped || this.uplink === null)
            return false;
          if (this.uplink === "http")
            return !this.hold;
          return this.uplink.ready;
        },
        enumerable: false,
        configurable: true
      });
      Outbox2.prototype.size = function(body) {
        return utf8Length(encodeText({ seq: 1, body: body })) + 40;
      };
      Outbox2.prototype.pushSequenced = function(body) {
        this.seq++;
        this.retained.push({ seq: this.seq, body: body });
        this.flush();
        return this.seq;
      };
      Outbox2.prototype.pushControl = function(body) {
        this.control.push(body);
        this.flush();
      };
      Outbox2.prototype.acked = function(rx) {
        if (rx <= this.peerRx)
          return;
        this.peerRx = rx;
        var i2 = 0;
        while (i2 < this.retained.length && this.retained[i2].seq <= rx)
          i2++;
        if (i2 > 0)
          this.retained.splice(0, i2);
        if (this.sentUpTo < rx)
          this.sentUpTo = rx;
      };
      Outbox2.prototype.useWebsocket = function(ws) {
        this.uplink = ws;
        this.hold = false;
        this.sentUpTo = this.peerRx;
        this.flush();
      };
      Outbox2.prototype.useHttp = function() {
        if (this.uplink !== "http") {
          this.uplink = "http";
          this.sentUpTo = this.peerRx;
        }
        this.flush();
      };
      Outbox2.prototype.detach = function(ws) {
        if (this.uplink === ws)
          this.uplink = null;
      };
      Outbox2.prototype.unacked = function() {
        var out = [];
        for (var i2 = 0; i2 < this.retained.length; i2++)
          out.push(this.retained[i2].body);
        return out;
      };
      Outbox2.prototype.stamp = function(bodies, fromSeq) {
        var rx = this.hooks.rx();
        var out = [];
        for (var i2 = 0; i2 < bodies.length; i2++)
          out.push({ rx: rx, body: bodies[i2] });
        for (var i2 = 0; i2 < fromSeq.length; i2++)
          out.push({ seq: fromSeq[i2].seq, rx: rx, body: fromSeq[i2].body });
        if (rx > this.rxReported)
          this.rxReported = rx;
        return out;
      };
      Outbox2.prototype.unsent = function() {
        var out = [];
        for (var i2 = 0; i2 < this.retained.length; i2++) {
          if (this.retained[i2].seq > this.sentUpTo)
            out.push(this.retained[i2]);
        }
        return out;
      };
      Outbox2.prototype.flush = function() {
        if (this.stopped || this.uplink === null)
          return;
        if (this.uplink !== "http") {
          if (!this.uplink.ready)
            return;
          var seqd_1 = this.unsent();
          if (!seqd_1.length && !this.control.length)
            return;
          var packets_1 = this.stamp(this.control.splice(0, this.control.length), seqd_1);
          if (this.uplink.send(packets_1))
            this.sentUpTo = this.seq;
          return;
        }
        if (this.hold || this.postHandle || this.retryTimer !== null)
          return;
        var max = this.s.maxPayload;
        var controls = [];
        var seqd = [];
        var size = 0;
        while (this.control.length) {
          var len = this.size(this.control[0]) + 1;
          if (size && size + len > max)
            break;
          controls.push(this.control.shift());
          size += len;
        }
        var pending = this.unsent();
        for (var i2 = 0; i2 < pending.length; i2++) {
          var len = this.size(pending[i2].body) + 1;
          if (size && size + len > max)
            break;
          seqd.push(pending[i2]);
          size += len;
        }
        if (!controls.length && !seqd.length)
          return;
        var packets = this.stamp(controls, seqd);
        if (seqd.length)
          this.sentUpTo = seqd[seqd.length - 1].seq;
        this.postBatch(packets, controls, false);
      };
      Outbox2.prototype.postBatch = function(packets, controls, final) {
        var _this = this;
        var s = this.s;
        var url = s.endpoint.http("send", { sid: s.sid });
        this.postHandle = post(s.platform, url, encodeBatch(packets), s.timeout, s.withCredentials, function(r) {
          _this.postHandle = null;
          if (_this.finalBatch) {
            var last = _this.finalBatch;
            _this.finalBatch = null;
            _this.postBatch(last, [], true);
            return;
          }
          if (final || _this.stopped)
            return;
          if (r.ok) {
            _this.failures = 0;
            var rx = sendResponseRx(r.text);
            if (rx !== null)
              _this.acked(rx);
            _this.flush();
            _this.hooks.idle();
            return;
          }
          var status = r.end.status;
          if (status === 400 || status === 403 || status === 404 || status === 413) {
            _this.hooks.failed(r.end);
            return;
          }
          _this.control = controls.concat(_this.control);
          _this.sentUpTo = _this.peerRx;
          _this.failures++;
          var delay = Math.min(2e3, 100 * Math.pow(2, _this.failures));
          _this.retryTimer = s.platform.setTimeout(function() {
            _this.retryTimer = null;
            _this.flush();
          }, delay);
          _this.hooks.idle();
        });
      };
      Outbox2.prototype.finish = function(last) {
        if (this.stopped)
          return;
        var all = this.stamp(this.control.splice(0, this.control.length), this.unsent());
        all.push({ body: last });
        this.stop(false);
        if (this.uplink !== null && this.uplink !== "http") {
          this.uplink.send(all);
        } else if (this.postHandle) {
          this.finalBatch = all;
        } else if (this.s.platform.request) {
          this.postBatch(all, [], true);
        }
      };
      Outbox2.prototype.stop = function(abortPost) {
        if (abortPost === void 0) {
          abortPost = true;
        }
        this.stopped = true;
        if (this.retryTimer !== null)
          this.s.platform.clearTimeout(this.retryTimer);
        this.retryTimer = null;
        if (abortPost && this.postHandle) {
          var h = this.postHandle;
          this.postHandle = null;
          h.abort();
        }
      };
      return Outbox2;
    })()
  );

  // node_modules/.cache/tramline-es5/transports/polling.js
  var PollingTransport = (
    /** @class */
    (function() {
      function PollingTransport2(id, ctx, handler) {
        this.id = id;
        this.ctx = ctx;
        this.handler = handler;
        this.name = "polling";
        this.request = null;
        this.stopped = false;
        this.paused = false;
        this.opened = false;
        this.idle = null;
        this.retired = false;
      }
      Object.defineProperty(PollingTransport2.prototype, "inFlight", {
        /** Whether a GET is in flight. */
        get: function() {
          return this.request !== null;
        },
        enumerable: false,
        configurable: true
      });
      PollingTransport2.prototype.start = function() {
        this.poll();
      };
      PollingTransport2.prototype.pause = function(onIdle) {
        this.paused = true;
        this.idle = onIdle || null;
        if (!this.request && this.idle)
          this.fireIdle();
      };
      PollingTransport2.prototype.resume = function() {
        if (this.stopped || !this.paused)
          return;
        this.paused = false;
        this.idle = null;
        if (!this.request)
          this.poll();
      };
      PollingTransport2.prototype.retire = function() {
        this.retired = true;
        this.paused = true;
        this.idle = null;
        if (!this.request)
          this.stopped = true;
      };
      PollingTransport2.prototype.close = function() {
        this.stopped = true;
        this.idle = null;
        if (this.request) {
          var r = this.request;
          this.request = null;
          r.abort();
        }
      };
      PollingTransport2.prototype.fireIdle = function() {
        var idle = this.idle;
        this.idle = null;
        if (idle)
          idle();
      };
      PollingTransport2.prototype.end = function(end) {
        if (this.stopped)
          return;
        this.stopped = true;
        if (!this.retired)
          this.handler.closed(this, end);
      };
      PollingTransport2.prototype.poll = function() {
        var _this = this;
        if (this.stopped || this.paused)
          return;
        var ctx = this.ctx;
        var request = ctx.platform.request;
        if (!request) {
          this.end({ kind: "error", message: "no HTTP request function on this platform" });
          return;
        }
        var url = ctx.endpoint.http("polling", { sid: ctx.sid, rx: ctx.rx(), n: ctx.nextN() });
        var status = 0;
        var text = "";
        var finish = function(fn) {
          if (_this.request !== handle)
            return;
          _this.request = null;
          fn();
        };
        var handle = request({
          method: "GET",
          url: url,
          withCredentials: ctx.withCredentials,
          onHeaders: function(s) {
            status = s;
          },
          onData: function(chunk) {
            text += chunk;
          },
          onEnd: function() {
            return finish(function() {
              return _this.response(status, text);
            });
          },
          onError: function(message) {
            return finish(function() {
              return _this.end({ kind: "error", message: message });
            });
          }
        });
        this.request = handle;
        if (!this.opened) {
          this.opened = true;
          ctx.platform.setTimeout(function() {
            if (!_this.stopped && !_this.retired)
              _this.handler.open(_this);
          }, 0);
        }
      };
      PollingTransport2.prototype.response = function(status, text) {
        if (this.stopped)
          return;
        if (status !== 200) {
          this.end(httpError(status, text));
          return;
        }
        var packets;
        try {
          packets = upToClose(decodeBatch(text));
        } catch (e) {
          this.end({ kind: "malformed", message: isDecodeError(e) ? e.message : String(e) });
          return;
        }
        this.handler.packets(this, packets);
        if (this.stopped)
          return;
        var close = closeIn(packets);
        if (close) {
          this.end({ kind: "closed", code: close.code, message: close.reason });
          return;
        }
        if (this.retired) {
          this.stopped = true;
          return;
        }
        if (this.paused)
          this.fireIdle();
        else
          this.poll();
      };
      return PollingTransport2;
    })()
  );

  // node_modules/.cache/tramline-es5/probe.js
  var WebsocketProbe = (
    /** @class */
    (function() {
      function WebsocketProbe2(host, ws, done) {
        this.host = host;
        this.ws = ws;
        this.done = done;
        this.draining = false;
        this.sentAt = 0;
        this.timer = null;
        this.over = false;
        var current = host.current();
        this.polling = current instanceof PollingTransport ? current : null;
      }
      WebsocketProbe2.prototype.start = function() {
        this.arm(this.host.probeTimeout(), "no probe answer in time");
        this.ws.start();
      };
      WebsocketProbe2.prototype.opened = function() {
        if (this.over)
          return;
        this.sentAt = this.host.platform.now();
        this.ws.send([{ body: { type: "ping", probe: true } }]);
      };
      WebsocketProbe2.prototype.packets = function(packets) {
        for (var i2 = 0; i2 < packets.length && !this.over; i2++) {
          var b = packets[i2].body;
          if (b.type === "pong" && b.probe && !this.draining)
            this.answered();
        }
      };
      WebsocketProbe2.prototype.answered = function() {
        var _this = this;
        this.host.measured(this.host.platform.now() - this.sentAt);
        this.draining = true;
        this.host.outbox.hold = true;
        this.arm(this.host.drainTimeout(), "the old uplink or poll did not finish in time");
        if (this.polling)
          this.polling.pause(function() {
            return _this.tryUpgrade();
          });
        this.tryUpgrade();
      };
      WebsocketProbe2.prototype.tryUpgrade = function() {
        if (this.over || !this.draining)
          return;
        if (this.polling && this.polling.inFlight || this.host.outbox.posting)
          return;
        this.finish();
        var rx = this.host.rx();
        this.ws.send([{ rx: rx, body: { type: "upgrade" } }]);
        this.host.outbox.rxReported = Math.max(this.host.outbox.rxReported, rx);
        this.host.upgraded(this.ws);
        this.done(true);
      };
      WebsocketProbe2.prototype.fail = function(end) {
        if (this.over)
          return;
        this.abort();
        this.done(false, end);
      };
      WebsocketProbe2.prototype.abort = function() {
        if (this.over)
          return;
        this.finish();
        this.ws.close();
        this.host.outbox.hold = false;
        if (this.polling && this.host.current() === this.polling)
          this.polling.resume();
        this.host.outbox.flush();
      };
      WebsocketProbe2.prototype.finish = function() {
        this.over = true;
        if (this.timer !== null)
          this.host.platform.clearTimeout(this.timer);
        this.timer = null;
      };
      WebsocketProbe2.prototype.arm = function(ms, message) {
        var _this = this;
        var platform = this.host.platform;
        if (this.timer !== null)
          platform.clearTimeout(this.timer);
        this.timer = platform.setTimeout(function() {
          _this.timer = null;
          _this.fail({ kind: "error", message: message });
        }, ms);
      };
      return WebsocketProbe2;
    })()
  );

  // node_modules/.cache/tramline-es5/session-end.js
  function endsSession2(end, probing) {
    if (end.kind === "malformed")
      return true;
    if (end.kind === "closed" && end.code !== void 0) {
      if (end.code === CloseCode.REPLACED)
        return false;
      return !(probing && end.code === CloseCode.MALFORMED);
    }
    if (end.kind === "http")
      return end.status === 404 || end.status === 403;
    return false;
  }
  function sessionEndOf(end) {
    var code = end.code === void 0 ? CloseCode.MALFORMED : end.code;
    if (end.kind === "http") {
      code = end.status === 404 ? CloseCode.UNKNOWN_SESSION : end.status === 403 ? CloseCode.REJECTED : end.status === 413 ? CloseCode.PAYLOAD_TOO_LARGE : CloseCode.MALFORMED;
    }
    var name = closeCodeName(code);
    return { reason: name === "replaced" ? "unknown" : name, code: code, message: end.message };
  }

  // node_modules/.cache/tramline-es5/transports/sse.js
  var SseTransport = (
    /** @class */
    (function() {
      function SseTransport2(id, ctx, handler) {
        this.id = id;
        this.ctx = ctx;
        this.handler = handler;
        this.name = "sse";
        this.source = null;
        this.stopped = false;
      }
      SseTransport2.prototype.start = function() {
        var _this = this;
        var ctx = this.ctx;
        var Ctor = ctx.platform.EventSource;
        if (!Ctor) {
          ctx.platform.setTimeout(function() {
            return _this.end({ kind: "error", message: "no EventSource on this platform" });
          }, 0);
          return;
        }
        var url = ctx.endpoint.http("sse", { sid: ctx.sid, rx: ctx.rx(), n: ctx.nextN() });
        var source;
        try {
          source = new Ctor(url, { withCredentials: ctx.withCredentials });
        } catch (e) {
          var message_1 = e instanceof Error ? e.message : "EventSource failed";
          ctx.platform.setTimeout(function() {
            return _this.end({ kind: "error", message: message_1 });
          }, 0);
          return;
        }
        this.source = source;
        source.onopen = function() {
          if (!_this.stopped)
            _this.handler.open(_this);
        };
        source.onmessage = function(ev) {
          return _this.message(ev.data);
        };
        source.onerror = function() {
          return _this.end({ kind: "error", message: "the EventSource failed" });
        };
      };
      SseTransport2.prototype.close = function() {
        this.stopped = true;
        if (this.source) {
          var s = this.source;
          this.source = null;
          s.onopen = null;
          s.onmessage = null;
          s.onerror = null;
          s.close();
        }
      };
      SseTransport2.prototype.end = function(end) {
        if (this.stopped)
          return;
        this.close();
        this.handler.closed(this, end);
      };
      SseTransport2.prototype.message = function(data) {
        if (this.stopped)
          return;
        var p;
        try {
          p = decodeText(data);
        } catch (e) {
          this.end({ kind: "malformed", message: isDecodeError(e) ? e.message : String(e) });
          return;
        }
        this.handler.packets(this, [p]);
        if (p.body.type === "close") {
          this.end({ kind: "closed", code: p.body.code, message: p.body.reason });
        }
      };
      return SseTransport2;
    })()
  );

  // node_modules/.cache/tramline-es5/transports/streaming.js
  var RECYCLE_BYTES = 4 * 1024 * 1024;
  var StreamingTransport = (
    /** @class */
    (function() {
      function StreamingTransport2(id, ctx, handler) {
        this.id = id;
        this.ctx = ctx;
        this.handler = handler;
        this.name = "streaming";
        this.request = null;
        this.stopped = false;
        this.status = 0;
        this.buffer = "";
        this.received = 0;
      }
      StreamingTransport2.prototype.start = function() {
        var _this = this;
        var ctx = this.ctx;
        var request = ctx.platform.request;
        if (!request) {
          this.platformEnd();
          return;
        }
        var url = ctx.endpoint.http("streaming", { sid: ctx.sid, rx: ctx.rx(), n: ctx.nextN() });
        this.request = request({
          method: "GET",
          url: url,
          withCredentials: ctx.withCredentials,
          onHeaders: function(status) {
            _this.status = status;
            if (status === 200 && !_this.stopped)
              _this.handler.open(_this);
          },
          onData: function(text) {
            return _this.data(text);
          },
          onEnd: function() {
            if (_this.status !== 200)
              _this.end(httpError(_this.status, _this.buffer));
            else
              _this.end({ kind: "ended", message: "the streaming response ended" });
          },
          onError: function(message) {
            return _this.end({ kind: "error", message: message });
          }
        });
      };
      StreamingTransport2.prototype.close = function() {
        this.stopped = true;
        if (this.request) {
          var r = this.request;
          this.request = null;
          r.abort();
        }
      };
      StreamingTransport2.prototype.platformEnd = function() {
        var _this = this;
        this.ctx.platform.setTimeout(function() {
          return _this.end({ kind: "error", message: "no HTTP request function on this platform" });
        }, 0);
      };
      StreamingTransport2.prototype.end = function(end) {
        if (this.stopped)
          return;
        this.close();
        this.handler.closed(this, end);
      };
      StreamingTransport2.prototype.data = function(text) {
        if (this.stopped)
          return;
        this.buffer += text;
        if (this.status !== 200)
          return;
        this.received += text.length;
        var packets = [];
        var close = null;
        var nl = this.buffer.indexOf("\n");
        while (nl >= 0 && !close) {
          var line = this.buffer.substring(0, nl);
          this.buffer = this.buffer.substring(nl + 1);
          nl = this.buffer.indexOf("\n");
          if (/^\s*$/.test(line))
            continue;
          var p = void 0;
          try {
            p = decodeText(line);
          } catch (e) {
            if (packets.length)
              this.handler.packets(this, packets);
            this.end({ kind: "malformed", message: isDecodeError(e) ? e.message : String(e) });
            return;
          }
          packets.push(p);
          if (p.body.type === "close")
            close = { code: p.body.code, reason: p.body.reason };
        }
        if (packets.length)
          this.handler.packets(this, packets);
        if (close)
          this.end({ kind: "closed", code: close.code, message: close.reason });
        else if (this.received > RECYCLE_BYTES && this.buffer === "") {
          this.end({ kind: "ended", message: "recycled a long streaming response" });
        }
      };
      return StreamingTransport2;
    })()
  );

  // node_modules/.cache/tramline-es5/transports/websocket.js
  var OPEN = 1;
  var WebSocketTransport = (
    /** @class */
    (function() {
      function WebSocketTransport2(id, ctx, handler, query) {
        this.id = id;
        this.ctx = ctx;
        this.handler = handler;
        this.query = query;
        this.name = "websocket";
        this.socket = null;
        this.stopped = false;
      }
      WebSocketTransport2.prototype.start = function() {
        var _this = this;
        var Ctor = this.ctx.platform.WebSocket;
        if (!Ctor) {
          this.later({ kind: "error", message: "no WebSocket on this platform" });
          return;
        }
        var ws;
        try {
          ws = new Ctor(this.ctx.endpoint.ws(this.query));
        } catch (e) {
          this.later({ kind: "error", message: e instanceof Error ? e.message : "WebSocket failed" });
          return;
        }
        this.socket = ws;
        ws.binaryType = "arraybuffer";
        ws.onopen = function() {
          if (!_this.stopped)
            _this.handler.open(_this);
        };
        ws.onmessage = function(ev) {
          return _this.message(ev.data);
        };
        ws.onerror = function() {
          return _this.end({ kind: "error", message: "the WebSocket failed" });
        };
        ws.onclose = function(ev) {
          var code = ev && typeof ev.code === "number" ? ev.code : 0;
          if (code >= 4e3 && code <= 4999) {
            _this.end({ kind: "closed", code: code, message: ev.reason || "closed with " + code });
          } else {
            _this.end({ kind: "error", message: "the WebSocket closed (" + code + ")" });
          }
        };
      };
      Object.defineProperty(WebSocketTransport2.prototype, "ready", {
        /** Whether the socket is open (sending is possible). */
        get: function() {
          return !this.stopped && this.socket !== null && this.socket.readyState === OPEN;
        },
        enumerable: false,
        configurable: true
      });
      WebSocketTransport2.prototype.send = function(packets) {
        var ws = this.socket;
        if (!this.ready || !ws)
          return false;
        var max = this.ctx.maxPayload;
        var text = "";
        var size = 0;
        try {
          for (var i2 = 0; i2 < packets.length; i2++) {
            var m = encodeWebsocket(packets[i2]);
            if (typeof m !== "string") {
              if (text)
                ws.send(text);
              text = "";
              size = 0;
              ws.send(m);
              continue;
            }
            var len = utf8Length(m);
            if (text && size + 1 + len > max) {
              ws.send(text);
              text = "";
              size = 0;
            }
            text = text ? text + "\n" + m : m;
            size = text === m ? len : size + 1 + len;
          }
          if (text)
            ws.send(text);
        } catch (e) {
          this.end({ kind: "error", message: e instanceof Error ? e.message : "send failed" });
          return false;
        }
        return true;
      };
      WebSocketTransport2.prototype.close = function(code, reason) {
        this.stopped = true;
        var ws = this.socket;
        if (!ws)
          return;
        this.socket = null;
        ws.onopen = null;
        ws.onmessage = null;
        ws.onclose = null;
        ws.onerror = function() {
          return void 0;
        };
        try {
          ws.close(code || 1e3, reason || "");
        } catch (_e) {
          try {
            ws.close();
          } catch (_e2) {
          }
        }
      };
      WebSocketTransport2.prototype.later = function(end) {
        var _this = this;
        this.ctx.platform.setTimeout(function() {
          return _this.end(end);
        }, 0);
      };
      WebSocketTransport2.prototype.end = function(end) {
        if (this.stopped)
          return;
        this.close();
        this.handler.closed(this, end);
      };
      WebSocketTransport2.prototype.message = function(data) {
        if (this.stopped)
          return;
        var packets;
        try {
          if (typeof data === "string") {
            packets = upToClose(decodeBatch(data));
          } else if (data instanceof ArrayBuffer) {
            packets = [decodeBinaryFrame(new Uint8Array(data))];
          } else if (data instanceof Uint8Array) {
            packets = [decodeBinaryFrame(data)];
          } else {
            return;
          }
        } catch (e) {
          this.end({ kind: "malformed", message: isDecodeError(e) ? e.message : String(e) });
          return;
        }
        this.handler.packets(this, packets);
        var close = closeIn(packets);
        if (close)
          this.end({ kind: "closed", code: close.code, message: close.reason });
      };
      return WebSocketTransport2;
    })()
  );

  // node_modules/.cache/tramline-es5/connection.js
  var __assign = function() {
    __assign = Object.assign || function(t) {
      for (var s, i2 = 1, n = arguments.length; i2 < n; i2++) {
        s = arguments[i2];
        for (var p in s) if (Object.prototype.hasOwnProperty.call(s, p))
          t[p] = s[p];
      }
      return t;
    };
    return __assign.apply(this, arguments);
  };
  var Connection = (
    /** @class */
    (function() {
      function Connection2(platform, endpoint, handshake, settings, events, rtt) {
        var _this = this;
        this.platform = platform;
        this.handshake = handshake;
        this.settings = settings;
        this.events = events;
        this.transport = null;
        this.lost = function() {
          return void 0;
        };
        this.received = 0;
        this.ended = false;
        this.n = 0;
        this.ids = 0;
        this.downlink = null;
        this.attempt = null;
        this.probe = null;
        this.retired = [];
        this.liveness = null;
        this.pingSentAt = 0;
        this.sid = handshake.sid;
        this.rtt = rtt;
        this.lastHeard = platform.now();
        var common = { platform: platform, endpoint: endpoint, sid: handshake.sid, withCredentials: settings.withCredentials, maxPayload: handshake.maxPayload };
        this.ctx = __assign(__assign({}, common), { rx: function() {
          return _this.received;
        }, nextN: function() {
          return _this.probe ? _this.n : ++_this.n;
        } });
        this.outbox = new Outbox(__assign(__assign({}, common), { timeout: handshake.pingTimeout + settings.connectTimeout }), {
          rx: function() {
            return _this.received;
          },
          failed: function(end) {
            return _this.endWith(end);
          },
          idle: function() {
            if (_this.probe)
              _this.probe.tryUpgrade();
          }
        });
      }
      Connection2.prototype.probeTimeout = function() {
        return Math.max(this.settings.probeTimeout, 4 * this.rtt);
      };
      Object.defineProperty(Connection2.prototype, "isClosed", {
        /** Whether the session is over. */
        get: function() {
          return this.ended;
        },
        enumerable: false,
        configurable: true
      });
      Object.defineProperty(Connection2.prototype, "switching", {
        /** Whether a switch (probe or attach) is in progress. */
        get: function() {
          return this.attempt !== null || this.probe !== null;
        },
        enumerable: false,
        configurable: true
      });
      Object.defineProperty(Connection2.prototype, "attached", {
        /** Whether a downlink is attached now. */
        get: function() {
          return this.downlink !== null;
        },
        enumerable: false,
        configurable: true
      });
      Object.defineProperty(Connection2.prototype, "deliverable", {
        /** Whether a packet sent now goes out at once (for volatile emits). */
        get: function() {
          return !this.ended && this.downlink !== null && this.outbox.ready;
        },
        enumerable: false,
        configurable: true
      });
      Connection2.prototype.sendBody = function(body) {
        if (this.ended || this.outbox.size(body) > this.handshake.maxPayload)
          return false;
        this.outbox.pushSequenced(body);
        return true;
      };
      Connection2.prototype.sendEvent = function(name, args, ack) {
        return this.sendBody(ack === void 0 ? { type: "event", name: name, args: args } : { type: "event", name: name, args: args, ack: ack });
      };
      Connection2.prototype.sendAck = function(id, args) {
        if (this.sendBody({ type: "ack", id: id, args: args }))
          return true;
        this.sendAckError(id, { code: "payload-too-large", message: "the ack is larger than maxPayload" });
        return false;
      };
      Connection2.prototype.sendAckError = function(id, error) {
        this.sendBody({ type: "ack", id: id, error: error });
      };
      Connection2.prototype.unackedEvents = function() {
        var out = [];
        var bodies = this.outbox.unacked();
        for (var i2 = 0; i2 < bodies.length; i2++) {
          var b = bodies[i2];
          if (b.type !== "event")
            continue;
          out.push(b.ack === void 0 ? { name: b.name, args: b.args } : { name: b.name, args: b.args, ack: b.ack });
        }
        return out;
      };
      Connection2.prototype.close = function(reason) {
        if (this.ended)
          return;
        this.ended = true;
        this.outbox.finish({ type: "close", code: CloseCode.NORMAL, reason: reason || "client close" });
        this.teardown(false, CloseCode.NORMAL);
      };
      Connection2.prototype.adoptWebsocket = function(ws) {
        ws.handler = this;
        this.downlink = ws;
        this.outbox.useWebsocket(ws);
        this.commit("websocket");
      };
      Connection2.prototype.attachHttp = function(kind, verify, done) {
        var _this = this;
        if (this.ended)
          return done(false);
        this.abortSwitch();
        this.retire(this.downlink);
        this.downlink = null;
        this.clearLiveness();
        var id = ++this.ids;
        var t = kind === "sse" ? new SseTransport(id, this.ctx, this) : kind === "streaming" ? new StreamingTransport(id, this.ctx, this) : new PollingTransport(id, this.ctx, this);
        var attempt = new HttpAttach(this, t, verify, function(ok) {
          if (_this.attempt === attempt)
            _this.attempt = null;
          if (!_this.ended)
            done(ok);
        });
        this.attempt = attempt;
        attempt.start();
      };
      Connection2.prototype.upgradeWebsocket = function(done) {
        var _this = this;
        if (this.ended)
          return done(false);
        this.abortSwitch();
        var ws = new WebSocketTransport(++this.ids, this.ctx, this, { sid: this.sid, rx: this.received, n: ++this.n });
        var probe = new WebsocketProbe(this, ws, function(ok) {
          if (_this.probe === probe)
            _this.probe = null;
          if (!_this.ended)
            done(ok);
        });
        this.probe = probe;
        probe.start();
      };
      Connection2.prototype.abortSwitch = function() {
        var p = this.probe;
        var a = this.attempt;
        this.probe = null;
        this.attempt = null;
        if (p)
          p.abort();
        if (a)
          a.abort();
      };
      Connection2.prototype.current = function() {
        return this.downlink;
      };
      Connection2.prototype.rx = function() {
        return this.received;
      };
      Connection2.prototype.drainTimeout = function() {
        return this.probeTimeout() + this.handshake.pingTimeout + this.settings.connectTimeout;
      };
      Connection2.prototype.openTimeout = function() {
        return this.settings.connectTimeout;
      };
      Connection2.prototype.measured = function(rtt) {
        this.rtt = rtt;
      };
      Connection2.prototype.verifyPing = function() {
        this.pingSentAt = this.platform.now();
        this.outbox.pushControl({ type: "ping", probe: false });
      };
      Connection2.prototype.upgraded = function(ws) {
        this.probe = null;
        var old = this.downlink;
        this.downlink = ws;
        if (old)
          old.close();
        this.outbox.useWebsocket(ws);
        this.commit("websocket");
      };
      Connection2.prototype.downlinkAttached = function(t) {
        this.attempt = null;
        this.downlink = t;
        this.commit(t.name);
      };
      Connection2.prototype.open = function(t) {
        if (this.ended)
          return;
        if (this.attempt && this.attempt.t === t)
          this.attempt.opened();
        else if (this.probe && this.probe.ws === t)
          this.probe.opened();
      };
      Connection2.prototype.packets = function(t, packets) {
        if (this.ended)
          return;
        if (this.probe && this.probe.ws === t)
          return this.probe.packets(packets);
        this.receive(t, packets);
      };
      Connection2.prototype.closed = function(t, end) {
        if (this.ended)
          return;
        var a = this.attempt;
        var p = this.probe;
        var role = t === this.downlink ? "current" : a && a.t === t ? "attempt" : p && p.ws === t ? "probe" : null;
        if (role === null)
          return;
        if (endsSession2(end, role === "probe"))
          return this.endWith(end);
        if (role === "attempt" && a)
          a.fail();
        else if (role === "probe" && p)
          p.fail(end);
        else
          this.downlinkDied(end);
      };
      Connection2.prototype.receive = function(t, packets) {
        if (t === this.downlink)
          this.heard();
        if (packets.length)
          this.lastHeard = this.platform.now();
        for (var i2 = 0; i2 < packets.length && !this.ended; i2++) {
          var p = packets[i2];
          var b = p.body;
          if (p.rx !== void 0)
            this.outbox.acked(p.rx);
          if (b.type === "event" || b.type === "ack" || b.type === "error") {
            var seq = p.seq;
            if (seq <= this.received)
              continue;
            if (seq !== this.received + 1)
              return this.fail("sequence gap: got " + seq + " after " + this.received);
            this.received = seq;
            if (this.received - this.outbox.rxReported >= ACK_EVERY)
              this.outbox.pushControl({ type: "noop" });
            if (b.type === "event")
              this.events.event(b.name, b.args, b.ack);
            else if (b.type === "ack")
              this.events.ack(b.id, b.args, b.error);
            else
              this.events.error(b.code, b.message);
          } else if (b.type === "ping" && !b.probe) {
            this.outbox.pushControl({ type: "pong", probe: false });
          } else if (b.type === "pong" && !b.probe) {
            if (this.pingSentAt)
              this.rtt = this.platform.now() - this.pingSentAt;
            this.pingSentAt = 0;
            if (this.attempt && this.attempt.t === t)
              this.attempt.pong();
          }
        }
      };
      Connection2.prototype.commit = function(name) {
        this.heard();
        if (this.transport !== name) {
          this.transport = name;
          this.events.transport(name);
        }
      };
      Connection2.prototype.downlinkDied = function(end) {
        var t = this.downlink;
        if (!t)
          return;
        this.downlink = null;
        this.clearLiveness();
        this.abortSwitch();
        t.close();
        if (t instanceof WebSocketTransport)
          this.outbox.detach(t);
        this.lost(t.name, end);
      };
      Connection2.prototype.retire = function(t) {
        if (!t)
          return;
        if (t instanceof PollingTransport) {
          t.retire();
          this.retired.push(t);
          if (this.retired.length > 4)
            this.retired.shift().close();
        } else {
          t.close();
          if (t instanceof WebSocketTransport)
            this.outbox.detach(t);
        }
      };
      Connection2.prototype.heard = function() {
        var _this = this;
        this.clearLiveness();
        var t = this.downlink;
        if (!t || this.ended)
          return;
        var h = this.handshake;
        this.liveness = this.platform.setTimeout(function() {
          _this.liveness = null;
          if (_this.downlink === t) {
            _this.closed(t, { kind: "error", message: "nothing from the server for pingInterval + pingTimeout" });
          }
        }, h.pingInterval + h.pingTimeout);
      };
      Connection2.prototype.clearLiveness = function() {
        if (this.liveness !== null)
          this.platform.clearTimeout(this.liveness);
        this.liveness = null;
      };
      Connection2.prototype.fail = function(message) {
        if (this.ended)
          return;
        this.ended = true;
        this.outbox.finish({ type: "close", code: CloseCode.MALFORMED, reason: message });
        this.teardown(false, CloseCode.MALFORMED);
        this.events.ended({ reason: "malformed", code: CloseCode.MALFORMED, message: message });
      };
      Connection2.prototype.lose = function(message) {
        this.finish({ reason: "connection-lost", code: null, message: message });
      };
      Connection2.prototype.endWith = function(end) {
        if (end.kind === "malformed")
          this.fail(end.message);
        else
          this.finish(sessionEndOf(end));
      };
      Connection2.prototype.finish = function(end) {
        if (this.ended)
          return;
        this.ended = true;
        this.teardown(true, 1e3);
        this.events.ended(end);
      };
      Connection2.prototype.teardown = function(stopOutbox, wsCode) {
        if (stopOutbox)
          this.outbox.stop();
        this.abortSwitch();
        this.clearLiveness();
        var current = this.downlink;
        this.downlink = null;
        if (current instanceof WebSocketTransport)
          current.close(wsCode);
        else if (current)
          current.close();
        for (var i2 = 0; i2 < this.retired.length; i2++)
          this.retired[i2].close();
        this.retired = [];
      };
      return Connection2;
    })()
  );

  // node_modules/.cache/tramline-es5/negotiate.js
  var PROBE_RETRIES = 3;
  var Negotiator = (
    /** @class */
    (function() {
      function Negotiator2(platform, endpoint, settings, memory) {
        var _this = this;
        this.platform = platform;
        this.endpoint = endpoint;
        this.settings = settings;
        this.memory = memory;
        this.conn = null;
        this.app = null;
        this.done = null;
        this.opened = false;
        this.stopped = false;
        this.job = 0;
        this.losses = 0;
        this.heardAtLoss = 0;
        this.kinds = [];
        this.remembered = null;
        this.probeFailures = 0;
        this.timers = [];
        this.cancelOpen = null;
        this.events = {
          event: function(name, args, ack) {
            if (_this.app)
              _this.app.event(name, args, ack);
          },
          ack: function(id, args, error) {
            if (_this.app)
              _this.app.ack(id, args, error);
          },
          error: function(code, message) {
            if (_this.app)
              _this.app.error(code, message);
          },
          transport: function(name) {
            if (_this.opened && _this.app)
              _this.app.transport(name);
          },
          ended: function(end) {
            if (!_this.opened) {
              _this.openFailed(makeError(end.reason === "rejected" ? "rejected" : "connect-failed", end.message));
              return;
            }
            _this.stop();
            if (_this.app)
              _this.app.ended(end);
          }
        };
      }
      Negotiator2.prototype.open = function(app, done) {
        this.app = app;
        this.done = done;
        var usable = usableTransports(this.settings.transports, this.platform);
        if (!usable.length) {
          var names = this.settings.transports.join(", ");
          return this.openFailed(makeError("no-transport", "none of " + names + " works on this platform"));
        }
        var http = usable.filter(function(k) {
          return k !== "websocket";
        });
        this.remembered = this.settings.rememberTransport && usable.length > 1 ? this.memory.get() : null;
        if (usable[0] === "websocket" && (!http.length || this.remembered === "websocket")) {
          this.openWebsocket(usable, http.length > 0);
        } else {
          this.openHttp(usable);
        }
      };
      Negotiator2.prototype.stop = function() {
        this.stopped = true;
        this.done = null;
        this.job++;
        this.clearTimers();
        if (this.cancelOpen)
          this.cancelOpen();
        this.cancelOpen = null;
      };
      Negotiator2.prototype.openFailed = function(err) {
        var done = this.done;
        this.stop();
        if (done)
          done(err, null);
      };
      Negotiator2.prototype.openSucceeded = function(conn) {
        var _this = this;
        var done = this.done;
        if (!done || this.stopped)
          return;
        this.done = null;
        this.cancelOpen = null;
        this.opened = true;
        conn.lost = function(name, end) {
          return _this.lost(name, end);
        };
        done(null, conn);
      };
      Negotiator2.prototype.newConnection = function(h, started) {
        var conn = new Connection(this.platform, this.endpoint, h, this.settings, this.events, this.platform.now() - started);
        this.conn = conn;
        return conn;
      };
      Negotiator2.prototype.connectBody = function() {
        var auth = this.settings.auth;
        return auth === void 0 ? { type: "connect" } : { type: "connect", auth: auth };
      };
      Negotiator2.prototype.openWebsocket = function(usable, httpFallback) {
        var _this = this;
        var started = this.platform.now();
        var ctx = {
          platform: this.platform,
          endpoint: this.endpoint,
          sid: "",
          withCredentials: this.settings.withCredentials,
          maxPayload: 1048576,
          rx: function() {
            return 0;
          },
          nextN: function() {
            return 0;
          }
        };
        var finished = false;
        var failed = function(end) {
          if (finished)
            return;
          finished = true;
          _this.clearTimers();
          ws.close();
          if (end.kind === "closed" && end.code === 4403) {
            _this.openFailed(makeError("rejected", end.message));
          } else if (httpFallback && !_this.stopped) {
            _this.memory.forget();
            _this.remembered = null;
            _this.openHttp(usable);
          } else {
            _this.openFailed(makeError("connect-failed", "websocket: " + end.message));
          }
        };
        var ws = new WebSocketTransport(0, ctx, {
          open: function() {
            ws.send([{ body: _this.connectBody() }]);
          },
          packets: function(_t, packets) {
            if (finished)
              return;
            var first = packets[0].body;
            if (first.type === "close")
              return;
            if (first.type !== "open") {
              return failed({ kind: "malformed", message: "expected an open packet, got " + first.type });
            }
            finished = true;
            _this.clearTimers();
            var h = first.handshake;
            if (h.version !== PROTOCOL_VERSION) {
              ws.close();
              return _this.openFailed(makeError("unsupported-version", "the server speaks protocol version " + h.version));
            }
            ctx.maxPayload = h.maxPayload;
            var conn = _this.newConnection(h, started);
            _this.kinds = sessionKinds(usable, h);
            conn.adoptWebsocket(ws);
            _this.openSucceeded(conn);
            _this.remember("websocket");
            if (packets.length > 1)
              conn.packets(ws, packets.slice(1));
          },
          closed: function(_t, end) {
            return failed(end);
          }
        });
        this.later(this.settings.connectTimeout, function() {
          return failed({ kind: "error", message: "no open packet in time" });
        });
        this.cancelOpen = function() {
          finished = true;
          ws.close();
        };
        ws.start();
      };
      Negotiator2.prototype.openHttp = function(usable) {
        var _this = this;
        var started = this.platform.now();
        var http = usable.filter(function(k) {
          return k !== "websocket";
        });
        var first = http[http.length - 1] || "polling";
        var url = this.endpoint.http("open", { transport: first });
        var body = encodeText({ body: this.connectBody() });
        var handle = post(this.platform, url, body, this.settings.connectTimeout, this.settings.withCredentials, function(r) {
          _this.cancelOpen = null;
          if (_this.stopped)
            return;
          if (!r.ok) {
            var end = r.end;
            var rejected = end.status === 403;
            var code = rejected ? "rejected" : "connect-failed";
            return _this.openFailed(makeError(code, (end.error ? end.error + ": " : "") + end.message, end.status));
          }
          var h;
          try {
            var p = decodeText(r.text);
            if (p.body.type !== "open")
              throw new Error("expected an open packet, got " + p.body.type);
            h = p.body.handshake;
          } catch (e) {
            var message = isDecodeError(e) || e instanceof Error ? e.message : String(e);
            return _this.openFailed(makeError("connect-failed", "bad handshake: " + message));
          }
          if (h.version !== PROTOCOL_VERSION) {
            return _this.openFailed(makeError("unsupported-version", "the server speaks protocol version " + h.version));
          }
          var conn = _this.newConnection(h, started);
          _this.kinds = sessionKinds(usable, h);
          var httpKinds = _this.kinds.filter(function(k) {
            return k !== "websocket";
          });
          var opening = httpKinds[httpKinds.length - 1];
          if (!opening) {
            if (_this.kinds.indexOf("websocket") < 0) {
              conn.lose("no transport in common with the server");
              return;
            }
            conn.upgradeWebsocket(function(ok) {
              if (ok)
                _this.openSucceeded(conn);
              else
                conn.lose("the websocket probe failed");
            });
            return;
          }
          conn.attachHttp(opening, false, function(ok) {
            if (!ok)
              return conn.lose(opening + " did not open");
            _this.openSucceeded(conn);
            _this.startUpgrades(conn, opening);
          });
        });
        this.cancelOpen = function() {
          return handle.abort();
        };
      };
      Negotiator2.prototype.startUpgrades = function(conn, opening) {
        var _this = this;
        var candidates = better(this.kinds, opening);
        var r = this.remembered;
        if (r && r !== "websocket" && this.kinds.indexOf(r) >= 0) {
          candidates = candidates.filter(function(k) {
            return _this.kinds.indexOf(k) >= _this.kinds.indexOf(r);
          });
        }
        if (!candidates.length) {
          this.remember(opening);
          return;
        }
        this.later(0, function() {
          return _this.upgrade(conn, candidates, opening, true);
        });
      };
      Negotiator2.prototype.upgrade = function(conn, candidates, base, remember) {
        var _this = this;
        var job = ++this.job;
        var stale = function() {
          return job !== _this.job || conn.isClosed;
        };
        var step = function(i2) {
          if (stale())
            return;
          if (i2 >= candidates.length) {
            if (remember && conn.transport)
              _this.remember(conn.transport);
            return;
          }
          var k = candidates[i2];
          var next = function(ok) {
            if (stale())
              return;
            if (ok) {
              if (remember)
                _this.remember(k);
              return;
            }
            if (k === "websocket") {
              if (_this.probeFailures < PROBE_RETRIES) {
                var wait = conn.handshake.pingInterval * Math.pow(2, _this.probeFailures++);
                remember = false;
                _this.later(wait, function() {
                  return _this.reupgrade(conn);
                });
              }
              return step(i2 + 1);
            }
            conn.attachHttp(base, false, function(back) {
              if (stale())
                return;
              if (back)
                step(i2 + 1);
              else
                _this.lost(base, { kind: "error", message: base + " could not be attached again" });
            });
          };
          if (k === "websocket")
            conn.upgradeWebsocket(next);
          else
            conn.attachHttp(k, true, next);
        };
        step(0);
      };
      Negotiator2.prototype.remember = function(name) {
        if (this.settings.rememberTransport)
          this.memory.set(name);
      };
      Negotiator2.prototype.lost = function(name, end) {
        var _this = this;
        var conn = this.conn;
        if (!conn || conn.isClosed || this.stopped)
          return;
        var job = ++this.job;
        var stale = function() {
          return job !== _this.job || conn.isClosed;
        };
        var i2 = this.kinds.indexOf(name);
        var order = this.kinds.slice(i2 + 1);
        if (end.kind === "ended" && name !== "websocket")
          order = [name].concat(order);
        if (!order.length)
          order = [name];
        var h = conn.handshake;
        var deadline = conn.lastHeard + h.pingInterval + h.pingTimeout;
        if (conn.lastHeard > this.heardAtLoss)
          this.losses = 0;
        this.heardAtLoss = conn.lastHeard;
        var backoff = function() {
          return Math.min(2e3, 100 * Math.pow(2, _this.losses++));
        };
        var step = function(j) {
          if (stale())
            return;
          var k = order[j];
          var last = j === order.length - 1;
          var next = function(ok) {
            if (stale())
              return;
            if (ok) {
              if (k !== _this.kinds[0])
                _this.later(h.pingInterval, function() {
                  return _this.reupgrade(conn);
                });
              return;
            }
            if (!last)
              return step(j + 1);
            retry(j);
          };
          if (k === "websocket")
            conn.upgradeWebsocket(next);
          else
            conn.attachHttp(k, !last && k !== "polling", next);
        };
        var retry = function(j) {
          var left = deadline - _this.platform.now();
          if (left <= 0)
            return conn.lose("could not re-attach the session within its grace period");
          _this.later(Math.min(left, backoff()), function() {
            if (!stale())
              step(j);
          });
        };
        if (this.losses === 0) {
          this.losses++;
          step(0);
        } else {
          retry(0);
        }
      };
      Negotiator2.prototype.reupgrade = function(conn) {
        var current = conn.transport;
        if (conn.isClosed || conn.switching || !conn.attached || !current || current === "websocket")
          return;
        var candidates = better(this.kinds, current);
        if (candidates.length)
          this.upgrade(conn, candidates, current, true);
      };
      Negotiator2.prototype.later = function(ms, fn) {
        var _this = this;
        var handle = this.platform.setTimeout(function() {
          var i2 = _this.timers.indexOf(handle);
          if (i2 >= 0)
            _this.timers.splice(i2, 1);
          if (!_this.stopped)
            fn();
        }, ms);
        this.timers.push(handle);
      };
      Negotiator2.prototype.clearTimers = function() {
        for (var i2 = 0; i2 < this.timers.length; i2++)
          this.platform.clearTimeout(this.timers[i2]);
        this.timers = [];
      };
      return Negotiator2;
    })()
  );

  // node_modules/.cache/tramline-es5/types.js
  var RESERVED_EVENTS = [
    "connect",
    "disconnect",
    "connect_error",
    "reconnect_attempt",
    "reconnect",
    "transport",
    "error"
  ];

  // node_modules/.cache/tramline-es5/socket.js
  var __spreadArray = function(to, from, pack) {
    if (pack || arguments.length === 2) for (var i2 = 0, l = from.length, ar; i2 < l; i2++) {
      if (ar || !(i2 in from)) {
        if (!ar) ar = Array.prototype.slice.call(from, 0, i2);
        ar[i2] = from[i2];
      }
    }
    return to.concat(ar || Array.prototype.slice.call(from));
  };
  function popCallback(args) {
    return typeof args[args.length - 1] === "function" ? args.pop() : void 0;
  }
  var Socket = (
    /** @class */
    (function() {
      function Socket2(endpoint, settings, platform) {
        var _this = this;
        this.endpoint = endpoint;
        this.settings = settings;
        this.platform = platform;
        this.state = "connecting";
        this.conn = null;
        this.negotiator = null;
        this.offline = [];
        this.acks = {};
        this.nextAck = 1;
        this.retryTimer = null;
        this.emitter = new Emitter(function(e) {
          return platform.setTimeout(function() {
            throw e;
          }, 0);
        });
        this.backoff = new Backoff(settings.reconnect, function() {
          return platform.random();
        });
        this.memory = new TransportMemory(platform.storage, endpoint.base, function() {
          return platform.now();
        });
        this.volatile = {
          emit: function(name) {
            var args = [];
            for (var _i = 1; _i < arguments.length; _i++) {
              args[_i - 1] = arguments[_i];
            }
            _this.checkName(name);
            var conn = _this.conn;
            if (_this.state !== "connected" || !conn || !conn.deliverable)
              return false;
            return conn.sendEvent(name, packArgs(args));
          }
        };
        platform.setTimeout(function() {
          return _this.open();
        }, 0);
      }
      Object.defineProperty(Socket2.prototype, "id", {
        /** The session id, while connected. */
        get: function() {
          return this.conn ? this.conn.sid : void 0;
        },
        enumerable: false,
        configurable: true
      });
      Object.defineProperty(Socket2.prototype, "connected", {
        /** Whether a session is open. */
        get: function() {
          return this.state === "connected";
        },
        enumerable: false,
        configurable: true
      });
      Object.defineProperty(Socket2.prototype, "transport", {
        /** The current transport, while connected. */
        get: function() {
          return this.conn && this.conn.transport ? this.conn.transport : void 0;
        },
        enumerable: false,
        configurable: true
      });
      Socket2.prototype.on = function(name, listener) {
        this.emitter.on(name, listener);
        return this;
      };
      Socket2.prototype.once = function(name, listener) {
        this.emitter.on(name, listener, true);
        return this;
      };
      Socket2.prototype.off = function(name, listener) {
        if (name === void 0)
          this.emitter.clear();
        else
          this.emitter.off(name, listener);
        return this;
      };
      Socket2.prototype.emit = function(name) {
        var _this = this;
        var args = [];
        for (var _i = 1; _i < arguments.length; _i++) {
          args[_i - 1] = arguments[_i];
        }
        var t = this.settings.ackTimeout;
        if (t !== void 0)
          return this.timedEmit(name, args, t);
        var cb = popCallback(args);
        this.post(name, args, cb && (function(err, values) {
          return err ? _this.local("error", [err]) : cb.apply(void 0, values);
        }), 0);
        return this;
      };
      Socket2.prototype.send = function() {
        var args = [];
        for (var _i = 0; _i < arguments.length; _i++) {
          args[_i] = arguments[_i];
        }
        return this.emit.apply(this, __spreadArray(["message"], args, false));
      };
      Socket2.prototype.emitWithAck = function(name) {
        var args = [];
        for (var _i = 1; _i < arguments.length; _i++) {
          args[_i - 1] = arguments[_i];
        }
        var t = this.settings.ackTimeout;
        return this.withAck(name, args, t === void 0 ? 1e4 : t);
      };
      Socket2.prototype.timeout = function(ms) {
        var _this = this;
        return {
          emit: function(name) {
            var args = [];
            for (var _i = 1; _i < arguments.length; _i++) {
              args[_i - 1] = arguments[_i];
            }
            return void _this.timedEmit(name, args, ms);
          },
          emitWithAck: function(name) {
            var args = [];
            for (var _i = 1; _i < arguments.length; _i++) {
              args[_i - 1] = arguments[_i];
            }
            return _this.withAck(name, args, ms);
          }
        };
      };
      Socket2.prototype.close = function() {
        if (this.state === "closed")
          return this;
        var wasConnected = this.state === "connected";
        this.state = "closed";
        if (this.retryTimer !== null)
          this.platform.clearTimeout(this.retryTimer);
        this.retryTimer = null;
        if (this.negotiator)
          this.negotiator.stop();
        this.negotiator = null;
        if (this.conn)
          this.conn.close();
        this.conn = null;
        this.failAll(makeError("closed", "the socket was closed"), false);
        if (wasConnected) {
          this.local("disconnect", ["client-close", { code: 4e3, message: "client close", reconnect: false }]);
        }
        return this;
      };
      Socket2.prototype.checkName = function(name) {
        if (typeof name !== "string" || name === "")
          throw new TypeError("tramline: an event name must be a non-empty string");
        if (RESERVED_EVENTS.indexOf(name) >= 0) {
          throw new Error('tramline: "' + name + '" is a reserved event name');
        }
      };
      Socket2.prototype.timedEmit = function(name, args, ms) {
        var cb = popCallback(args);
        this.post(name, args, cb && (function(err, values) {
          return cb.apply(void 0, __spreadArray([err], values, false));
        }), ms);
        return this;
      };
      Socket2.prototype.withAck = function(name, values, timeout) {
        var _this = this;
        if (typeof Promise === "undefined")
          throw new Error("tramline: emitWithAck needs a Promise implementation");
        return new Promise(function(resolve2, reject) {
          _this.post(name, values, function(err, args) {
            return err ? reject(err) : resolve2(args[0]);
          }, timeout);
        });
      };
      Socket2.prototype.post = function(name, values, cb, timeout) {
        var _this = this;
        this.checkName(name);
        var args = packArgs(values);
        var out = { name: name, args: args };
        if (cb) {
          var id_1 = this.nextAck++;
          out.ack = id_1;
          var pending_1 = { done: cb, timer: null };
          if (timeout > 0) {
            pending_1.timer = this.platform.setTimeout(function() {
              pending_1.timer = null;
              _this.settle(id_1, [], makeError("ack-timeout", 'no ack for "' + name + '" within ' + timeout + " ms"));
            }, timeout);
          }
          this.acks[id_1] = pending_1;
        }
        if (this.state === "closed")
          return this.failOne(out, makeError("closed", "the socket is closed"));
        if (this.state === "connected" && this.conn)
          return this.deliver(this.conn, out);
        if (this.offline.length >= this.settings.offlineBuffer) {
          return this.failOne(out, makeError("offline-buffer-full", "the offline buffer is full (" + this.settings.offlineBuffer + " packets)"));
        }
        this.offline.push(out);
      };
      Socket2.prototype.deliver = function(conn, out) {
        if (!conn.sendEvent(out.name, out.args, out.ack)) {
          this.failOne(out, makeError("payload-too-large", '"' + out.name + "\" is larger than the server's maxPayload"));
        }
      };
      Socket2.prototype.failOne = function(out, error) {
        if (out.ack !== void 0 && this.acks[out.ack])
          this.settle(out.ack, [], error);
        else
          this.local("error", [error]);
      };
      Socket2.prototype.settle = function(id, args, error) {
        var p = this.acks[id];
        if (!p)
          return;
        delete this.acks[id];
        if (p.timer !== null)
          this.platform.clearTimeout(p.timer);
        try {
          p.done(error || null, args);
        } catch (e) {
          this.platform.setTimeout(function() {
            throw e;
          }, 0);
        }
      };
      Socket2.prototype.failAll = function(error, report) {
        var dropped = this.offline.length;
        this.offline = [];
        for (var k in this.acks) {
          if (Object.prototype.hasOwnProperty.call(this.acks, k))
            this.settle(Number(k), [], error);
        }
        if (report && dropped)
          this.local("error", [error]);
      };
      Socket2.prototype.local = function(name, args) {
        this.emitter.emit(name, args);
      };
      Socket2.prototype.open = function() {
        var _this = this;
        if (this.state === "closed")
          return;
        var s = this.settings;
        var auth;
        try {
          auth = s.auth();
        } catch (e) {
          this.local("connect_error", [makeError("connect-failed", "auth failed: " + (e instanceof Error ? e.message : String(e)))]);
          return this.retry();
        }
        var negotiator = new Negotiator(this.platform, this.endpoint, {
          transports: s.transports,
          auth: auth,
          rememberTransport: s.rememberTransport,
          withCredentials: s.withCredentials,
          probeTimeout: s.probeTimeout,
          connectTimeout: s.connectTimeout
        }, this.memory);
        this.negotiator = negotiator;
        negotiator.open(this.connectionEvents(), function(err, conn) {
          if (_this.negotiator !== negotiator || _this.state === "closed")
            return;
          if (err || !conn) {
            _this.negotiator = null;
            var e = err || makeError("connect-failed", "no session");
            _this.local("connect_error", [e]);
            if (_this.state === "closed")
              return;
            var hopeless = e.code === "rejected" || e.code === "unsupported-version" || e.code === "no-transport";
            if (hopeless)
              return _this.giveUp(e);
            return _this.retry();
          }
          _this.onConnected(conn);
        });
      };
      Socket2.prototype.onConnected = function(conn) {
        this.conn = conn;
        this.state = "connected";
        var queued = this.offline;
        this.offline = [];
        for (var i2 = 0; i2 < queued.length && this.conn === conn; i2++)
          this.deliver(conn, queued[i2]);
        var attempts = this.backoff.attempts;
        this.backoff.reset();
        if (attempts > 0)
          this.local("reconnect", [{ attempt: attempts }]);
        if (this.conn === conn)
          this.local("connect", []);
        if (this.conn === conn && conn.transport)
          this.local("transport", [conn.transport]);
      };
      Socket2.prototype.retry = function() {
        var _this = this;
        if (!this.settings.reconnect.enabled)
          return this.giveUp(makeError("closed", "reconnection is disabled"));
        var next = this.backoff.next();
        if (!next)
          return this.giveUp(makeError("reconnect-failed", "gave up after " + this.backoff.attempts + " attempts"));
        this.state = "reconnecting";
        this.local("reconnect_attempt", [next]);
        if (this.state !== "reconnecting")
          return;
        this.retryTimer = this.platform.setTimeout(function() {
          _this.retryTimer = null;
          _this.open();
        }, next.delay);
      };
      Socket2.prototype.giveUp = function(error) {
        this.state = "closed";
        this.failAll(error, true);
      };
      Socket2.prototype.connectionEvents = function() {
        var _this = this;
        return {
          event: function(name, args, ack) {
            return _this.onEvent(name, args, ack);
          },
          ack: function(id, args, error) {
            return _this.onAck(id, args, error);
          },
          error: function(code, message) {
            return _this.local("error", [makeError(code, message)]);
          },
          transport: function(name) {
            if (_this.state === "connected")
              _this.local("transport", [name]);
          },
          ended: function(end) {
            return _this.onEnded(end);
          }
        };
      };
      Socket2.prototype.onEvent = function(name, args, ack) {
        var _this = this;
        var conn = this.conn;
        if (!conn)
          return;
        if (RESERVED_EVENTS.indexOf(name) >= 0 || this.emitter.count(name) === 0) {
          if (ack !== void 0) {
            var known = this.emitter.count(name) === 0 ? "no-handler" : "reserved-event";
            conn.sendAckError(ack, { code: known, message: 'the client has no handler for "' + name + '"' });
          }
          return;
        }
        var values = unpackArgs(args);
        if (ack !== void 0) {
          var replied_1 = false;
          values.push(function() {
            var reply = [];
            for (var _i = 0; _i < arguments.length; _i++) {
              reply[_i] = arguments[_i];
            }
            if (replied_1)
              return;
            replied_1 = true;
            if (_this.conn === conn)
              conn.sendAck(ack, packArgs(reply));
          });
        }
        this.emitter.emit(name, values);
      };
      Socket2.prototype.onAck = function(id, args, error) {
        if (error)
          return this.settle(id, [], makeError(error.code, error.message));
        this.settle(id, args ? unpackArgs(args) : []);
      };
      Socket2.prototype.onEnded = function(end) {
        var conn = this.conn;
        if (!conn)
          return;
        this.conn = null;
        this.negotiator = null;
        var unacked = conn.unackedEvents();
        this.offline = unacked.concat(this.offline);
        var reconnect = this.settings.reconnect.enabled && end.reason !== "rejected";
        this.state = "reconnecting";
        this.local("disconnect", [end.reason, { code: end.code, message: end.message, reconnect: reconnect }]);
        if (this.state !== "reconnecting")
          return;
        if (reconnect)
          this.retry();
        else
          this.giveUp(makeError(end.reason === "rejected" ? "rejected" : "closed", end.message));
      };
      return Socket2;
    })()
  );

  // node_modules/.cache/tramline-es5/url.js
  function resolve(url, base) {
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url))
      return url;
    if (!base)
      throw new TypeError("tramline: a relative endpoint URL needs a base URL: " + url);
    var m = /^([a-zA-Z][a-zA-Z0-9+.-]*:)(\/\/[^/?#]*)?([^?#]*)/.exec(base);
    if (!m)
      throw new TypeError("tramline: cannot resolve " + url + " against " + base);
    if (url.substring(0, 2) === "//")
      return m[1] + url;
    if (url.charAt(0) === "/")
      return m[1] + (m[2] || "") + url;
    var dir = m[3].substring(0, m[3].lastIndexOf("/") + 1);
    return m[1] + (m[2] || "") + dir + url;
  }
  var Endpoint = (
    /** @class */
    (function() {
      function Endpoint2(url, baseUrl) {
        var absolute = resolve(url, baseUrl).replace(/#.*$/, "");
        var q = absolute.indexOf("?");
        var path = q < 0 ? absolute : absolute.substring(0, q);
        this.query = q < 0 ? "" : absolute.substring(q + 1);
        this.base = path.replace(/\/+$/, "");
        if (!/^(https?|wss?):\/\//i.test(this.base)) {
          throw new TypeError("tramline: the endpoint must be an http(s) or ws(s) URL: " + url);
        }
      }
      Endpoint2.prototype.withQuery = function(url, params) {
        var parts = [];
        if (this.query)
          parts.push(this.query);
        if (params) {
          for (var k in params) {
            if (Object.prototype.hasOwnProperty.call(params, k)) {
              parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(String(params[k])));
            }
          }
        }
        return parts.length ? url + "?" + parts.join("&") : url;
      };
      Endpoint2.prototype.http = function(path, params) {
        var base = this.base.replace(/^ws(s?):/i, "http$1:");
        return this.withQuery(base + "/" + path, params);
      };
      Endpoint2.prototype.ws = function(params) {
        var base = this.base.replace(/^http(s?):/i, "ws$1:");
        return this.withQuery(base + "/websocket", params);
      };
      return Endpoint2;
    })()
  );

  // node_modules/.cache/tramline-es5/platform/eventsource.js
  var CONNECTING = 0;
  var OPEN2 = 1;
  var CLOSED = 2;
  function eventSourceOver(request) {
    var RequestEventSource = (
      /** @class */
      (function() {
        function RequestEventSource2(url, init) {
          var _this = this;
          this.readyState = CONNECTING;
          this.onopen = null;
          this.onmessage = null;
          this.onerror = null;
          this.buffer = "";
          this.data = [];
          this.eventType = "";
          this.lastEventId = "";
          this.handle = request({
            method: "GET",
            url: url,
            accept: "text/event-stream",
            withCredentials: init ? init.withCredentials : false,
            onHeaders: function(status) {
              if (status !== 200) {
                _this.fail("HTTP " + status);
                return;
              }
              _this.readyState = OPEN2;
              if (_this.onopen)
                _this.onopen({ type: "open" });
            },
            onData: function(text) {
              return _this.feed(text);
            },
            onEnd: function() {
              return _this.fail("stream ended");
            },
            onError: function(message) {
              return _this.fail(message);
            }
          });
        }
        RequestEventSource2.prototype.close = function() {
          this.readyState = CLOSED;
          if (this.handle) {
            var h = this.handle;
            this.handle = null;
            h.abort();
          }
        };
        RequestEventSource2.prototype.fail = function(message) {
          if (this.readyState === CLOSED)
            return;
          this.close();
          if (this.onerror)
            this.onerror({ type: "error", message: message });
        };
        RequestEventSource2.prototype.feed = function(text) {
          if (this.readyState !== OPEN2)
            return;
          this.buffer += text;
          for (; ; ) {
            var m = /\r\n|\r|\n/.exec(this.buffer);
            if (!m)
              break;
            if (m[0] === "\r" && m.index === this.buffer.length - 1)
              break;
            var line = this.buffer.substring(0, m.index);
            this.buffer = this.buffer.substring(m.index + m[0].length);
            this.line(line);
            if (this.readyState !== OPEN2)
              return;
          }
        };
        RequestEventSource2.prototype.line = function(line) {
          if (line === "") {
            this.dispatch();
            return;
          }
          if (line.charAt(0) === ":")
            return;
          var colon = line.indexOf(":");
          var name = colon < 0 ? line : line.substring(0, colon);
          var value = colon < 0 ? "" : line.substring(colon + 1);
          if (value.charAt(0) === " ")
            value = value.substring(1);
          if (name === "data")
            this.data.push(value);
          else if (name === "id" && value.indexOf("\0") < 0)
            this.lastEventId = value;
          else if (name === "event")
            this.eventType = value;
        };
        RequestEventSource2.prototype.dispatch = function() {
          var data = this.data;
          var type = this.eventType;
          this.data = [];
          this.eventType = "";
          if (data.length === 0)
            return;
          if ((type === "" || type === "message") && this.onmessage) {
            this.onmessage({ data: data.join("\n"), lastEventId: this.lastEventId });
          }
        };
        return RequestEventSource2;
      })()
    );
    return RequestEventSource;
  }

  // node_modules/.cache/tramline-es5/index.js
  function connect(url, options) {
    return connectWith(browserPlatform, url, options);
  }
  function connectWith(defaultPlatform, url, options) {
    var settings = resolveSettings(options);
    var overrides = options && options.platform;
    var platform = mergePlatform(defaultPlatform(), overrides);
    var endpoint = new Endpoint(url, platform.baseUrl);
    return new Socket(endpoint, settings, platform);
  }
  return __toCommonJS(index_exports);
})();
//# sourceMappingURL=tramline.iife.js.map
