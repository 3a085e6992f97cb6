/**
 * The URLs of one Tramline endpoint (mount prefix P): `P/open`, `P/send`, `P/<transport>`.
 *
 * Why this module exists: every transport builds request URLs with `sid`, `rx` and the
 * downlink counter `n`, and the WebSocket URL is the same path on `ws:`/`wss:`. Doing it in one
 * place keeps the query parameters and their encoding identical everywhere.
 */

/** Query parameters (values are numbers or strings; they are URL-encoded). */
export interface Query {
  [name: string]: string | number;
}

function resolve(url: string, base?: string): string {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(url)) return url;
  if (!base) throw new TypeError("tramline: a relative endpoint URL needs a base URL: " + url);
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:)(\/\/[^/?#]*)?([^?#]*)/.exec(base);
  if (!m) throw new TypeError("tramline: cannot resolve " + url + " against " + base);
  if (url.substring(0, 2) === "//") return m[1] + url;
  if (url.charAt(0) === "/") return m[1] + (m[2] || "") + url;
  const dir = m[3].substring(0, m[3].lastIndexOf("/") + 1);
  return m[1] + (m[2] || "") + dir + url;
}

/** The URLs of one endpoint. */
export class Endpoint {
  /** The endpoint URL, absolute, without query or trailing slash; also the memory key. */
  readonly base: string;
  private readonly query: string;

  constructor(url: string, baseUrl?: string) {
    const absolute = resolve(url, baseUrl).replace(/#.*$/, "");
    const q = absolute.indexOf("?");
    const path = q < 0 ? absolute : absolute.substring(0, q);
    this.query = q < 0 ? "" : absolute.substring(q + 1);
    this.base = path.replace(/\/+$/, "");
    if (!/^(https?|wss?):\/\//i.test(this.base)) {
      throw new TypeError("tramline: the endpoint must be an http(s) or ws(s) URL: " + url);
    }
  }

  private withQuery(url: string, params?: Query): string {
    const parts: string[] = [];
    if (this.query) parts.push(this.query);
    if (params) {
      for (const k in params) {
        if (Object.prototype.hasOwnProperty.call(params, k)) {
          parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(String(params[k])));
        }
      }
    }
    return parts.length ? url + "?" + parts.join("&") : url;
  }

  /** `P/<path>` on http(s), with `params` in the query. */
  http(path: string, params?: Query): string {
    const base = this.base.replace(/^ws(s?):/i, "http$1:");
    return this.withQuery(base + "/" + path, params);
  }

  /** `P/websocket` on ws(s), with `params` in the query. */
  ws(params?: Query): string {
    const base = this.base.replace(/^http(s?):/i, "ws$1:");
    return this.withQuery(base + "/websocket", params);
  }
}
