#pragma once

#include <filesystem>
#include <string_view>

namespace rg::lab {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it when the object dies.
// Fixtures put every file of a real server (config, data, sockets, logs) in one, so a test
// leaves nothing behind and two tests never share state.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "rg-test-");
  ~TempDir();

  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;

  const std::filesystem::path& path() const { return path_; }

 private:
  void remove() noexcept;

  std::filesystem::path path_;  // empty once moved from
};

}  // namespace rg::lab
