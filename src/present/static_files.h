#pragma once
// The dashboard's files under server.web_root: request paths mapped to files without ever
// leaving the root (no `..`, however encoded; no absolute paths; no symlink out), with the
// content type of each kind of file the build produces.
#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

#include "present/api_response.h"

namespace rg {

// The file a decoded request path names, relative to the root: "/" → "index.html",
// "/assets/app.js" → "assets/app.js". Refuses (with a message for the 400) a `..` or `.`
// segment, a backslash, or a control character; empty segments ("//") are skipped.
std::expected<std::filesystem::path, std::string> static_relative_path(std::string_view decoded_path);

// By extension; application/octet-stream for anything unknown.
std::string_view content_type_for(const std::filesystem::path& file);

// Blocking (it reads the disk): runs on the worker pool. 200 with the file; 404 JSON when it is
// missing, a directory, or resolves outside `root`; for index.html missing, 503 with a plain
// text message saying how to build the dashboard.
ApiResponse read_static_file(const std::filesystem::path& root, const std::filesystem::path& relative);

}  // namespace rg
