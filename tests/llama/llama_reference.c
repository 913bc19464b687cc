// llama.cpp itself, as the GGUF tests' reference: its prebuilt libraries from npm's
// @node-llama-cpp/linux-x64 (installed by the test setup), called through llama.h and ggml.h.
//
//   llama_reference quantize TYPE N IN OUT       N float32 values of IN → ggml's blocks of TYPE
//   llama_reference dequantize TYPE N IN OUT     blocks of N values → float32 (to_float)
//   llama_reference model-quantize IN OUT FTYPE  llama_model_quantize (FTYPE: enum llama_ftype)
//   llama_reference logits MODEL THREADS ID...   the logits of every position, one line each
//   llama_reference bench MODEL THREADS T ID     prompt processing of T tokens: its seconds
//   llama_reference generate MODEL THREADS N ID...  N tokens written greedily after the prompt
//                                                IDs: the decodes' seconds, then the N ids
//   llama_reference tokenize MODEL TEXTS         llama_tokenize's ids of each text (each ended by
//                                                a 0 byte), special tokens added and parsed
//   llama_reference desc MODEL                   llama_model_desc: "ARCH SIZE FILE-TYPE"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ggml-backend.h"
#include "ggml.h"
#include "llama.h"

static void* read_all(const char* path, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *size = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  void* data = malloc(*size ? *size : 1);
  if (fread(data, 1, *size, f) != *size) *size = 0;
  fclose(f);
  return data;
}

static int write_all(const char* path, const void* data, size_t size) {
  FILE* f = fopen(path, "wb");
  if (!f) return 1;
  const size_t written = fwrite(data, 1, size, f);
  fclose(f);
  return written != size;
}

static void quiet(enum ggml_log_level level, const char* text, void* user) {
  (void)level, (void)text, (void)user;
}

static int blocks(int argc, char** argv, int quantize) {
  if (argc != 6) return 2;
  const enum ggml_type type = (enum ggml_type)atoi(argv[2]);
  const int64_t n = atoll(argv[3]);
  const struct ggml_type_traits* traits = ggml_get_type_traits(type);
  const size_t bytes = (size_t)(n / traits->blck_size) * traits->type_size;
  size_t size = 0;
  void* in = read_all(argv[4], &size);
  if (!in || size != (quantize ? (size_t)n * 4 : bytes)) return 3;
  void* out = malloc(quantize ? bytes : (size_t)n * 4);
  if (quantize) {
    ggml_quantize_chunk(type, in, out, 0, 1, n, NULL);  // one row of n values
  } else {
    traits->to_float(in, out, n);
  }
  return write_all(argv[5], out, quantize ? bytes : (size_t)n * 4);
}

// llama.cpp's CPU backends, the best this CPU runs; or, with ATTNVIZ_LLAMA_CPU=NAME, that one
// alone (haswell: AVX2, sse42: SSE4.2), to compare each instruction set with attnviz's own.
static void load_backends(void) {
  const char* libs = getenv("ATTNVIZ_LLAMA_LIBS");
  const char* cpu = getenv("ATTNVIZ_LLAMA_CPU");
  if (!cpu || !*cpu) {
    ggml_backend_load_all_from_path(libs);
    return;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/libggml-cpu-%s.so", libs ? libs : ".", cpu);
  if (!ggml_backend_load(path)) {
    fprintf(stderr, "llama_reference: cannot load %s\n", path);
    exit(6);
  }
}

static struct llama_model* load(const char* path, int vocab_only) {
  load_backends();
  llama_backend_init();
  struct llama_model_params mp = llama_model_default_params();
  mp.vocab_only = vocab_only;
  return llama_model_load_from_file(path, mp);
}

// A batch of n tokens at positions first … first + n − 1 of sequence 0; logits for all of them,
// or the last.
static struct llama_batch batch_of(const llama_token* ids, int n, int first, int all_logits) {
  struct llama_batch batch = llama_batch_init(n, 0, 1);
  for (int i = 0; i < n; ++i) {
    batch.token[i] = ids[i];
    batch.pos[i] = first + i;
    batch.n_seq_id[i] = 1;
    batch.seq_id[i][0] = 0;
    batch.logits[i] = all_logits || i == n - 1;
  }
  batch.n_tokens = n;
  return batch;
}

static int logits(int argc, char** argv) {
  if (argc < 5) return 2;
  struct llama_model* model = load(argv[2], 0);
  if (!model) return 3;
  const int n = argc - 4;
  llama_token* ids = malloc(sizeof(llama_token) * (size_t)n);
  for (int i = 0; i < n; ++i) ids[i] = atoi(argv[4 + i]);
  struct llama_context_params cp = llama_context_default_params();
  cp.n_ctx = (uint32_t)n;
  cp.n_batch = (uint32_t)n;
  cp.n_ubatch = (uint32_t)n;
  cp.n_threads = cp.n_threads_batch = atoi(argv[3]);
  // float32 throughout where the weights are: no float16 cache, no flash attention
  cp.type_k = cp.type_v = GGML_TYPE_F32;
  cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  struct llama_context* ctx = llama_init_from_model(model, cp);
  if (!ctx) return 4;
  struct llama_batch batch = batch_of(ids, n, 0, 1);
  if (llama_decode(ctx, batch) != 0) return 5;
  const int vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
  for (int i = 0; i < n; ++i) {
    const float* row = llama_get_logits_ith(ctx, i);
    for (int j = 0; j < vocab; ++j) printf(j ? " %.9g" : "%.9g", row[j]);
    printf("\n");
  }
  llama_batch_free(batch);
  llama_free(ctx);
  llama_model_free(model);
  return 0;
}

static int tokenize(int argc, char** argv) {
  if (argc != 4) return 2;
  struct llama_model* model = load(argv[2], 1);
  if (!model) return 3;
  const struct llama_vocab* vocab = llama_model_get_vocab(model);
  size_t size = 0;
  char* texts = read_all(argv[3], &size);
  if (!texts) return 4;
  for (size_t at = 0; at < size;) {  // texts ended by a 0 byte each
    const char* text = texts + at;
    const int32_t length = (int32_t)strlen(text);
    const int32_t room = length + 8;
    llama_token* ids = malloc(sizeof(llama_token) * (size_t)room);
    const int32_t n =
        llama_tokenize(vocab, text, length, ids, room, 1, 1);  // specials added, parsed
    if (n < 0) return 5;
    for (int i = 0; i < n; ++i) printf(i ? " %d" : "%d", ids[i]);
    printf("\n");
    free(ids);
    at += (size_t)length + 1;
  }
  llama_model_free(model);
  return 0;
}

// Prompt processing as llama.cpp's own tools run it, default context settings (flash attention
// and the float16 cache where llama.cpp chooses them): T copies of one token, the last one's
// logits. Prints the decode's seconds.
static int bench(int argc, char** argv) {
  if (argc != 6) return 2;
  struct llama_model* model = load(argv[2], 0);
  if (!model) return 3;
  const int n = atoi(argv[4]);
  struct llama_context_params cp = llama_context_default_params();
  cp.n_ctx = cp.n_batch = cp.n_ubatch = (uint32_t)n;
  cp.n_threads = cp.n_threads_batch = atoi(argv[3]);
  struct llama_context* ctx = llama_init_from_model(model, cp);
  if (!ctx) return 4;
  llama_token* ids = malloc(sizeof(llama_token) * (size_t)n);
  for (int i = 0; i < n; ++i) ids[i] = atoi(argv[5]);
  struct llama_batch batch = batch_of(ids, n, 0, 0);
  const int64_t start = ggml_time_us();
  if (llama_decode(ctx, batch) != 0) return 5;
  printf("%.6f\n", (double)(ggml_time_us() - start) / 1e6);
  llama_batch_free(batch);
  llama_free(ctx);
  llama_model_free(model);
  return 0;
}

// Generation as llama.cpp's simple example runs it, default context settings: the prompt in one
// decode, then each new token (the argmax of the last logits) decoded alone, its key and value
// cached. Prints the decodes' seconds, then the N ids written.
static int generate(int argc, char** argv) {
  if (argc < 6) return 2;
  struct llama_model* model = load(argv[2], 0);
  if (!model) return 3;
  const int n_new = atoi(argv[4]), n_prompt = argc - 5;
  llama_token* ids = malloc(sizeof(llama_token) * (size_t)(n_prompt + n_new));
  for (int i = 0; i < n_prompt; ++i) ids[i] = atoi(argv[5 + i]);
  struct llama_context_params cp = llama_context_default_params();
  cp.n_ctx = (uint32_t)(n_prompt + n_new);
  cp.n_threads = cp.n_threads_batch = atoi(argv[3]);
  struct llama_context* ctx = llama_init_from_model(model, cp);
  if (!ctx) return 4;
  const int vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
  const int64_t start = ggml_time_us();
  int n = n_prompt;  // tokens decoded
  for (int written = 0; written < n_new; ++written) {
    const int count = written ? 1 : n_prompt;  // the prompt, then the token written last
    struct llama_batch batch = batch_of(ids + n - count, count, n - count, 0);
    if (llama_decode(ctx, batch) != 0) return 5;
    llama_batch_free(batch);
    const float* logits = llama_get_logits_ith(ctx, -1);
    int best = 0;
    for (int j = 1; j < vocab; ++j) best = logits[j] > logits[best] ? j : best;
    ids[n++] = best;
  }
  printf("%.6f\n", (double)(ggml_time_us() - start) / 1e6);
  for (int i = n_prompt; i < n; ++i) printf(i > n_prompt ? " %d" : "%d", ids[i]);
  printf("\n");
  llama_free(ctx);
  llama_model_free(model);
  return 0;
}

int main(int argc, char** argv) {
  if (!getenv("ATTNVIZ_LLAMA_VERBOSE")) llama_log_set(quiet, NULL);
  if (argc < 2) return 2;
  if (!strcmp(argv[1], "quantize")) return blocks(argc, argv, 1);
  if (!strcmp(argv[1], "dequantize")) return blocks(argc, argv, 0);
  if (!strcmp(argv[1], "model-quantize") && argc == 5) {
    load_backends();
    llama_model_quantize_params p = llama_model_quantize_default_params();
    p.ftype = (enum llama_ftype)atoi(argv[4]);
    return (int)llama_model_quantize(argv[2], argv[3], &p);
  }
  if (!strcmp(argv[1], "desc") && argc == 3) {
    struct llama_model* model = load(argv[2], 0);
    if (!model) return 3;
    char desc[256];
    llama_model_desc(model, desc, sizeof desc);
    printf("%s\n", desc);
    llama_model_free(model);
    return 0;
  }
  if (!strcmp(argv[1], "logits")) return logits(argc, argv);
  if (!strcmp(argv[1], "tokenize")) return tokenize(argc, argv);
  if (!strcmp(argv[1], "bench")) return bench(argc, argv);
  if (!strcmp(argv[1], "generate")) return generate(argc, argv);
  return 2;
}
