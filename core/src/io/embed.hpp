// Files embedded in the binary byte for byte by the assembler's .incbin: ATTNVIZ_EMBED(name,
// "path") defines the bytes as attnviz_<name>_begin … attnviz_<name>_end. The build passes each
// path and lists the file in the source's OBJECT_DEPENDS, so a change to it rebuilds the object.
#pragma once

#include <cstddef>
#include <string_view>

// clang-format off
#define ATTNVIZ_EMBED(name, path)                  \
  __asm__(".pushsection .rodata\n"                 \
          ".balign 64\n"                           \
          ".globl attnviz_" #name "_begin\n"       \
          ".hidden attnviz_" #name "_begin\n"      \
          "attnviz_" #name "_begin:\n"             \
          ".incbin \"" path "\"\n"                 \
          ".globl attnviz_" #name "_end\n"         \
          ".hidden attnviz_" #name "_end\n"        \
          "attnviz_" #name "_end:\n"               \
          ".popsection\n");                        \
  extern "C" const char attnviz_##name##_begin[];  \
  extern "C" const char attnviz_##name##_end[];
// clang-format on

// The bytes of ATTNVIZ_EMBED(name, …).
#define ATTNVIZ_EMBEDDED(name)             \
  std::string_view(attnviz_##name##_begin, \
                   static_cast<size_t>(attnviz_##name##_end - attnviz_##name##_begin))
