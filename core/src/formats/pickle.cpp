// The pickle machine: Python's opcodes (Lib/pickletools.py documents each), run over a stack of
// value indices into one arena. Nothing is looked up, imported or called.
#include "attnviz/formats/pickle.hpp"

#include <cstring>
#include <iterator>
#include <unordered_map>

#include "attnviz/error.hpp"

namespace attnviz::pickle {
namespace {

// Python's name of each Kind, in Kind's order, for errors.
const char* kind_name(Kind k) {
  static constexpr const char* kNames[] = {"None", "bool",   "int",  "int",    "float",
                                           "str",  "bytes",  "list", "tuple",  "dict",
                                           "set",  "global", "call", "object", "persistent id"};
  static_assert(std::size(kNames) == static_cast<size_t>(Kind::Persistent) + 1);
  return kNames[static_cast<size_t>(k)];
}

// The opcodes whose argument is a little-endian length and then that many bytes.
struct Sized {
  uint8_t op;
  int length_bytes;
  Kind kind;  // BigInt: LONG1 and LONG4, an integer in the bytes (an Int when it fits)
  const char* name;
};
constexpr Sized kSized[] = {
    {'X', 4, Kind::Text, "BINUNICODE"},       {0x8c, 1, Kind::Text, "SHORT_BINUNICODE"},
    {0x8d, 8, Kind::Text, "BINUNICODE8"},     {'B', 4, Kind::Bytes, "BINBYTES"},
    {'C', 1, Kind::Bytes, "SHORT_BINBYTES"},  {0x8e, 8, Kind::Bytes, "BINBYTES8"},
    {0x96, 8, Kind::Bytes, "BYTEARRAY8"},     {'T', 4, Kind::Bytes, "BINSTRING"},
    {'U', 1, Kind::Bytes, "SHORT_BINSTRING"}, {0x8a, 1, Kind::BigInt, "LONG1"},
    {0x8b, 4, Kind::BigInt, "LONG4"}};

class Machine {
 public:
  Machine(std::string_view bytes, const std::string& name, size_t max_values)
      : b_(bytes), name_(name), max_values_(max_values) {}

  Document run() {
    for (;;) {
      op_at_ = at_;
      if (at_ >= b_.size()) fail(Words(Err::PickleNoStop, {}));
      const auto op = static_cast<uint8_t>(b_[at_++]);
      if (op == '.') break;  // STOP
      step(op);
    }
    if (!marks_.empty()) fail(Words(Err::PickleOpenMark, {}));
    doc_.root = pop("STOP");
    doc_.end = at_;
    return std::move(doc_);
  }

 private:
  [[noreturn]] void fail(Words why) const {
    throw Error(Err::InFile,
                {name_, Words(Err::PickleAt, {std::to_string(op_at_), std::move(why)})});
  }

  // Reading the bytes.
  std::string_view take(uint64_t n, const char* what) {
    if (n > b_.size() - at_) fail(Words(Err::PickleCut, {what}));
    const std::string_view s = b_.substr(at_, static_cast<size_t>(n));
    at_ += static_cast<size_t>(n);
    return s;
  }
  uint64_t little(int n, const char* what) {
    const std::string_view s = take(static_cast<uint64_t>(n), what);
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(s[static_cast<size_t>(i)]);
    return v;
  }
  std::string_view line(const char* what) {  // protocol 0's text arguments, up to '\n'
    const size_t end = b_.find('\n', at_);
    if (end == std::string_view::npos) fail(Words(Err::PickleCut, {what}));
    const std::string_view s = b_.substr(at_, end - at_);
    at_ = end + 1;
    return s;
  }

  // The arena and the stack.
  uint32_t add(Value v) {
    if (doc_.values.size() >= max_values_) {
      fail(Words(Err::PickleTooMany, {std::to_string(max_values_)}));
    }
    doc_.values.push_back(std::move(v));
    return static_cast<uint32_t>(doc_.values.size() - 1);
  }
  uint32_t add(Kind k, std::vector<uint32_t> items = {}) {
    Value v;
    v.kind = k;
    v.items = std::move(items);
    return add(std::move(v));
  }
  uint32_t integer(int64_t n, Kind k = Kind::Int) {
    Value v;
    v.kind = k;
    v.integer = n;
    return add(std::move(v));
  }
  uint32_t number(double x) {
    Value v;
    v.kind = Kind::Float;
    v.number = x;
    return add(std::move(v));
  }
  uint32_t text(Kind k, std::string_view s) {
    Value v;
    v.kind = k;
    v.text = std::string(s);
    return add(std::move(v));
  }
  uint32_t global(std::string_view module, std::string_view name) {
    return text(Kind::Global, std::string(module) + "." + std::string(name));
  }
  uint32_t record(Kind k, uint32_t callee, uint32_t args, const char* op) {
    if (value(args).kind != Kind::Tuple) {
      fail(Words(Err::PickleWrongKind, {op, kind_name(value(args).kind)}));
    }
    Value v;
    v.kind = k;
    v.callee = callee;
    v.args = args;
    return add(std::move(v));
  }
  Value& value(uint32_t i) { return doc_.values[i]; }
  void push(uint32_t i) { stack_.push_back(i); }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  uint32_t top(const char* op) {
    if (stack_.size() <= floor()) fail(Words(Err::PickleUnderflow, {op}));
    return stack_.back();
  }
  uint32_t pop(const char* op) {
    const uint32_t i = top(op);
    stack_.pop_back();
    return i;
  }
  // The values above the last MARK, which goes.
  std::vector<uint32_t> pop_mark(const char* op) {
    if (marks_.empty()) fail(Words(Err::PickleNoMark, {op}));
    const size_t m = marks_.back();
    marks_.pop_back();
    std::vector<uint32_t> items(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return items;
  }

  // LONG1 and LONG4: little-endian two's complement of any length.
  uint32_t long_bytes(std::string_view s) {
    if (s.size() > 8) return text(Kind::BigInt, s);
    uint64_t v = 0;
    for (size_t i = s.size(); i-- > 0;) v = v << 8 | static_cast<uint8_t>(s[i]);
    if (!s.empty() && s.size() < 8 && (static_cast<uint8_t>(s.back()) & 0x80)) {
      v |= ~uint64_t{0} << (8 * s.size());  // sign-extend
    }
    int64_t n;
    std::memcpy(&n, &v, sizeof n);
    return integer(n);
  }
  int64_t decimal(std::string_view s, const char* op) {
    if (!s.empty() && s.back() == 'L') s.remove_suffix(1);  // protocol 0's LONG
    const bool negative = !s.empty() && s.front() == '-';
    if (negative || (!s.empty() && s.front() == '+')) s.remove_prefix(1);
    if (s.empty() || s.size() > 18) fail(Words(Err::PickleBadNumber, {op}));
    int64_t n = 0;
    for (const char c : s) {
      if (c < '0' || c > '9') fail(Words(Err::PickleBadNumber, {op}));
      n = n * 10 + (c - '0');
    }
    return negative ? -n : n;
  }

  // The memo.
  void put(uint64_t key, const char* op) { memo_[key] = top(op); }
  void get(uint64_t key) {
    const auto it = memo_.find(key);
    if (it == memo_.end()) fail(Words(Err::PickleNoMemo, {std::to_string(key)}));
    push(it->second);
  }

  // Items added to the container on top of the stack (APPEND(S), SETITEM(S), ADDITEMS): a
  // value of kind `container`, or for a list's or a dict's items a call or object record, to
  // which __reduce__ hands them.
  void extend(Kind container, std::vector<uint32_t> items, const char* op) {
    Value& t = value(top(op));
    const bool record = container != Kind::Set && (t.kind == Kind::Call || t.kind == Kind::Object);
    if (t.kind != container && !record) fail(Words(Err::PickleWrongKind, {op, kind_name(t.kind)}));
    if (container == Kind::Dict && items.size() % 2 != 0) {
      fail(Words(Err::PickleOddItems, {op}));
    }
    t.items.insert(t.items.end(), items.begin(), items.end());
  }

  // One opcode other than STOP.
  void step(uint8_t op) {
    switch (op) {
      case 0x80: {  // PROTO
        const uint64_t p = little(1, "PROTO");
        if (p > 5) fail(Words(Err::PickleProtocol, {std::to_string(p)}));
        break;
      }
      case 0x95:  // FRAME: a length, for buffering only
        take(8, "FRAME");
        break;
      case '(':  // MARK
        marks_.push_back(stack_.size());
        break;
      case '0':
        pop("POP");
        break;
      case '1':
        pop_mark("POP_MARK");
        break;
      case '2':
        push(top("DUP"));
        break;
      // Numbers.
      case 'N':
        push(add(Kind::None));
        break;
      case 0x88:  // NEWTRUE
      case 0x89:  // NEWFALSE
        push(integer(op == 0x88, Kind::Bool));
        break;
      case 'K':
        push(integer(static_cast<int64_t>(little(1, "BININT1"))));
        break;
      case 'M':
        push(integer(static_cast<int64_t>(little(2, "BININT2"))));
        break;
      case 'J': {  // BININT: signed 32 bits
        const auto u = static_cast<uint32_t>(little(4, "BININT"));
        int32_t n;
        std::memcpy(&n, &u, sizeof n);
        push(integer(n));
        break;
      }
      case 'I': {  // INT (protocol 0): "01" and "00" are True and False
        const std::string_view s = line("INT");
        push(s == "01" || s == "00" ? integer(s == "01", Kind::Bool) : integer(decimal(s, "INT")));
        break;
      }
      case 'L':
        push(integer(decimal(line("LONG"), "LONG")));
        break;
      case 'G': {  // BINFLOAT: big-endian IEEE double
        uint64_t bits = 0;
        for (const char c : take(8, "BINFLOAT")) bits = bits << 8 | static_cast<uint8_t>(c);
        double x;
        std::memcpy(&x, &bits, sizeof x);
        push(number(x));
        break;
      }
      case 'F': {  // FLOAT (protocol 0): repr text
        const std::string s(line("FLOAT"));
        char* end = nullptr;
        const double x = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) fail(Words(Err::PickleBadNumber, {"FLOAT"}));
        push(number(x));
        break;
      }
      // Strings, protocol 0's (the other strings and bytes are kSized).
      case 'V':  // UNICODE: raw-unicode-escape, kept as it is
        push(text(Kind::Text, line("UNICODE")));
        break;
      case 'S': {  // STRING: a quoted repr, kept without its quotes
        const std::string_view s = line("STRING");
        if (s.size() < 2 || (s.front() != '\'' && s.front() != '"') || s.back() != s.front()) {
          fail(Words(Err::PickleBadString, {}));
        }
        push(text(Kind::Bytes, s.substr(1, s.size() - 2)));
        break;
      }
      // Containers.
      case ']':
        push(add(Kind::List));
        break;
      case '}':
        push(add(Kind::Dict));
        break;
      case ')':
        push(add(Kind::Tuple));
        break;
      case 0x8f:  // EMPTY_SET
        push(add(Kind::Set));
        break;
      case 'l':
        push(add(Kind::List, pop_mark("LIST")));
        break;
      case 't':
        push(add(Kind::Tuple, pop_mark("TUPLE")));
        break;
      case 0x91:
        push(add(Kind::Set, pop_mark("FROZENSET")));
        break;
      case 0x85:  // TUPLE1, TUPLE2, TUPLE3: the top 1, 2 or 3 values
      case 0x86:
      case 0x87: {
        std::vector<uint32_t> items(op - 0x84);
        for (size_t i = items.size(); i-- > 0;) items[i] = pop("TUPLE1/2/3");
        push(add(Kind::Tuple, std::move(items)));
        break;
      }
      case 'd': {  // DICT
        std::vector<uint32_t> pairs = pop_mark("DICT");
        push(add(Kind::Dict));
        extend(Kind::Dict, std::move(pairs), "DICT");
        break;
      }
      case 'a': {
        const uint32_t item = pop("APPEND");
        extend(Kind::List, {item}, "APPEND");
        break;
      }
      case 'e':
        extend(Kind::List, pop_mark("APPENDS"), "APPENDS");
        break;
      case 's': {
        const uint32_t v = pop("SETITEM"), k = pop("SETITEM");
        extend(Kind::Dict, {k, v}, "SETITEM");
        break;
      }
      case 'u':
        extend(Kind::Dict, pop_mark("SETITEMS"), "SETITEMS");
        break;
      case 0x90:
        extend(Kind::Set, pop_mark("ADDITEMS"), "ADDITEMS");
        break;
      // The memo.
      case 'p':
        put(static_cast<uint64_t>(decimal(line("PUT"), "PUT")), "PUT");
        break;
      case 'q':
        put(little(1, "BINPUT"), "BINPUT");
        break;
      case 'r':
        put(little(4, "LONG_BINPUT"), "LONG_BINPUT");
        break;
      case 0x94:
        put(memo_.size(), "MEMOIZE");
        break;
      case 'g':
        get(static_cast<uint64_t>(decimal(line("GET"), "GET")));
        break;
      case 'h':
        get(little(1, "BINGET"));
        break;
      case 'j':
        get(little(4, "LONG_BINGET"));
        break;
      // Names, calls and objects: recorded, never resolved or run.
      case 'c': {  // GLOBAL: "module\nname\n"
        const std::string_view module = line("GLOBAL");
        push(global(module, line("GLOBAL")));
        break;
      }
      case 0x93: {  // STACK_GLOBAL
        const uint32_t n = pop("STACK_GLOBAL"), m = pop("STACK_GLOBAL");
        if (value(m).kind != Kind::Text || value(n).kind != Kind::Text) {
          fail(Words(Err::PickleWrongKind, {"STACK_GLOBAL", kind_name(value(m).kind)}));
        }
        push(global(value(m).text, value(n).text));
        break;
      }
      case 'R': {  // REDUCE: callable(*args)
        const uint32_t args = pop("REDUCE"), callee = pop("REDUCE");
        push(record(Kind::Call, callee, args, "REDUCE"));
        break;
      }
      case 0x81:    // NEWOBJ: cls.__new__(cls, *args)
      case 0x92: {  // NEWOBJ_EX: the same with keyword arguments, which are not kept
        const char* name = op == 0x81 ? "NEWOBJ" : "NEWOBJ_EX";
        if (op == 0x92) pop(name);
        const uint32_t args = pop(name), cls = pop(name);
        push(record(Kind::Object, cls, args, name));
        break;
      }
      case 'i': {  // INST: "module\nname\n", the arguments above the MARK
        const std::string_view module = line("INST");
        const uint32_t cls = global(module, line("INST"));
        push(record(Kind::Object, cls, add(Kind::Tuple, pop_mark("INST")), "INST"));
        break;
      }
      case 'o': {  // OBJ: MARK cls args…
        std::vector<uint32_t> items = pop_mark("OBJ");
        if (items.empty()) fail(Words(Err::PickleUnderflow, {"OBJ"}));
        const uint32_t cls = items.front();
        items.erase(items.begin());
        push(record(Kind::Object, cls, add(Kind::Tuple, std::move(items)), "OBJ"));
        break;
      }
      case 'b': {  // BUILD
        const uint32_t state = pop("BUILD");
        value(top("BUILD")).state = state;
        break;
      }
      case 'Q':
        push(add(Kind::Persistent, {pop("BINPERSID")}));
        break;
      case 'P':  // PERSID: the id as text
        push(add(Kind::Persistent, {text(Kind::Text, line("PERSID"))}));
        break;
      case 0x98:  // READONLY_BUFFER: no change to data
        top("READONLY_BUFFER");
        break;
      // Opcodes that need state from outside the file.
      case 0x82:
      case 0x83:
      case 0x84:
        fail(Words(Err::PickleUnsupported, {"EXT1/EXT2/EXT4"}));
      case 0x97:
        fail(Words(Err::PickleUnsupported, {"NEXT_BUFFER"}));
      default:
        sized(op);
    }
  }

  // One of kSized, or an unknown opcode.
  void sized(uint8_t op) {
    for (const Sized& s : kSized) {
      if (s.op != op) continue;
      const std::string_view bytes = take(little(s.length_bytes, s.name), s.name);
      push(s.kind == Kind::BigInt ? long_bytes(bytes) : text(s.kind, bytes));
      return;
    }
    static const char kHex[] = "0123456789abcdef";
    fail(Words(Err::PickleUnknownOpcode, {std::string("0x") + kHex[op >> 4] + kHex[op & 15]}));
  }

  std::string_view b_;
  const std::string& name_;
  size_t max_values_;
  size_t at_ = 0, op_at_ = 0;
  Document doc_;
  std::vector<uint32_t> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, uint32_t> memo_;
};

}  // namespace

Document parse(std::string_view bytes, const std::string& name, size_t max_values) {
  return Machine(bytes, name, max_values).run();
}

}  // namespace attnviz::pickle
