// Raw deflate undone by the platform (DecompressionStream: browsers and Node), for the parts a pack
// stores deflated (keyword postings, forest block indexes).
export async function inflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
