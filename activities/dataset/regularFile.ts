import fs from 'node:fs';

/**
 * Why `file` cannot be read as a dataset, or undefined when it is a regular file. Uses `stat` only: opening a FIFO
 * would block until a writer appears, and a device such as /dev/zero never ends.
 */
export function notARegularFile(file: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return `no such file: ${file}`;
    return `cannot read ${file}: ${code ?? (err as Error).message}`;
  }
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return `${file} is a directory, not a dataset file`;
  const kind = st.isFIFO()
    ? 'a FIFO'
    : st.isCharacterDevice()
      ? 'a character device'
      : st.isBlockDevice()
        ? 'a block device'
        : st.isSocket()
          ? 'a socket'
          : 'not a file';
  return `${file} is not a regular file (${kind})`;
}
