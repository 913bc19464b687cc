// nlohmann/json's words for a parse error, as attnviz quotes them in its own messages.
#pragma once

#include <exception>
#include <string>

namespace attnviz {

// e.what() without its "[json.exception.parse_error.101]" tag, cut to 200 columns: its "last
// read" quotes everything since the last token, and 100 000 '[' are one token.
std::string parse_error_detail(const std::exception& e);

}  // namespace attnviz
