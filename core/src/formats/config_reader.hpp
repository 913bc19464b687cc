// Reading config.json's fields one by one, each checked, each error naming the file and the field
// (private header: model_folder.cpp and decoder_config.cpp).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "attnviz/error.hpp"
#include "attnviz/text/utf8.hpp"

namespace attnviz {

class ConfigReader {
 public:
  using Json = nlohmann::json;
  ConfigReader(const Json& doc, const std::string& name) : doc_(doc), name_(name) {}

  const std::string& name() const { return name_; }
  // Whether the field is there and not null (transformers writes null for "use the default").
  bool has(const char* key) const { return doc_.contains(key) && !doc_.at(key).is_null(); }
  // Whether the field is there as null: for some fields null means "none", not the default.
  bool is_null(const char* key) const { return doc_.contains(key) && doc_.at(key).is_null(); }
  const Json& at(const char* key) const { return doc_.at(key); }

  // An integer in [min, max]; absent or null: nullopt, or an Error when `required`.
  std::optional<int> integer(const char* key, int64_t min, int64_t max, bool required = false) {
    if (!has(key)) {
      if (required) missing(key);
      return std::nullopt;
    }
    const Json& v = doc_.at(key);
    if (!v.is_number_integer() || v.get<int64_t>() < min || v.get<int64_t>() > max) {
      fail(key, v, Words(Err::ExpectInteger, {std::to_string(min), std::to_string(max)}));
    }
    return static_cast<int>(v.get<int64_t>());
  }

  // A number in (min, max): float32 both ways (1e-50 is a positive double but a float32 0).
  std::optional<double> number(const char* key, double min, double max, Words expected) {
    if (!has(key)) return std::nullopt;
    const Json& v = doc_.at(key);
    if (!v.is_number() || !(static_cast<float>(v.get<double>()) > static_cast<float>(min)) ||
        !(v.get<double>() < max)) {
      fail(key, v, std::move(expected));
    }
    return v.get<double>();
  }

  std::optional<float> epsilon(const char* key) {
    const auto v = number(key, 0.0, 0.1, Words(Err::ExpectEpsilon, {}));
    if (!v) return std::nullopt;
    return static_cast<float>(*v);
  }

  bool flag(const char* key, bool absent = false) {
    if (!has(key)) return absent;
    const Json& v = doc_.at(key);
    if (!v.is_boolean()) fail(key, v, Words(Err::ExpectBoolean, {}));
    return v.get<bool>();
  }

  std::optional<std::string> text(const char* key) {
    if (!has(key)) return std::nullopt;
    const Json& v = doc_.at(key);
    if (!v.is_string()) fail(key, v, Words(Err::ExpectString, {}));
    return v.get<std::string>();
  }

  [[noreturn]] void missing(const char* key) const {
    throw Error(Err::InFile, {name_, Words(Err::MissingSetting, {utf8::quoted(key)})});
  }
  [[noreturn]] void fail(const std::string& key, const Json& found, Words expected) const {
    throw Error(Err::ConfigField,
                {name_, key, utf8::truncate_to_width(found.dump(), 30), std::move(expected)});
  }

 private:
  const Json& doc_;
  const std::string& name_;
};

}  // namespace attnviz
