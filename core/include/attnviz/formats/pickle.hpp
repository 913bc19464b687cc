// Python's pickle format (protocols 0–5) read as data, never run: the opcodes build a graph of
// inert values. A global ("torch._utils._rebuild_tensor_v2", "posix.system") is only its name; a
// call of it (REDUCE) or an object of a class (NEWOBJ, INST, OBJ) is only a record of what would
// have been called with what. Whoever reads the graph decides which of those records it
// understands (formats/torch_file.cpp: an allowlist, as PyTorch's weights_only loader has).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::pickle {

enum class Kind : uint8_t {
  None,
  Bool,
  Int,     // fits in 64 bits
  BigInt,  // does not: `text` holds its little-endian two's-complement bytes
  Float,
  Text,   // str, as UTF-8
  Bytes,  // bytes, bytearray, and protocol 0–2 byte strings
  List,
  Tuple,
  Dict,
  Set,         // set and frozenset
  Global,      // a name: `text` is "module.name"
  Call,        // REDUCE: `callee` called with the tuple `args`
  Object,      // NEWOBJ, NEWOBJ_EX, INST, OBJ: an instance of the class `callee` with `args`
  Persistent,  // a persistent id (torch's storages): `items[0]` is the id
};

constexpr uint32_t kNoValue = 0xFFFFFFFFu;

// One value. Containers name their items by index in the Document: a value the memo hands out
// again (GET, DUP) is the same value, never a copy, and nothing is freed recursively.
struct Value {
  Kind kind = Kind::None;
  int64_t integer = 0;  // Bool (0 or 1), Int
  double number = 0;    // Float
  std::string text;     // Text, Bytes, Global, BigInt
  // List, Tuple, Set: the items; Dict: key, value, key, value, …; Call and Object: what APPEND,
  // APPENDS, SETITEM(S) added to them (a list's or a dict's items, as __reduce__ yields them).
  std::vector<uint32_t> items;
  uint32_t callee = kNoValue;  // Call, Object
  uint32_t args = kNoValue;    // Call, Object: a Tuple (kNoValue for INST/OBJ without arguments)
  uint32_t state = kNoValue;   // what BUILD gave the value (its __setstate__ or __dict__)
};

struct Document {
  std::vector<Value> values;
  uint32_t root = kNoValue;  // what STOP returned
  size_t end = 0;            // bytes read, STOP included: a legacy torch file pickles several
  const Value& at(uint32_t i) const { return values.at(i); }
};

// Reads one pickle from the start of `bytes` up to its STOP. Throws Error(Err::InFile, {name,
// "pickle byte N: what is wrong"}) for anything malformed — an unknown or cut opcode, a stack
// underflow, a MARK never closed or missing, a memo index never stored, an operation on a value
// of the wrong kind, extensions and out-of-band buffers (which need state outside the file) — or
// for more values than `max_values` (a value takes about 100 bytes; a checkpoint's pickle holds
// some tens of values per tensor).
Document parse(std::string_view bytes, const std::string& name, size_t max_values = 1u << 22);

}  // namespace attnviz::pickle
