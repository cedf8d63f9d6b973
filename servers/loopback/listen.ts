import type http from 'node:http';

/** A started server: where it listens and how to stop it. */
export interface ListeningServer {
  /** `http://HOST:PORT` (an IPv6 host in brackets) */
  url: string;
  /** Stops accepting, ends open connections (keep-alive ones too) and resolves once the server is closed. */
  close(): Promise<void>;
}

/**
 * Listens on `host` (loopback unless a caller chooses otherwise) and `port` (0 picks a free one). Rejects when the
 * port cannot be bound, so a caller never gets a server that is not listening.
 */
export async function listenLoopback(server: http.Server, port: number, host = '127.0.0.1'): Promise<ListeningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound, address, family } = server.address() as { port: number; address: string; family: string };
  return {
    url: `http://${family === 'IPv6' ? `[${address}]` : address}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
