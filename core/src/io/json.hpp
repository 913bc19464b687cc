// The JSON type used inside core (private header): nlohmann/json with float32 numbers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "attnviz/matrix.hpp"

namespace attnviz {

// Floats are float32, so dump() prints the shortest text that reads back to the same float32
// (0.1, not 0.10000000149011612), and parsing rounds each number once, straight to float32.
using Json = nlohmann::basic_json<nlohmann::ordered_map, std::vector, std::string, bool,
                                  std::int64_t, std::uint64_t, float>;

// Indented like json.dumps(indent=2), except that an array of numbers stays on one line, so a
// matrix prints one row per line.
std::string to_pretty_json(const Json& value);

// The same layout appended to `out`, for a value nested `depth` levels deep.
void append_pretty_json(const Json& value, int depth, std::string& out);

// A finite float as the shortest text that reads back to it, with ".0" when it has no point or
// exponent ("1.0", "0.25", "1e-05"), as the JSON outputs print numbers.
void append_float(float value, std::string& out);

// A matrix as an array of rows: (rows, cols) → [[...], ...].
Json matrix_to_json(const Matrix& m);

}  // namespace attnviz
