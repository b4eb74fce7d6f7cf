#pragma once

#include <filesystem>
#include <string_view>

namespace runcast::test {

/// A fresh directory (mkdtemp under $TMPDIR, else /tmp), removed with everything in it when
/// the object dies. Declare it before any server_process that writes into it, so the server
/// is stopped before its files disappear.
class temp_dir {
public:
  /// Creates `<tmp>/<prefix>-XXXXXX`; throws std::system_error if that fails.
  explicit temp_dir(std::string_view prefix = "runcast-test");

  /// Removes the directory recursively; errors are ignored (a destructor must not throw).
  ~temp_dir();

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  /// Takes over the directory; the moved-from object owns nothing.
  temp_dir(temp_dir&& other) noexcept;

  /// Removes the directory this object owns, then takes over `other`'s.
  temp_dir& operator=(temp_dir&& other) noexcept;

  /// The directory's absolute path.
  const std::filesystem::path& path() const noexcept { return path_; }

  /// `path() / name`, for files the test creates inside.
  std::filesystem::path file(std::string_view name) const { return path_ / name; }

private:
  void remove() noexcept;

  std::filesystem::path path_;
};

} // namespace runcast::test
