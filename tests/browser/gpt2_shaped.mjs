// A whole nanoGPT file in GPT-2 small's attention shape — 12 layers × 12 heads, 64 positions — with
// tiny embeddings (n_embd 24), random weights from a fixed seed: what the page's size and speed
// depend on, without a 500 MB download.
import { writeFileSync } from "node:fs";

export function gpt2Shaped(path, text) {
  const vocab = [...new Set(text)].sort();
  const C = 24, L = 12, H = 12, T = 64;
  let seed = 12345;
  const random = () => {  // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const tensors = [["transformer.wte.weight", [vocab.length, C]], ["transformer.wpe.weight", [T, C]],
    ["transformer.ln_f.weight", [C]]];
  for (let l = 0; l < L; l++) {
    const p = `transformer.h.${l}.`;
    tensors.push([p + "ln_1.weight", [C]], [p + "attn.c_attn.weight", [3 * C, C]],
      [p + "attn.c_proj.weight", [C, C]], [p + "ln_2.weight", [C]],
      [p + "mlp.c_fc.weight", [4 * C, C]], [p + "mlp.c_proj.weight", [C, 4 * C]]);
  }
  const header = { __metadata__: { vocab: JSON.stringify(vocab), n_head: String(H) } };
  const blobs = [];
  let offset = 0;
  for (const [name, shape] of tensors) {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: n }, () => (name.includes("ln_") ? 1 : 4 * random()));
    header[name] = { dtype: "F32", shape, data_offsets: [offset, offset + 4 * n] };
    blobs.push(Buffer.from(values.buffer));
    offset += 4 * n;
  }
  let json = Buffer.from(JSON.stringify(header));
  json = Buffer.concat([json, Buffer.from(" ".repeat((8 - (json.length % 8)) % 8))]);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([size, json, ...blobs]));
}
