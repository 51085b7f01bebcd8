#include "present/static_files.h"

#include <array>
#include <fstream>
#include <system_error>

namespace rg {
namespace {

constexpr std::uintmax_t kMaxFileSize = 32 * 1024 * 1024;

struct ContentType {
  std::string_view extension;
  std::string_view type;
};

constexpr std::array<ContentType, 17> kContentTypes{{
    {".html", "text/html; charset=utf-8"},
    {".htm", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".gif", "image/gif"},
    {".ico", "image/x-icon"},
    {".webp", "image/webp"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
}};

bool within(const std::filesystem::path& root, const std::filesystem::path& file) {
  auto r = root.begin();
  auto f = file.begin();
  for (; r != root.end(); ++r, ++f)
    if (f == file.end() || *r != *f) return false;
  return true;
}

}  // namespace

std::expected<std::filesystem::path, std::string> static_relative_path(std::string_view decoded_path) {
  if (!decoded_path.starts_with('/')) return std::unexpected("the path must start with /");
  std::filesystem::path relative;
  std::string_view rest = decoded_path;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (segment.empty()) continue;
    if (segment == "." || segment == "..") return std::unexpected("`.` and `..` are not allowed in paths");
    for (const char c : segment)
      if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        return std::unexpected("backslashes and control characters are not allowed in paths");
    relative /= std::string(segment);
  }
  if (relative.empty()) return std::filesystem::path("index.html");
  return relative;
}

std::string_view content_type_for(const std::filesystem::path& file) {
  const std::string extension = file.extension().string();
  for (const auto& entry : kContentTypes)
    if (entry.extension == extension) return entry.type;
  return "application/octet-stream";
}

ApiResponse read_static_file(const std::filesystem::path& root, const std::filesystem::path& relative) {
  // Dotfiles (.git/, .env, editor swap files) are never part of the built dashboard.
  for (const auto& part : relative)
    if (part.string().starts_with('.')) return not_found("no such file");
  const bool index = relative == "index.html";
  std::error_code ec;
  const auto canonical_root = std::filesystem::canonical(root, ec);
  const auto file = ec ? std::filesystem::path() : std::filesystem::canonical(canonical_root / relative, ec);
  const bool regular = !ec && std::filesystem::is_regular_file(file, ec) && !ec;
  if (!regular || !within(canonical_root, file)) {
    // The path stays in the daemon's start-up log: a client is not told where files live.
    if (index) return unavailable("the dashboard is not built on this server (see the daemon's log)");
    return not_found("no such file");
  }
  const auto size = std::filesystem::file_size(file, ec);
  if (ec || size > kMaxFileSize) return not_found("no such file");
  std::ifstream in(file, std::ios::binary);
  if (!in.is_open()) return not_found("no such file");
  std::string body(static_cast<std::size_t>(size), '\0');
  in.read(body.data(), static_cast<std::streamsize>(body.size()));
  body.resize(static_cast<std::size_t>(in.gcount()));
  ApiResponse response = text_response(200, std::string(content_type_for(file)), std::move(body));
  // The page is rebuilt in place (same names): revalidate rather than cache stale code.
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

}  // namespace rg
