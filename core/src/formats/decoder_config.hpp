// config.json of the decoders after GPT-2, read into DecoderSettings (private header).
#pragma once

#include <string>

#include "attnviz/formats/model_folder.hpp"
#include "formats/config_reader.hpp"

namespace attnviz {

// llama, mistral, qwen2, qwen3, gemma, gemma2, gemma3_text, and gemma3 (whose text_config is a
// gemma3_text's).
bool is_decoder_type(const std::string& model_type);

// The fields of a config.json of one of those types but gemma3 (read its text_config as
// gemma3_text), each checked; Error naming the file and field.
DecoderSettings read_decoder_config(ConfigReader& r, const std::string& model_type,
                                    const Limits& limits);

}  // namespace attnviz
