#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "util/files.hpp"

using namespace kaniko;
namespace fs = std::filesystem;

TEST_CASE("files: a temporary directory is private and goes away with everything in it", "[files]") {
    // Its own prefix: ctest runs the other cases of this file at the same time, in other processes.
    const auto prefix = "kaniko-files-test-" + std::to_string(::getpid()) + "-";
    std::string path;
    {
        auto dir = TempDir::create("/tmp", prefix);
        REQUIRE(dir);
        path = dir->path();
        struct stat info {};
        REQUIRE(::stat(path.c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0700);
        REQUIRE(write_private_file(path + "/secret", "token"));
        REQUIRE(::stat((path + "/secret").c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0600);
        CHECK(read_text_file(path + "/secret") == "token");
        CHECK(entries_named("/tmp", prefix, k_temp_dir_suffix_length) == std::vector<std::string>{path});
    }
    CHECK_FALSE(fs::exists(path));
}

TEST_CASE("files: a private file is never written through an existing name", "[files]") {
    auto dir = TempDir::create("/tmp", "kaniko-files-test-");
    REQUIRE(dir);
    fs::create_symlink("/tmp/kaniko-files-test-target", dir->path() + "/link");
    const auto written = write_private_file(dir->path() + "/link", "token");
    REQUIRE_FALSE(written);
    CHECK(written.error().message.starts_with("cannot create " + dir->path() + "/link: "));
    CHECK_FALSE(fs::exists("/tmp/kaniko-files-test-target"));
}

TEST_CASE("files: paths resolved inside a base, symbolic links followed", "[files]") {
    auto dir = TempDir::create("/tmp", "kaniko-files-test-");
    REQUIRE(dir);
    fs::create_directory(dir->path() + "/sub");
    fs::create_symlink("/etc", dir->path() + "/escape");
    CHECK(*resolve_inside(dir->path(), "sub/Dockerfile") == dir->path() + "/sub/Dockerfile");
    CHECK_FALSE(*resolve_inside(dir->path(), "escape/passwd"));
}

TEST_CASE("files: a private file replaced in place stays private and whole", "[files]") {
    auto dir = TempDir::create("/tmp", "kaniko-files-test-");
    REQUIRE(dir);
    const auto path = dir->path() + "/config.json";
    REQUIRE(write_private_file(path, "old token"));
    REQUIRE(replace_private_file(path, "new token"));
    CHECK(read_text_file(path) == "new token");
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK_FALSE(fs::exists(path + ".new"));
}

TEST_CASE("files: entries are matched by the whole name, never by a prefix alone", "[files]") {
    auto dir = TempDir::create("/tmp", "kaniko-files-test-");
    REQUIRE(dir);
    for (const auto* name : {"job+abc123", "job+abc1234", "job-2+abc123", "job+"}) fs::create_directory(dir->path() + "/" + name);
    CHECK(entries_named(dir->path(), "job+", 6) == std::vector<std::string>{dir->path() + "/job+abc123"});
}
