/**
 * Prints a started server's URL as the first line of stdout (what scripts and tests wait for), then keeps it up
 * until SIGINT or SIGTERM and closes it: the life of every `tailor …-server` command.
 */
export async function serveUntilSignal(server: { url: string; close(): Promise<void> }): Promise<0> {
  process.stdout.write(`${server.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}
