/** Deterministic hashed-n-gram embeddings through the SDK, in both encodings. */
import OpenAI from 'openai';
import { startTestBackend, type TestBackend } from './support/backend';

let b: TestBackend;
beforeAll(async () => {
  b = await startTestBackend();
});
afterAll(async () => {
  await b.close();
});

const cosine = (a: number[], c: number[]) => a.reduce((s, x, i) => s + x * c[i]!, 0);

test('default request (the SDK asks for base64 and decodes it) gives unit float vectors of 1536 dims', async () => {
  const r: OpenAI.Embeddings.CreateEmbeddingResponse = await b.client.embeddings.create({
    model: 'text-embedding-3-small',
    input: ['refund my order', 'please refund my order', 'the weather is nice'],
  });
  expect(r.object).toBe('list');
  expect(r.data).toHaveLength(3);
  const [a, c, d] = r.data.map((x) => x.embedding);
  expect(a).toHaveLength(1536);
  expect(Math.abs(cosine(a!, a!) - 1)).toBeLessThan(1e-5);
  expect(cosine(a!, c!)).toBeGreaterThan(cosine(a!, d!));
  expect(r.usage.prompt_tokens).toBeGreaterThan(0);
});

test('float and base64 encodings agree; dimensions are honoured; results are deterministic', async () => {
  const asFloat = await b.client.embeddings.create({
    model: 'text-embedding-3-small',
    input: 'hello world',
    encoding_format: 'float',
    dimensions: 256,
  });
  const asDefault = await b.client.embeddings.create({
    model: 'text-embedding-3-small',
    input: 'hello world',
    dimensions: 256,
  });
  expect(asFloat.data[0]!.embedding).toHaveLength(256);
  expect(asDefault.data[0]!.embedding).toEqual(asFloat.data[0]!.embedding);
  const raw = await b.client.embeddings.create({
    model: 'text-embedding-3-small',
    input: 'hello world',
    encoding_format: 'base64',
    dimensions: 256,
  });
  const b64 = raw.data[0]!.embedding as unknown as string;
  // The SDK leaves an explicit base64 request encoded: little-endian float32.
  const buf = Buffer.from(b64, 'base64');
  const floats = Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
  expect(floats).toEqual(asFloat.data[0]!.embedding);
  const big = await b.client.embeddings.create({ model: 'text-embedding-3-large', input: 'x' });
  expect(big.data[0]!.embedding).toHaveLength(3072);
});

test('unknown models and bad dimensions are rejected like OpenAI', async () => {
  await expect(b.client.embeddings.create({ model: 'nope', input: 'x' })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  await expect(
    b.client.embeddings.create({ model: 'text-embedding-3-small', input: 'x', dimensions: 5000 }),
  ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
});
