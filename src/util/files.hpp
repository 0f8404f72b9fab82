#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace kaniko {

// mkdtemp's random part: `prefix` then this many characters name a TempDir.
inline constexpr std::size_t k_temp_dir_suffix_length = 6;

// A directory of our own (mode 0700, from mkdtemp), removed with everything in it when it goes.
class TempDir {
public:
    static Expected<TempDir> create(const std::string& parent, const std::string& prefix);
    TempDir(TempDir&& other) noexcept : m_path(std::exchange(other.m_path, {})) {}
    TempDir& operator=(TempDir&&) = delete;
    TempDir(const TempDir&) = delete;
    ~TempDir();

    const std::string& path() const { return m_path; }

private:
    explicit TempDir(std::string path) : m_path(std::move(path)) {}
    std::string m_path;
};

// Creates `path` with mode 0600 and refuses to follow or reuse anything already there.
Status write_private_file(const std::string& path, std::string_view text);
// Writes a new private file beside `path` and renames it over `path`, so that a reader sees the old
// content or the new, never half of either.
Status replace_private_file(const std::string& path, std::string_view text);
Status make_private_dir(const std::string& path);
std::optional<std::string> read_text_file(const std::string& path);
void remove_tree(const std::string& path) noexcept;

// Entries in `parent` named `prefix` and then exactly `suffix_length` more characters.
std::vector<std::string> entries_named(const std::string& parent, std::string_view prefix, std::size_t suffix_length);

// `relative` resolved inside `base` with symbolic links followed, or nothing when it ends up outside;
// an Error when the disk cannot tell (a directory that cannot be read, a loop of links).
Expected<std::optional<std::string>> resolve_inside(const std::string& base, const std::string& relative);

}  // namespace kaniko
