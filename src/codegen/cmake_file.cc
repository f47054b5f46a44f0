// SPDX-License-Identifier: MIT
#include "codegen/cmake_file.h"

#include "codegen/c_writer.h"
#include "codegen/generated_note.h"

namespace msf::codegen {

std::string CMakeListsFile(const Options& options, const std::vector<std::string>& sources,
                           const std::vector<std::string>& defines) {
  // Every path is msf's own (model*.c, runtime/...): no user text reaches
  // this file but the labels, which MakeText keeps inside the comment.
  std::string s;
  s += "# " + std::string(kGeneratedNote) + "\n";
  s += "# model: " + MakeText(options.model_label) + ", plan: " + MakeText(options.plan_label) + "\n";
  s += "# The model and the msf runtime as the static library msf_model: add_subdirectory() this\n";
  s += "# folder from a firmware's CMake build and link msf_model; the firmware's toolchain file\n";
  s += "# gives the CPU flags. The Makefile beside it builds and runs the harness (make run).\n";
  s += "cmake_minimum_required(VERSION 3.13)\n";
  s += "project(msf_model C)\n";
  s += "add_library(msf_model STATIC\n";
  for (const std::string& f : sources) s += "  " + f + "\n";
  s += ")\n";
  s += "target_include_directories(msf_model PUBLIC ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/runtime/include)\n";
  if (!defines.empty()) {
    s += "# Kernel kinds this plan never runs: their code is left out of the patch loop.\n";
    s += "target_compile_definitions(msf_model PRIVATE";
    for (const std::string& d : defines) s.append(" ").append(d, 2);  // without "-D"
    s += ")\n";
  }
  s += "set_target_properties(msf_model PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)\n";
  return s;
}

}  // namespace msf::codegen
