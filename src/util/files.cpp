#include "util/files.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kaniko {

namespace fs = std::filesystem;

Expected<TempDir> TempDir::create(const std::string& parent, const std::string& prefix) {
    std::string pattern = fmt::format("{}/{}{}", parent, prefix, std::string(k_temp_dir_suffix_length, 'X'));
    if (::mkdtemp(pattern.data()) == nullptr) {
        return Error::failure(fmt::format("cannot create a private directory in {}: {}; set TMPDIR to a writable "
                                          "directory",
                                          parent, std::strerror(errno)));
    }
    return TempDir(std::move(pattern));
}

TempDir::~TempDir() {
    if (!m_path.empty()) remove_tree(m_path);
}

Status write_private_file(const std::string& path, std::string_view text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return Error::failure(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
    std::size_t written = 0;
    while (written < text.size()) {
        const auto n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const auto reason = std::strerror(errno);
            ::close(fd);
            return Error::failure(fmt::format("cannot write {}: {}", path, reason));
        }
        written += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) return Error::failure(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
    return Ok{};
}

Status replace_private_file(const std::string& path, std::string_view text) {
    const auto staged = path + ".new";
    ::unlink(staged.c_str());
    if (auto written = write_private_file(staged, text); !written) return written;
    if (::rename(staged.c_str(), path.c_str()) != 0) {
        return Error::failure(fmt::format("cannot replace {}: {}", path, std::strerror(errno)));
    }
    return Ok{};
}

Status make_private_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0700) != 0) {
        return Error::failure(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
    }
    return Ok{};
}

std::optional<std::string> read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void remove_tree(const std::string& path) noexcept {
    std::error_code ignored;
    fs::remove_all(path, ignored);
}

std::vector<std::string> entries_named(const std::string& parent, std::string_view prefix, std::size_t suffix_length) {
    std::vector<std::string> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
        const auto name = entry.path().filename().string();
        if (name.size() == prefix.size() + suffix_length && name.starts_with(prefix)) found.push_back(entry.path().string());
    }
    return found;
}

Expected<std::optional<std::string>> resolve_inside(const std::string& base, const std::string& relative) {
    std::error_code ec;
    const auto root = fs::weakly_canonical(base, ec);
    if (ec) return Error::failure(ec.message());
    const auto target = fs::weakly_canonical(root / relative, ec);
    if (ec) return Error::failure(ec.message());
    const auto rel = target.lexically_relative(root);
    if (rel.empty() || *rel.begin() == "..") return std::optional<std::string>();
    return std::optional<std::string>(target.string());
}

}  // namespace kaniko
