import fs from 'node:fs';

/** A TCP socket in LISTEN state, as the kernel reports it (Linux `/proc/net/tcp{,6}`). */
export interface ListeningSocket {
  address: string;
  port: number;
  inode: string;
}

const LISTEN = '0A';

/** IPv4 in /proc is one little-endian 32-bit word; IPv6 is four of them. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g)!.map((w) =>
    w
      .match(/../g)!
      .reverse()
      .map((b) => parseInt(b, 16)),
  );
  if (words.length === 1) return words[0]!.join('.');
  const bytes = words.flat();
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  // The WHATWG URL parser writes IPv6 in its canonical short form (`::1`, `::ffff:7f00:1`).
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1);
}

/** Every listening TCP socket on this machine (this network namespace). */
export function listeningSockets(): ListeningSocket[] {
  const out: ListeningSocket[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const row of fs.readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols[3] !== LISTEN) continue;
      const [addr, port] = cols[1]!.split(':');
      out.push({ address: decodeAddress(addr!), port: parseInt(port!, 16), inode: cols[9]! });
    }
  }
  return out;
}

/** The listening sockets a process holds open (matched through the socket inodes in `/proc/PID/fd`). */
export function listeningSocketsOf(pid: number): ListeningSocket[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // The descriptor closed while we looked.
    }
  }
  return listeningSockets().filter((s) => inodes.has(s.inode));
}

/** Loopback only: 127.0.0.0/8, ::1, or IPv4-mapped loopback. Never the wildcard (0.0.0.0 / ::) or a public address. */
export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:7f/.test(address);
}
