import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';

/** One answer the proxy passed back in full: what a provider would bill. */
export interface DeliveredCall {
  method: string;
  /** The path without the query, e.g. `/v1/chat/completions`. */
  path: string;
  status: number;
  /** sha256 of the request body: equal bodies are the same request paid again. */
  bodySha256: string;
  /** Wall time when the last byte was handed to the client. */
  at: number;
}

/** Decides, when a request arrives, whether it is held: never forwarded, as if the provider hung. */
export type HoldRule = (req: { method: string; path: string }) => boolean | Promise<boolean>;

export interface CountingProxy {
  /** `http://127.0.0.1:PORT/v1`: give this to Tailor instead of the backend's URL. */
  baseURL: string;
  delivered: DeliveredCall[];
  /** Requests held now (their clients still waiting). */
  held(): number;
  /** Requests forwarded and not yet answered. */
  inFlight(): number;
  /** Holds every later request the rule picks, until `release()`; held ones end when their client goes. */
  hold(rule: HoldRule): void;
  release(): void;
  /** How many requests a rule has held since the proxy started. */
  heldTotal(): number;
  close(): Promise<void>;
}

export const CHAT_PATH = '/v1/chat/completions';

/**
 * A loopback HTTP proxy in front of the local backend that records every answer it delivers and can hold requests.
 * The backend keeps no bill; this is the bill: a fault test compares what was delivered with what a run needed. A
 * client that disappears (a killed worker) has its forwarded request aborted, as a real network would.
 */
export async function startCountingProxy(targetBaseURL: string): Promise<CountingProxy> {
  const target = new URL(targetBaseURL);
  const delivered: DeliveredCall[] = [];
  const heldNow = new Set<ServerResponse>();
  let inFlight = 0;
  let heldTotal = 0;
  let rule: HoldRule | undefined;

  const server = http.createServer((req, res) => void forward(req, res));

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    if (rule && (await rule({ method, path }))) {
      heldTotal++;
      heldNow.add(res);
      res.on('close', () => heldNow.delete(res));
      return;
    }
    if (res.destroyed) return;
    inFlight++;
    let settled = false;
    const done = () => {
      if (!settled) inFlight--;
      settled = true;
    };
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method,
        path: req.url,
        headers: { ...req.headers, host: target.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        res.on('finish', () => {
          delivered.push({
            method,
            path,
            status: answer.statusCode ?? 0,
            bodySha256: createHash('sha256').update(body).digest('hex'),
            at: Date.now(),
          });
          done();
        });
      },
    );
    // A dropped backend connection is passed on as a dropped connection; a vanished client aborts the request.
    upstream.on('error', () => {
      done();
      res.destroy();
    });
    res.on('close', () => {
      done();
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    baseURL: `http://127.0.0.1:${port}${target.pathname.replace(/\/$/, '')}`,
    delivered,
    held: () => heldNow.size,
    inFlight: () => inFlight,
    hold: (r) => void (rule = r),
    release: () => void (rule = undefined),
    heldTotal: () => heldTotal,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of heldNow) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
