// The files torch.save writes, as a StateDict: the zip archive of PyTorch ≥ 1.6 (ARCHIVE/data.pkl,
// ARCHIVE/byteorder, ARCHIVE/data/KEY) and the legacy format before it (five pickles — magic
// number, protocol version, sys_info, the object, the storage keys — then each storage's element
// count and bytes). The pickle is read by formats/pickle.cpp as inert data; this file decides
// which of its records it understands, as PyTorch's weights_only loader does, and never runs one.
#include <algorithm>
#include <cstring>
#include <map>

#include "attnviz/error.hpp"
#include "attnviz/formats/pickle.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/formats/zip_archive.hpp"
#include "attnviz/text/utf8.hpp"
#include "compute/pages.hpp"
#include "formats/tensor_table.hpp"

namespace attnviz {
namespace {

using pickle::Kind;
using pickle::kNoValue;

// torch.save's legacy header: PROTO 2, then LONG1 of 10 bytes, the magic number
// 0x1950a86a20f9469cfc6c, little-endian.
constexpr std::string_view kLegacyStart("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19",
                                        14);

// The storage classes a persistent id names, as safetensors' dtype names.
std::string storage_dtype(const std::string& global) {
  static const std::map<std::string, std::string> dtypes = {
      {"torch.FloatStorage", "F32"},     {"torch.HalfStorage", "F16"},
      {"torch.BFloat16Storage", "BF16"}, {"torch.DoubleStorage", "F64"},
      {"torch.LongStorage", "I64"},      {"torch.IntStorage", "I32"},
      {"torch.ShortStorage", "I16"},     {"torch.CharStorage", "I8"},
      {"torch.ByteStorage", "U8"},       {"torch.BoolStorage", "BOOL"}};
  const auto it = dtypes.find(global);
  return it == dtypes.end() ? "" : it->second;
}

// The callables whose records attnviz reads, all of them data constructors.
bool rebuilds_tensor(const std::string& g) {
  return g == "torch._utils._rebuild_tensor_v2" || g == "torch._utils._rebuild_tensor";
}
bool rebuilds_parameter(const std::string& g) {
  return g == "torch._utils._rebuild_parameter" ||
         g == "torch._utils._rebuild_parameter_with_state";
}

struct Storage {
  std::string dtype;
  std::string_view bytes;  // the whole storage
};

// A tensor the pickle describes: where its values lie and how they are laid out.
struct TensorRecord {
  std::string key;    // the storage's key
  std::string dtype;  // its dtype
  int64_t offset = 0;
  std::vector<int64_t> size, stride;
};

using Named = std::vector<std::pair<std::string, TensorRecord>>;  // in the file's order

class TorchReader {
 public:
  TorchReader(TensorTable& table, const pickle::Document& doc) : t_(table), doc_(doc) {}

  // The dtype of every storage the pickle names, by key (a class name for a type attnviz does
  // not read):
  // the legacy format needs them all to find where each storage's bytes end.
  std::map<std::string, std::string> storage_dtypes() const {
    std::map<std::string, std::string> out;
    for (const pickle::Value& v : doc_.values) {
      if (v.kind != Kind::Persistent) continue;
      std::string key, dtype;
      if (storage_id(v, key, dtype)) out[key] = dtype;
    }
    return out;
  }

  // The named tensors of the root: a state_dict, a dict holding one, or a module.
  Named tensors(uint32_t root) const {
    Named out;
    if (is_module(root)) {
      module(root, "", out, 0);
      return out;
    }
    if (const auto* items = dict_items(root)) {
      // A checkpoint's model first: nanoGPT's also holds best_val_loss, a tensor of its own.
      for (const char* name : {"model", "state_dict", "model_state_dict", "module", "net"}) {
        const uint32_t inner = lookup(*items, name);
        if (inner == kNoValue) continue;
        if (is_module(inner)) {
          module(inner, "", out, 0);
          return out;
        }
        if (const auto* d = dict_items(inner); d && holds_tensors(*d)) return state_dict(*d);
      }
      if (holds_tensors(*items)) return state_dict(*items);
    }
    t_.fail(Err::TorchNoStateDict, {describe(root)});
  }

  // nanoGPT's settings: checkpoint['model_args'] (n_layer, n_head, n_embd, block_size, …), and
  // the dataset of checkpoint['config'] (whose data/DATASET/meta.pkl holds the vocabulary).
  void settings(uint32_t root) {
    const auto* items = dict_items(root);
    if (items == nullptr) return;
    const uint32_t config = lookup(*items, "config");
    if (config != kNoValue && at(config).kind == Kind::Dict) {  // not needed: never refused
      const uint32_t dataset = lookup(at(config).items, "dataset");
      if (dataset != kNoValue && at(dataset).kind == Kind::Text && utf8_ok(at(dataset).text)) {
        t_.set_metadata("dataset", at(dataset).text);
      }
    }
    const uint32_t args = lookup(*items, "model_args");
    const auto* a = args == kNoValue ? nullptr : dict_items(args);
    if (a == nullptr) return;
    for (size_t i = 0; i + 1 < a->size(); i += 2) {
      const pickle::Value &k = doc_.at((*a)[i]), &v = doc_.at((*a)[i + 1]);
      if (k.kind == Kind::Text && v.kind == Kind::Int && utf8_ok(k.text)) {
        t_.set_metadata(k.text, std::to_string(v.integer));
      }
    }
    t_.set_settings_origin("model_args");
  }

 private:
  static bool utf8_ok(const std::string& s) {
    try {
      utf8::validate(s, "");
      return true;
    } catch (const Error&) {
      return false;
    }
  }
  // A name from the file, safe to print.
  static std::string shown(const std::string& s) {
    return utf8_ok(s) ? utf8::quoted(s) : std::string("(a name that is not UTF-8)");
  }

  const pickle::Value& at(uint32_t i) const {
    if (i == kNoValue || i >= doc_.values.size()) t_.fail(Err::TorchBadRecord, {"a value"});
    return doc_.values[i];
  }
  std::string callee_name(const pickle::Value& v) const {
    if (v.callee == kNoValue) return "";
    const pickle::Value& c = at(v.callee);
    return c.kind == Kind::Global ? c.text : "";
  }
  const std::vector<uint32_t>& args(const pickle::Value& v) const {
    static const std::vector<uint32_t> none;
    return v.args == kNoValue ? none : at(v.args).items;
  }

  // A dict's key, value, … pairs: a dict, or OrderedDict() with the items SETITEMS gave it. A
  // call of anything else on the way to the tensors is refused by name.
  const std::vector<uint32_t>* dict_items(uint32_t i) const {
    const pickle::Value& v = at(i);
    if (v.kind == Kind::Dict) return &v.items;
    if (v.kind == Kind::Call) {
      const std::string g = callee_name(v);
      if (g == "collections.OrderedDict") return &v.items;
      refuse_call(v);
    }
    return nullptr;
  }
  [[noreturn]] void refuse_call(const pickle::Value& v) const {
    t_.fail(Err::TorchCallRefused, {shown(callee_name(v).empty() ? "?" : callee_name(v))});
  }
  uint32_t lookup(const std::vector<uint32_t>& items, const std::string& name) const {
    for (size_t i = 0; i + 1 < items.size(); i += 2) {
      const pickle::Value& k = at(items[i]);
      if (k.kind == Kind::Text && k.text == name) return items[i + 1];
    }
    return kNoValue;
  }
  bool is_tensor(uint32_t i) const {
    const pickle::Value& v = at(i);
    if (v.kind != Kind::Call) return false;
    const std::string g = callee_name(v);
    return rebuilds_tensor(g) || rebuilds_parameter(g);
  }
  bool holds_tensors(const std::vector<uint32_t>& items) const {
    for (size_t i = 1; i < items.size(); i += 2) {
      if (is_tensor(items[i])) return true;
    }
    return false;
  }
  // An object of the user's own class (torch.save(model)): NEWOBJ, or copyreg's reconstructor,
  // whose state holds _parameters.
  bool is_module(uint32_t i) const {
    const pickle::Value& v = at(i);
    const bool record = v.kind == Kind::Object ||
                        (v.kind == Kind::Call && callee_name(v) == "copyreg._reconstructor");
    if (!record || v.state == kNoValue || at(v.state).kind != Kind::Dict) return false;
    return lookup(at(v.state).items, "_parameters") != kNoValue;
  }

  // What the root is, for an error: a record's class or callable, or a dict's first keys.
  std::string describe(uint32_t i) const {
    const pickle::Value& v = at(i);
    if (v.kind == Kind::Call || v.kind == Kind::Object) return "a " + shown(callee_name(v));
    if (v.kind != Kind::Dict) return "a value of another kind";
    std::string keys;
    for (size_t k = 0; k < v.items.size() && k < 10; k += 2) {
      const pickle::Value& key = at(v.items[k]);
      keys += (keys.empty() ? "" : ", ") + (key.kind == Kind::Text ? shown(key.text) : "…");
    }
    return "a dict (" + (keys.empty() ? std::string("empty") : keys) + ")";
  }

  Named state_dict(const std::vector<uint32_t>& items) const {
    Named out;
    add_tensors(items, "", out);
    return out;
  }

  // The tensors among a dict's key, value pairs, named prefix + key; other values are skipped.
  void add_tensors(const std::vector<uint32_t>& items, const std::string& prefix,
                   Named& out) const {
    for (size_t i = 0; i + 1 < items.size(); i += 2) {
      const pickle::Value& k = at(items[i]);
      if (k.kind != Kind::Text || !utf8_ok(k.text) || !is_tensor(items[i + 1])) continue;
      out.emplace_back(prefix + k.text, tensor(items[i + 1], prefix + k.text));
    }
  }

  // A module's parameters and buffers under their state_dict names, then its submodules'.
  void module(uint32_t i, const std::string& prefix, Named& out, int depth) const {
    if (depth > 64) t_.fail(Err::TorchBadRecord, {"modules nested too deep"});
    const std::vector<uint32_t>& state = at(at(i).state).items;
    for (const char* part : {"_parameters", "_buffers"}) {
      const uint32_t d = lookup(state, part);
      if (const auto* items = d == kNoValue ? nullptr : dict_items(d)) {
        add_tensors(*items, prefix, out);
      }
    }
    const uint32_t m = lookup(state, "_modules");
    const auto* children = m == kNoValue ? nullptr : dict_items(m);
    if (children == nullptr) return;
    for (size_t j = 0; j + 1 < children->size(); j += 2) {
      const pickle::Value& k = at((*children)[j]);
      if (k.kind == Kind::Text && utf8_ok(k.text) && is_module((*children)[j + 1])) {
        module((*children)[j + 1], prefix + k.text + ".", out, depth + 1);
      }
    }
  }

  // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, hooks[, metadata]),
  // or _rebuild_parameter(tensor, requires_grad, hooks).
  TensorRecord tensor(uint32_t i, const std::string& name) const {
    const pickle::Value* v = &at(i);
    for (int unwrap = 0; rebuilds_parameter(callee_name(*v)); ++unwrap) {
      if (unwrap > 4 || args(*v).empty()) t_.fail(Err::TorchBadTensor, {utf8::quoted(name)});
      v = &at(args(*v)[0]);
      if (v->kind != Kind::Call) t_.fail(Err::TorchBadTensor, {utf8::quoted(name)});
    }
    const std::vector<uint32_t>& a = args(*v);
    if (!rebuilds_tensor(callee_name(*v)) || a.size() < 4) {
      t_.fail(Err::TorchBadTensor, {utf8::quoted(name)});
    }
    TensorRecord r;
    const pickle::Value& storage = at(a[0]);
    if (storage.kind != Kind::Persistent || !storage_id(storage, r.key, r.dtype)) {
      t_.fail(Err::TorchBadTensor, {utf8::quoted(name)});
    }
    const pickle::Value& offset = at(a[1]);
    if (offset.kind != Kind::Int || offset.integer < 0) {
      t_.fail(Err::TorchBadTensor, {utf8::quoted(name)});
    }
    r.offset = offset.integer;
    r.size = ints(a[2], name);
    r.stride = ints(a[3], name);
    if (r.size.size() != r.stride.size()) t_.fail(Err::TorchBadTensor, {utf8::quoted(name)});
    return r;
  }
  // A tuple of non-negative ints (or torch.Size(tuple)).
  std::vector<int64_t> ints(uint32_t i, const std::string& name) const {
    const pickle::Value* v = &at(i);
    if (v->kind == Kind::Call && callee_name(*v) == "torch.Size" && !args(*v).empty()) {
      v = &at(args(*v)[0]);
    }
    if (v->kind != Kind::Tuple) t_.fail(Err::TorchBadTensor, {utf8::quoted(name)});
    std::vector<int64_t> out;
    for (const uint32_t item : v->items) {
      const pickle::Value& n = at(item);
      if (n.kind != Kind::Int || n.integer < 0 || n.integer > (int64_t{1} << 40)) {
        t_.fail(Err::TorchBadTensor, {utf8::quoted(name)});
      }
      out.push_back(n.integer);
    }
    return out;
  }
  // ('storage', StorageType, key, location, numel[, view metadata]): the key and the dtype. A
  // legacy view of another storage is refused.
  bool storage_id(const pickle::Value& p, std::string& key, std::string& dtype) const {
    if (p.items.empty()) return false;
    const pickle::Value& id = at(p.items[0]);
    if (id.kind != Kind::Tuple || id.items.size() < 5) return false;
    const pickle::Value &tag = at(id.items[0]), &type = at(id.items[1]), &k = at(id.items[2]);
    if (tag.kind != Kind::Text || tag.text != "storage" || type.kind != Kind::Global ||
        k.kind != Kind::Text) {
      return false;
    }
    if (id.items.size() > 5 && at(id.items[5]).kind != Kind::None) {
      t_.fail(Err::TorchStorageView, {shown(k.text)});
    }
    // A storage type attnviz does not read (torch.QInt8Storage, ComplexFloatStorage) keeps its
    // class's name: its tensor is refused when read, not here, since a model may carry such a
    // buffer it never needs.
    dtype = storage_dtype(type.text);
    if (dtype.empty()) dtype = shown(type.text);
    key = k.text;
    return utf8_ok(key);
  }

  TensorTable& t_;
  const pickle::Document& doc_;
};

// The table's entry for a tensor over `storage`: a view when its strides are row-major, else the
// values gathered into bytes the table keeps. Offsets and strides must stay inside the storage.
void add_tensor(TensorTable& table, const std::string& name, const TensorRecord& r,
                const Storage& storage, bool big_endian) {
  const auto size = static_cast<uint64_t>(dtype_size(storage.dtype));
  if (size == 0) {  // a storage type attnviz does not read: refused if the tensor is read
    table.add(name, TableEntry{storage.dtype, r.size, {}, big_endian});
    return;
  }
  if (r.offset > (int64_t{1} << 40)) table.fail(Err::TorchBadTensor, {utf8::quoted(name)});
  uint64_t elements = 1, last = 0;  // last: the offset of the last element, from r.offset
  bool row_major = true;
  int64_t expected = 1;
  for (size_t d = r.size.size(); d-- > 0;) {
    elements *= static_cast<uint64_t>(r.size[d]);
    if (r.size[d] > 1 && r.stride[d] != expected) row_major = false;
    last += static_cast<uint64_t>(std::max<int64_t>(r.size[d] - 1, 0)) *
            static_cast<uint64_t>(r.stride[d]);
    expected *= r.size[d];
    if (elements > (uint64_t{1} << 40) || last > (uint64_t{1} << 40)) {
      table.fail(Err::TorchBadTensor, {utf8::quoted(name)});
    }
  }
  const uint64_t needed = elements == 0 ? 0 : (static_cast<uint64_t>(r.offset) + last + 1) * size;
  if (needed > storage.bytes.size()) {
    table.fail(Err::TorchStorageShort,
               {utf8::quoted(name), utf8::quoted(r.key), std::to_string(storage.bytes.size()),
                std::to_string(needed)});
  }
  TableEntry e{storage.dtype, r.size, {}, big_endian};
  if (elements == 0) {  // an empty tensor holds no bytes, wherever its offset points
  } else if (row_major) {
    e.bytes = storage.bytes.substr(static_cast<size_t>(r.offset * size),
                                   static_cast<size_t>(elements * size));
  } else {  // gathered element by element, in row-major order
    // Strides that revisit elements (an expanded tensor) could make a copy far larger than the
    // file: such a tensor is refused, not gathered.
    if (elements * size > storage.bytes.size()) {
      table.fail(Err::TorchOverlapping, {utf8::quoted(name)});
    }
    auto copy = std::make_shared<std::string>(static_cast<size_t>(elements * size), '\0');
    std::vector<int64_t> index(r.size.size(), 0);
    for (uint64_t n = 0; n < elements; ++n) {
      int64_t at = r.offset;
      for (size_t d = 0; d < index.size(); ++d) at += index[d] * r.stride[d];
      std::memcpy(copy->data() + n * size, storage.bytes.data() + static_cast<uint64_t>(at) * size,
                  size);
      for (size_t d = index.size(); d-- > 0;) {
        if (++index[d] < r.size[d]) break;
        index[d] = 0;
      }
    }
    e.bytes = *copy;
    table.keep(std::move(copy));
  }
  table.add(name, std::move(e));
}

class TorchStateDict final : public TensorTable {
 public:
  TorchStateDict(std::string_view bytes, std::string name, bool mapped)
      : TensorTable(std::move(name), mapped) {
    if (looks_like_zip(bytes)) {
      read_archive(bytes, mapped);
    } else {
      read_legacy(bytes);
    }
  }

 private:
  // `mapped`: the pages read for each storage's local header leave memory again (see below).
  void read_archive(std::string_view bytes, bool mapped) {
    const std::vector<ZipEntry> entries = read_zip(bytes, name());
    const ZipEntry* pkl = nullptr;
    for (const ZipEntry& e : entries) {
      const size_t slash = e.name.find('/');
      if (slash != std::string::npos && e.name.substr(slash + 1) == "data.pkl") pkl = &e;
    }
    if (pkl == nullptr) fail(Err::TorchNoPickle, {});
    const std::string folder = pkl->name.substr(0, pkl->name.find('/') + 1);
    bool big_endian = false;
    std::map<std::string, const ZipEntry*> data;  // storages, read only where a tensor is
    for (const ZipEntry& e : entries) {
      if (e.name == folder + "byteorder") big_endian = zip_data(bytes, e, name()) == "big";
      if (e.name.compare(0, folder.size() + 5, folder + "data/") == 0) {
        data[e.name.substr(folder.size() + 5)] = &e;
      }
    }
    const pickle::Document doc =
        pickle::parse(zip_data(bytes, *pkl, name()), name() + " " + pkl->name);
    TorchReader reader(*this, doc);
    for (const auto& [key, record] : reader.tensors(doc.root)) {
      const auto d = data.find(record.key);
      if (d == data.end())
        fail(Err::TorchStorageMissing, {utf8::quoted(key), utf8::quoted(record.key)});
      add_tensor(*this, key, record, Storage{record.dtype, zip_data(bytes, *d->second, name())},
                 big_endian);
      // Reading a local header maps the file's pages around it (Linux maps 64 KiB around a
      // fault): released again, so the storages of blocks a run never reaches cost nothing.
      if (mapped) {
        constexpr uint64_t kAround = 64 << 10;
        const uint64_t from = d->second->local / kAround * kAround;
        release_pages(bytes.data() + from, std::min<uint64_t>(kAround, bytes.size() - from));
      }
    }
    reader.settings(doc.root);
  }

  void read_legacy(std::string_view bytes) {
    if (bytes.substr(0, kLegacyStart.size()) != kLegacyStart) fail(Err::TorchLegacyMagic, {});
    size_t at = 0;
    const auto next = [&]() {
      pickle::Document d = pickle::parse(bytes.substr(at), name());
      at += d.end;
      return d;
    };
    next();  // the magic number
    const pickle::Document version = next();
    const pickle::Value& v = version.at(version.root);
    if (v.kind != Kind::Int || v.integer != 1001) fail(Err::TorchLegacyVersion, {});
    next();  // sys_info: the storages below are little-endian whatever it says
    const pickle::Document doc = next();
    const pickle::Document keys = next();
    TorchReader reader(*this, doc);
    const auto dtypes = reader.storage_dtypes();
    std::map<std::string, Storage> storages;
    const pickle::Value& list = keys.at(keys.root);
    if (list.kind != Kind::List) fail(Err::TorchLegacyKeys, {});
    for (const uint32_t k : list.items) {
      const pickle::Value& key = keys.at(k);
      const auto dtype = key.kind == Kind::Text ? dtypes.find(key.text) : dtypes.end();
      if (dtype == dtypes.end()) fail(Err::TorchLegacyKeys, {});
      // Where the next storage starts depends on this one's element size.
      if (dtype_size(dtype->second) == 0) fail(Err::TorchUnknownStorage, {utf8::quoted(key.text)});
      if (bytes.size() - at < 8) fail(Err::TorchLegacyCut, {utf8::quoted(key.text)});
      uint64_t count;
      std::memcpy(&count, bytes.data() + at, 8);
      at += 8;
      const auto size = static_cast<uint64_t>(dtype_size(dtype->second));
      if (count > (bytes.size() - at) / size) fail(Err::TorchLegacyCut, {utf8::quoted(key.text)});
      storages[key.text] =
          Storage{dtype->second, bytes.substr(at, static_cast<size_t>(count * size))};
      at += static_cast<size_t>(count * size);
    }
    for (const auto& [key, record] : reader.tensors(doc.root)) {
      const auto s = storages.find(record.key);
      if (s == storages.end())
        fail(Err::TorchStorageMissing, {utf8::quoted(key), utf8::quoted(record.key)});
      add_tensor(*this, key, record, s->second, false);
    }
    reader.settings(doc.root);
  }
};

}  // namespace

bool looks_like_pickle(std::string_view bytes) {
  return bytes.size() >= 2 && bytes[0] == '\x80' && bytes[1] >= 2 && bytes[1] <= 5;
}

std::unique_ptr<StateDict> open_torch_file(std::string_view bytes, std::string name, bool mapped) {
  return std::make_unique<TorchStateDict>(bytes, std::move(name), mapped);
}

}  // namespace attnviz
