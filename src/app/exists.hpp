#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "util/environment.hpp"
#include "util/error.hpp"

namespace kaniko {

class HttpClient;
class ProcessRunner;

// `exists REF`: prints the digest and returns 0 when the registry has REF, returns 1 when it does not.
Expected<int> run_exists(const std::vector<std::string>& args, const Environment& env, ProcessRunner& runner,
                         HttpClient& http, std::ostream& out);

}  // namespace kaniko
