// The static public website as the bureau publishes it, for the e2e tests' last step: `spotcheck
// publish --due` renders it from the running server's data (the publisher's scheduled run), and a
// small static file server on 127.0.0.1 serves it (as the site bucket does on AWS).
//
// SPOTCHECK_BIN: the spotcheck CLI; CONSOLE_DATA: the data file of the running `spotcheck serve`
// (scripts/test.d/47-console.sh sets both).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const TYPES = { '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.css': 'text/css', '.js': 'text/javascript', '.csv': 'text/csv; charset=utf-8', '.atom': 'application/atom+xml', '.svg': 'image/svg+xml', '.txt': 'text/plain; charset=utf-8' };

/** Publishes what is due into a fresh folder and serves it; `{ url, report, close() }`. */
export async function publishSite() {
  const bin = process.env.SPOTCHECK_BIN;
  const data = process.env.CONSOLE_DATA;
  if (!bin || !data) throw new Error('SPOTCHECK_BIN and CONSOLE_DATA must name the CLI and the served data file');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-site-'));
  const site = path.join(dir, 'site');
  const reportFile = path.join(dir, 'report.json');
  await promisify(execFile)(bin, ['publish', '--due', '--data', data, '--site-dir', site, '--report', reportFile]);
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.join(site, path.normalize(rel));
    if (!file.startsWith(site)) { res.writeHead(403).end(); return; }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    report,
    close: () => { server.close(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}
