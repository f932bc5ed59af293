import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { build } from 'esbuild';
import type { RequestRecord } from '../server/http/request.ts';
import { noteErrorCode } from '../server/http/request.ts';
import { requestError, sendError } from '../server/http/respond.ts';

/** The paths the page is served on. */
export const DASHBOARD_PATHS = ['/dashboard', '/dashboard/', '/dashboard/app.js', '/dashboard/app.css'] as const;

/** The page's sources (web/dashboard/ at the project root, from src/ or dist/ alike). */
const WEB_DIR = new URL('../../web/dashboard/', import.meta.url);

/** Everything the page loads comes from here: no CDN, no inline script. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'";

/** The dashboard's files, built once (the script is bundled with esbuild on first request). */
export class DashboardAssets {
  #script: Promise<string> | undefined;
  #static = new Map<string, Promise<string>>();

  /** The page's script: web/dashboard/main.ts and graphql-ws's client, bundled and minified. */
  script(): Promise<string> {
    this.#script ??= build({
      entryPoints: [new URL('main.ts', WEB_DIR).pathname],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    }).then((r) => r.outputFiles[0]!.text);
    // A failed build is tried again on the next request.
    this.#script.catch(() => (this.#script = undefined));
    return this.#script;
  }

  #file(name: string): Promise<string> {
    let p = this.#static.get(name);
    if (!p) {
      p = readFile(new URL(name, WEB_DIR), 'utf8');
      this.#static.set(name, p);
      p.catch(() => this.#static.delete(name));
    }
    return p;
  }

  /** The route of one of DASHBOARD_PATHS (the gateway's route table): GET and HEAD only. */
  async route(path: string, req: http.IncomingMessage, res: http.ServerResponse, record: RequestRecord): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      noteErrorCode(record, sendError(res, 405, requestError('BAD_REQUEST', 'the dashboard is read with GET'), { allow: 'GET, HEAD' }));
      return;
    }
    await this.serve(path, res);
  }

  /** Serves `/dashboard`, `/dashboard/app.js` and `/dashboard/app.css`; false for any other path. */
  async serve(pathname: string, res: http.ServerResponse): Promise<boolean> {
    let body: string;
    let type: string;
    switch (pathname) {
      case '/dashboard':
      case '/dashboard/':
        body = await this.#file('index.html');
        type = 'text/html; charset=utf-8';
        break;
      case '/dashboard/app.js':
        body = await this.script();
        type = 'text/javascript; charset=utf-8';
        break;
      case '/dashboard/app.css':
        body = await this.#file('app.css');
        type = 'text/css; charset=utf-8';
        break;
      default:
        return false;
    }
    res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-cache' });
    res.end(body);
    return true;
  }
}
