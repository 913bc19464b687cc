// PyTorch's own files (formats/torch_file.cpp, zip_archive.cpp, pickle.cpp) against what
// torch.save wrote (reference/make_torch_files.py): every dtype, strides, shared storages, the
// legacy format and big-endian files read value for value; hostile and broken files refused with
// a one-line error. The whole models saved this way are checked against PyTorch's forward in
// transformer_test.cpp (ModelFixture), beside their safetensors twins.
#include <gtest/gtest.h>

#include <string>

#include "attnviz/formats/pickle.hpp"
#include "attnviz/formats/state_dict.hpp"
#include "attnviz/formats/zip_archive.hpp"
#include "reference_util.hpp"
#include "test_util.hpp"

namespace attnviz {
namespace {

using test::json;

const std::string kFiles = ATTNVIZ_REFERENCE "/torch_files/";

std::string open_error(const std::string& bytes, const std::string& name = "m.pth") {
  return test::error_of([&] { open_state_dict(bytes, name); });
}

// Each float tensor of `file` as torch.save wrote it: its shape and float32 values.
void expect_tensors(const std::string& file, const std::vector<std::string>& keys) {
  const json expected = json::parse(test::slurp(kFiles + "tensors.expected.json"));
  const std::string bytes = test::slurp(kFiles + file);
  const auto sd = open_state_dict(bytes, file);
  for (const std::string& key : keys) {
    const json& want = expected["tensors"][key];
    const auto shape = want["shape"].get<std::vector<int64_t>>();
    EXPECT_EQ(sd->shape(key), shape) << file << " " << key;
    test::expect_bit_equal(sd->tensor(key, static_cast<int>(shape.size())), want["values"],
                           file + " " + key);
  }
}

const std::vector<std::string> kFloats = {"f32",        "f16",    "bf16", "f64",
                                          "transposed", "sliced", "tied", "vector"};

TEST(TorchFile, ZipFormatEveryDtypeStridesAndSharedStorages) {
  expect_tensors("tensors.pth", kFloats);
}

TEST(TorchFile, LegacyFormat) { expect_tensors("tensors_legacy.pth", kFloats); }

// Saved on a GPU ("cuda:0"): read as torch.load(map_location="cpu") reads it.
TEST(TorchFile, GpuStoragesAreReadAsCpuOnes) { expect_tensors("tensors_cuda.pth", kFloats); }

TEST(TorchFile, BigEndianFilesAreSwapped) {
  const json expected = json::parse(test::slurp(kFiles + "tensors.expected.json"));
  expect_tensors("tensors_big_endian.pth", expected["big_endian"].get<std::vector<std::string>>());
}

TEST(TorchFile, ContiguousFloat32IsAViewOfTheFileAndTiedNamesShareIt) {
  const std::string bytes = test::slurp(kFiles + "tensors.pth");
  const auto sd = open_state_dict(bytes, "tensors.pth");
  const Tensor a = sd->tensor("f32", 2), b = sd->tensor("tied", 2);
  EXPECT_EQ(a.data(), b.data());
  EXPECT_GE(reinterpret_cast<const char*>(a.data()), bytes.data());
  EXPECT_LT(reinterpret_cast<const char*>(a.data()), bytes.data() + bytes.size());
  // Buffers that are not floats are in the file and refused only when asked for as weights.
  EXPECT_TRUE(sd->has("steps"));
  EXPECT_EQ(test::error_of([&] { sd->tensor("steps", 1); }),
            "tensors.pth: \"steps\" has dtype I64; attnviz reads F32, F16, BF16 and F64");
}

TEST(TorchFile, AHostilePickleIsRefusedByNameAndNeverRun) {
  EXPECT_NE(open_error(test::slurp(kFiles + "evil_system.pth"), "evil_system.pth")
                .find("evil_system.pth: the pickle calls \"posix.system\""),
            std::string::npos);
  // Protocol 2 writes Python 3's builtins under their Python 2 name.
  EXPECT_NE(open_error(test::slurp(kFiles + "evil_eval.pth")).find("\"__builtin__.eval\""),
            std::string::npos);
}

// A storage type attnviz does not read (complex64) is refused only when its tensor is read; the
// legacy format, which needs its element size to find the next storage, refuses the file.
TEST(TorchFile, AnUnreadableStorageTypeIsRefusedWhenRead) {
  const std::string bytes = test::slurp(kFiles + "complex_buffer.pth");
  const auto sd = open_state_dict(bytes, "c.pth");
  EXPECT_EQ(sd->tensor("w", 2)(1, 1), 3.0f);
  EXPECT_FALSE(sd->is_float("c"));
  EXPECT_EQ(test::error_of([&] { sd->tensor("c", 1); }),
            "c.pth: \"c\" has dtype \"torch.ComplexFloatStorage\"; attnviz reads F32, F16, BF16 "
            "and F64");
  EXPECT_NE(open_error(test::slurp(kFiles + "complex_buffer_legacy.pth"))
                .find("a storage type attnviz does not read"),
            std::string::npos);
}

// A legacy file the fuzzer made: an empty tensor whose offset lies past its storage once read as
// a range outside the file (std::out_of_range, an internal error). It opens, or is an Error.
TEST(TorchFile, FuzzFindingsAreErrorsOrOpen) {
  const std::string bytes =
      test::slurp(ATTNVIZ_REFERENCE "/../fuzz/corpus/torch_file/regression-empty-tensor-offset");
  EXPECT_NO_THROW(open_error(bytes));
}

TEST(TorchFile, AFileWithoutTensorsSaysWhatItHolds) {
  EXPECT_EQ(open_error(test::slurp(kFiles + "no_tensors.pth")),
            "m.pth: no tensors found: the pickle holds a dict (\"epoch\", \"lr\"), not a "
            "state_dict, a dict with one (\"model\", \"state_dict\", \"model_state_dict\") or a "
            "module");
}

TEST(TorchFile, BrokenArchivesAreOneLineErrors) {
  const std::string good = test::slurp(kFiles + "tensors.pth");
  EXPECT_EQ(open_error(test::slurp(kFiles + "compressed.pth"))
                .rfind("m.pth: not a readable zip archive: entry \"", 0),
            0u);
  EXPECT_NE(open_error(test::slurp(kFiles + "duplicate.pth")).find("appears twice"),
            std::string::npos);
  // Cut anywhere: the end record is gone, or what it points to lies outside the file.
  for (size_t cut : {size_t{10}, good.size() / 2, good.size() - 30, good.size() - 1}) {
    const std::string error = open_error(good.substr(0, cut));
    EXPECT_EQ(error.rfind("m.pth: not a readable zip archive: ", 0), 0u) << cut << ": " << error;
  }
  // The central directory's offset pointed past the end of the file: torch.save writes zip64
  // end records, whose offset (8 bytes, 50 from the end here) is the one read.
  std::string moved = good;
  moved[moved.size() - 43] = '\x7f';
  EXPECT_EQ(open_error(moved),
            "m.pth: not a readable zip archive: the central directory lies outside the file");
}

TEST(TorchFile, ACutLegacyFileIsAnError) {
  const std::string legacy = test::slurp(kFiles + "tensors_legacy.pth");
  const std::string cut = open_error(legacy.substr(0, legacy.size() - 7));
  EXPECT_EQ(cut.rfind("m.pth: the file ends inside storage \"", 0), 0u) << cut;
  EXPECT_NE(open_error(std::string("\x80\x02\x61\x62\x63", 5)).find("no legacy magic number"),
            std::string::npos);
}

TEST(TorchFile, BinaryFilesOfNoFormatSayWhichFormatsAttnvizReads) {
  EXPECT_EQ(open_error(std::string("\x00\x01\x02\x03", 4), "p.bin"),
            "p.bin: not a weights file attnviz reads: PyTorch's .pth/.pt/.bin (torch.save), "
            "safetensors, or attnviz's JSON");
}

// The pickle machine alone, on the malformed pickles the issue names.
std::string pickle_error(const std::string& bytes) {
  return test::error_of([&] { pickle::parse(bytes, "p"); });
}

TEST(Pickle, MalformedPicklesAreErrorsNamingTheByte) {
  EXPECT_EQ(pickle_error(""), "p: pickle byte 0: the pickle ends without STOP");
  EXPECT_EQ(pickle_error("\x80\x02R."),
            "p: pickle byte 2: REDUCE needs more values than the stack holds");
  EXPECT_EQ(pickle_error("(."), "p: pickle byte 1: a MARK is still open at STOP");
  EXPECT_EQ(pickle_error("a."), "p: pickle byte 0: APPEND needs more values than the stack holds");
  EXPECT_EQ(pickle_error("e."), "p: pickle byte 0: APPENDS without a MARK before it");
  EXPECT_EQ(pickle_error("h\x05."), "p: pickle byte 0: memo entry 5 was never stored");
  EXPECT_EQ(pickle_error(std::string("X\xff\xff\xff\x7f", 5)),
            "p: pickle byte 0: the data ends inside BINUNICODE");
  EXPECT_EQ(pickle_error("\x80\x09."),
            "p: pickle byte 0: pickle protocol 9 (attnviz reads 0 to 5)");
  EXPECT_EQ(pickle_error("\xff."), "p: pickle byte 0: unknown opcode 0xff");
  EXPECT_EQ(pickle_error("}K\x01"
                         "a."),
            "p: pickle byte 3: APPEND applied to a dict");
  EXPECT_EQ(pickle_error("\x82\x01."),
            "p: pickle byte 0: EXT1/EXT2/EXT4 needs data from outside the file (not supported)");
}

TEST(Pickle, DeepNestingAndMemoDuplicationStayCheap) {
  // 10⁶ lists nested in each other: no recursion, so no stack overflow, here or when freed.
  const size_t n = 1000000;
  const pickle::Document deep = pickle::parse(std::string(n, '(') + std::string(n, 'l') + ".", "p");
  EXPECT_EQ(deep.values.size(), n);
  // A value duplicated a million times is one value referenced a million times.
  const pickle::Document dup =
      pickle::parse(std::string("(]q\x00", 4) + std::string(n, '2') + "l.", "p");
  EXPECT_EQ(dup.values.size(), 2u);
  EXPECT_EQ(dup.at(dup.root).items.size(), n + 1);
  // And the limit on values holds.
  EXPECT_EQ(test::error_of([&] { pickle::parse(std::string(100, ']') + ".", "p", 10); }),
            "p: pickle byte 10: more than 10 values, the limit");
}

TEST(Pickle, GlobalsAreNamesAndCallsAreRecords) {
  // posix.system("x"), as a pickle writes it: a global and a call record, nothing run.
  const char raw[] = "cposix\nsystem\nX\x01\x00\x00\x00x\x85R.";
  const std::string bytes(raw, sizeof raw - 1);
  const pickle::Document d = pickle::parse(bytes, "p");
  const pickle::Value& call = d.at(d.root);
  EXPECT_EQ(call.kind, pickle::Kind::Call);
  EXPECT_EQ(d.at(call.callee).text, "posix.system");
  EXPECT_EQ(d.at(d.at(call.args).items.at(0)).text, "x");
}

TEST(Zip, LooksLikeZip) {
  EXPECT_TRUE(looks_like_zip(test::slurp(kFiles + "tensors.pth")));
  EXPECT_FALSE(looks_like_zip("PK"));
}

}  // namespace
}  // namespace attnviz
