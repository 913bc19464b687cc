// The pickle machine: Python's opcodes (Lib/pickletools.py documents each), run over a stack of
// value indices into one arena. Nothing is looked up, imported or called.
#include "attnviz/formats/pickle.hpp"

#include <cstring>
#include <unordered_map>

#include "attnviz/error.hpp"

namespace attnviz::pickle {
namespace {

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::None:
      return "None";
    case Kind::Bool:
      return "bool";
    case Kind::Int:
    case Kind::BigInt:
      return "int";
    case Kind::Float:
      return "float";
    case Kind::Text:
      return "str";
    case Kind::Bytes:
      return "bytes";
    case Kind::List:
      return "list";
    case Kind::Tuple:
      return "tuple";
    case Kind::Dict:
      return "dict";
    case Kind::Set:
      return "set";
    case Kind::Global:
      return "global";
    case Kind::Call:
      return "call";
    case Kind::Object:
      return "object";
    case Kind::Persistent:
      return "persistent id";
  }
  return "?";
}

class Machine {
 public:
  Machine(std::string_view bytes, const std::string& name, size_t max_values)
      : b_(bytes), name_(name), max_values_(max_values) {}

  Document run() {
    for (;;) {
      op_at_ = at_;
      if (at_ >= b_.size()) fail(Words(Err::PickleNoStop, {}));
      if (step(static_cast<uint8_t>(b_[at_++]))) break;
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
  uint8_t byte(const char* what) {
    if (at_ >= b_.size()) fail(Words(Err::PickleCut, {what}));
    return static_cast<uint8_t>(b_[at_++]);
  }
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
  uint32_t add(Kind k) {
    Value v;
    v.kind = k;
    return add(std::move(v));
  }
  Value& value(uint32_t i) { return doc_.values[i]; }
  void push(uint32_t i) { stack_.push_back(i); }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  uint32_t pop(const char* op) {
    if (stack_.size() <= floor()) fail(Words(Err::PickleUnderflow, {op}));
    const uint32_t i = stack_.back();
    stack_.pop_back();
    return i;
  }
  uint32_t top(const char* op) {
    if (stack_.size() <= floor()) fail(Words(Err::PickleUnderflow, {op}));
    return stack_.back();
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
  uint32_t tuple(std::vector<uint32_t> items) {
    Value v;
    v.kind = Kind::Tuple;
    v.items = std::move(items);
    return add(std::move(v));
  }
  uint32_t integer(int64_t n, Kind k = Kind::Int) {
    Value v;
    v.kind = k;
    v.integer = n;
    return add(std::move(v));
  }
  uint32_t text(Kind k, std::string_view s) {
    Value v;
    v.kind = k;
    v.text = std::string(s);
    return add(std::move(v));
  }
  uint32_t global(std::string_view module, std::string_view name) {
    std::string full(module);
    full += '.';
    full += name;
    return text(Kind::Global, full);
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

  // Adding to containers, and to the records that stand for them.
  void append(uint32_t target, const std::vector<uint32_t>& items, const char* op) {
    Value& t = value(target);
    if (t.kind != Kind::List && t.kind != Kind::Call && t.kind != Kind::Object) {
      fail(Words(Err::PickleWrongKind, {op, kind_name(t.kind)}));
    }
    t.items.insert(t.items.end(), items.begin(), items.end());
  }
  void set_items(uint32_t target, const std::vector<uint32_t>& pairs, const char* op) {
    Value& t = value(target);
    if (t.kind != Kind::Dict && t.kind != Kind::Call && t.kind != Kind::Object) {
      fail(Words(Err::PickleWrongKind, {op, kind_name(t.kind)}));
    }
    if (pairs.size() % 2 != 0) fail(Words(Err::PickleOddItems, {op}));
    t.items.insert(t.items.end(), pairs.begin(), pairs.end());
  }
  void add_to_set(uint32_t target, const std::vector<uint32_t>& items) {
    Value& t = value(target);
    if (t.kind != Kind::Set) fail(Words(Err::PickleWrongKind, {"ADDITEMS", kind_name(t.kind)}));
    t.items.insert(t.items.end(), items.begin(), items.end());
  }
  uint32_t record(Kind k, uint32_t callee, uint32_t args) {
    Value v;
    v.kind = k;
    v.callee = callee;
    v.args = args;
    return add(std::move(v));
  }
  void expect_tuple(uint32_t i, const char* op) {
    if (value(i).kind != Kind::Tuple)
      fail(Words(Err::PickleWrongKind, {op, kind_name(value(i).kind)}));
  }

  // One opcode; true at STOP.
  bool step(uint8_t op) {
    switch (op) {
      case 0x80: {  // PROTO
        const uint8_t p = byte("PROTO");
        if (p > 5) fail(Words(Err::PickleProtocol, {std::to_string(p)}));
        return false;
      }
      case 0x95:
        take(8, "FRAME");
        return false;  // FRAME: a length, for buffering only
      case '.':
        return true;  // STOP
      case '(':
        marks_.push_back(stack_.size());
        return false;  // MARK
      case '0':
        pop("POP");
        return false;
      case '1':
        pop_mark("POP_MARK");
        return false;
      case '2':
        push(top("DUP"));
        return false;
      // Numbers.
      case 'N':
        push(add(Kind::None));
        return false;
      case 0x88:
        push(integer(1, Kind::Bool));
        return false;  // NEWTRUE
      case 0x89:
        push(integer(0, Kind::Bool));
        return false;  // NEWFALSE
      case 'K':
        push(integer(static_cast<int64_t>(little(1, "BININT1"))));
        return false;
      case 'M':
        push(integer(static_cast<int64_t>(little(2, "BININT2"))));
        return false;
      case 'J': {  // BININT: signed 32 bits
        const auto u = static_cast<uint32_t>(little(4, "BININT"));
        int32_t n;
        std::memcpy(&n, &u, sizeof n);
        push(integer(n));
        return false;
      }
      case 0x8a: {  // LONG1
        const auto n = little(1, "LONG1");
        push(long_bytes(take(n, "LONG1")));
        return false;
      }
      case 0x8b: {  // LONG4
        const auto n = little(4, "LONG4");
        push(long_bytes(take(n, "LONG4")));
        return false;
      }
      case 'I': {  // INT (protocol 0): "01" and "00" are True and False
        const std::string_view s = line("INT");
        if (s == "01" || s == "00") {
          push(integer(s == "01", Kind::Bool));
        } else {
          push(integer(decimal(s, "INT")));
        }
        return false;
      }
      case 'L':
        push(integer(decimal(line("LONG"), "LONG")));
        return false;
      case 'G': {  // BINFLOAT: big-endian IEEE double
        const std::string_view s = take(8, "BINFLOAT");
        uint64_t bits = 0;
        for (const char c : s) bits = bits << 8 | static_cast<uint8_t>(c);
        Value v;
        v.kind = Kind::Float;
        std::memcpy(&v.number, &bits, sizeof bits);
        push(add(std::move(v)));
        return false;
      }
      case 'F': {  // FLOAT (protocol 0): repr text
        const std::string s(line("FLOAT"));
        char* end = nullptr;
        Value v;
        v.kind = Kind::Float;
        v.number = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) fail(Words(Err::PickleBadNumber, {"FLOAT"}));
        push(add(std::move(v)));
        return false;
      }
      // Strings and bytes.
      case 'X':
        push(text(Kind::Text, take(little(4, "BINUNICODE"), "BINUNICODE")));
        return false;
      case 0x8c:
        push(text(Kind::Text, take(little(1, "SHORT_BINUNICODE"), "SHORT_BINUNICODE")));
        return false;
      case 0x8d:
        push(text(Kind::Text, take(little(8, "BINUNICODE8"), "BINUNICODE8")));
        return false;
      case 'V':
        push(text(Kind::Text, line("UNICODE")));
        return false;  // raw-unicode-escape, as is
      case 'B':
        push(text(Kind::Bytes, take(little(4, "BINBYTES"), "BINBYTES")));
        return false;
      case 'C':
        push(text(Kind::Bytes, take(little(1, "SHORT_BINBYTES"), "SHORT_BINBYTES")));
        return false;
      case 0x8e:
        push(text(Kind::Bytes, take(little(8, "BINBYTES8"), "BINBYTES8")));
        return false;
      case 0x96:
        push(text(Kind::Bytes, take(little(8, "BYTEARRAY8"), "BYTEARRAY8")));
        return false;
      case 'T':
        push(text(Kind::Bytes, take(little(4, "BINSTRING"), "BINSTRING")));
        return false;
      case 'U':
        push(text(Kind::Bytes, take(little(1, "SHORT_BINSTRING"), "SHORT_BINSTRING")));
        return false;
      case 'S': {  // STRING (protocol 0): a quoted repr, kept without its quotes
        std::string_view s = line("STRING");
        if (s.size() < 2 || (s.front() != '\'' && s.front() != '"') || s.back() != s.front()) {
          fail(Words(Err::PickleBadString, {}));
        }
        push(text(Kind::Bytes, s.substr(1, s.size() - 2)));
        return false;
      }
      // Containers.
      case ']':
        push(add(Kind::List));
        return false;
      case '}':
        push(add(Kind::Dict));
        return false;
      case ')':
        push(tuple({}));
        return false;
      case 0x8f:
        push(add(Kind::Set));
        return false;  // EMPTY_SET
      case 'l': {      // LIST
        Value v;
        v.kind = Kind::List;
        v.items = pop_mark("LIST");
        push(add(std::move(v)));
        return false;
      }
      case 't':
        push(tuple(pop_mark("TUPLE")));
        return false;
      case 0x85: {  // TUPLE1
        const uint32_t a = pop("TUPLE1");
        push(tuple({a}));
        return false;
      }
      case 0x86: {  // TUPLE2
        const uint32_t b = pop("TUPLE2"), a = pop("TUPLE2");
        push(tuple({a, b}));
        return false;
      }
      case 0x87: {  // TUPLE3
        const uint32_t c = pop("TUPLE3"), b = pop("TUPLE3"), a = pop("TUPLE3");
        push(tuple({a, b, c}));
        return false;
      }
      case 'd': {  // DICT
        std::vector<uint32_t> pairs = pop_mark("DICT");
        const uint32_t d = add(Kind::Dict);
        set_items(d, pairs, "DICT");
        push(d);
        return false;
      }
      case 0x91: {  // FROZENSET
        Value v;
        v.kind = Kind::Set;
        v.items = pop_mark("FROZENSET");
        push(add(std::move(v)));
        return false;
      }
      case 'a': {  // APPEND
        const uint32_t item = pop("APPEND");
        append(top("APPEND"), {item}, "APPEND");
        return false;
      }
      case 'e': {  // APPENDS
        const std::vector<uint32_t> items = pop_mark("APPENDS");
        append(top("APPENDS"), items, "APPENDS");
        return false;
      }
      case 's': {  // SETITEM
        const uint32_t v = pop("SETITEM"), k = pop("SETITEM");
        set_items(top("SETITEM"), {k, v}, "SETITEM");
        return false;
      }
      case 'u': {  // SETITEMS
        const std::vector<uint32_t> pairs = pop_mark("SETITEMS");
        set_items(top("SETITEMS"), pairs, "SETITEMS");
        return false;
      }
      case 0x90: {  // ADDITEMS
        const std::vector<uint32_t> items = pop_mark("ADDITEMS");
        add_to_set(top("ADDITEMS"), items);
        return false;
      }
      // The memo.
      case 'p':
        put(static_cast<uint64_t>(decimal(line("PUT"), "PUT")), "PUT");
        return false;
      case 'q':
        put(little(1, "BINPUT"), "BINPUT");
        return false;
      case 'r':
        put(little(4, "LONG_BINPUT"), "LONG_BINPUT");
        return false;
      case 0x94:
        put(memo_.size(), "MEMOIZE");
        return false;
      case 'g':
        get(static_cast<uint64_t>(decimal(line("GET"), "GET")));
        return false;
      case 'h':
        get(little(1, "BINGET"));
        return false;
      case 'j':
        get(little(4, "LONG_BINGET"));
        return false;
      // Names, calls and objects: recorded, never resolved or run.
      case 'c': {  // GLOBAL: "module\nname\n"
        const std::string_view module = line("GLOBAL");
        push(global(module, line("GLOBAL")));
        return false;
      }
      case 0x93: {  // STACK_GLOBAL
        const uint32_t n = pop("STACK_GLOBAL"), m = pop("STACK_GLOBAL");
        if (value(m).kind != Kind::Text || value(n).kind != Kind::Text) {
          fail(Words(Err::PickleWrongKind, {"STACK_GLOBAL", kind_name(value(m).kind)}));
        }
        push(global(value(m).text, value(n).text));
        return false;
      }
      case 'R': {  // REDUCE: callable(*args)
        const uint32_t args = pop("REDUCE"), callee = pop("REDUCE");
        expect_tuple(args, "REDUCE");
        push(record(Kind::Call, callee, args));
        return false;
      }
      case 0x81: {  // NEWOBJ: cls.__new__(cls, *args)
        const uint32_t args = pop("NEWOBJ"), cls = pop("NEWOBJ");
        expect_tuple(args, "NEWOBJ");
        push(record(Kind::Object, cls, args));
        return false;
      }
      case 0x92: {  // NEWOBJ_EX: cls, args, kwargs (the keyword arguments are not kept)
        pop("NEWOBJ_EX");
        const uint32_t args = pop("NEWOBJ_EX"), cls = pop("NEWOBJ_EX");
        expect_tuple(args, "NEWOBJ_EX");
        push(record(Kind::Object, cls, args));
        return false;
      }
      case 'i': {  // INST: "module\nname\n", the arguments above the MARK
        const std::string_view module = line("INST");
        const uint32_t cls = global(module, line("INST"));
        push(record(Kind::Object, cls, tuple(pop_mark("INST"))));
        return false;
      }
      case 'o': {  // OBJ: MARK cls args…
        std::vector<uint32_t> items = pop_mark("OBJ");
        if (items.empty()) fail(Words(Err::PickleUnderflow, {"OBJ"}));
        const uint32_t cls = items.front();
        items.erase(items.begin());
        push(record(Kind::Object, cls, tuple(std::move(items))));
        return false;
      }
      case 'b': {  // BUILD
        const uint32_t state = pop("BUILD");
        value(top("BUILD")).state = state;
        return false;
      }
      case 'Q': {  // BINPERSID
        Value v;
        v.kind = Kind::Persistent;
        v.items = {pop("BINPERSID")};
        push(add(std::move(v)));
        return false;
      }
      case 'P': {  // PERSID: the id as text
        Value v;
        v.kind = Kind::Persistent;
        v.items = {text(Kind::Text, line("PERSID"))};
        push(add(std::move(v)));
        return false;
      }
      case 0x98:
        top("READONLY_BUFFER");
        return false;  // READONLY_BUFFER: no change to data
      // Opcodes that need state from outside the file.
      case 0x82:
      case 0x83:
      case 0x84:
        fail(Words(Err::PickleUnsupported, {"EXT1/EXT2/EXT4"}));
      case 0x97:
        fail(Words(Err::PickleUnsupported, {"NEXT_BUFFER"}));
      default: {
        static const char kHex[] = "0123456789abcdef";
        fail(Words(Err::PickleUnknownOpcode, {std::string("0x") + kHex[op >> 4] + kHex[op & 15]}));
      }
    }
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
