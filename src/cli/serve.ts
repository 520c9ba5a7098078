// The page's local server: loopback only, static files from one root, nothing written, nothing uploaded
// (the DTB a user drops is read by the page itself; the model runs in the browser).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };
export const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const MAX_URL = 4096;

export function pageServer(root: string): Server {
  const base = resolve(root);
  return createServer((req, res) => {
    const send = (code: number, body: string | Buffer, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'Content-Type': type, 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'only GET and HEAD\n');
    if (Number(req.headers['content-length'] ?? 0) > 0) return send(413, 'no request bodies\n');
    if ((req.url ?? '').length > MAX_URL) return send(414, 'URL too long\n');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, 'bad URL\n');
    }
    if (path.includes('\0')) return send(400, 'bad URL\n');
    const file = normalize(join(base, path === '/' ? 'index.html' : path));
    if (file !== base && !file.startsWith(base + sep)) return send(403, 'outside the page\n');
    if (!existsSync(file) || !statSync(file).isFile()) return send(404, 'not found\n');
    send(200, readFileSync(file), TYPES[extname(file)] ?? 'application/octet-stream');
  });
}
