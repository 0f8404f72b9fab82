#pragma once

#include <string_view>

namespace kaniko::testing {

// Self-signed P-256 certificates made with `openssl req -x509` for these tests: one whose subject
// alternative name is a URI, as a Fulcio certificate for a Buildkite job is, and one with none.
inline constexpr std::string_view k_job_certificate = R"(-----BEGIN CERTIFICATE-----
MIIBrzCCAVagAwIBAgIUVRtr7Mr8Wofy5pHvybM1Z6iopLMwCgYIKoZIzj0EAwIw
FzEVMBMGA1UECgwMc2lnc3RvcmUuZGV2MCAXDTI2MTIwNDAzMzMzNFoYDzIxMjYx
MTEwMDMzMzM0WjAXMRUwEwYDVQQKDAxzaWdzdG9yZS5kZXYwWTATBgcqhkjOPQIB
BggqhkjOPQMBBwNCAAR9zK1EuPAox03N8sDCutu/Vp3HwnzkSSqycNqROPqzb8w1
JWyWzRQOIGmy92uDjVSRLeksPHX+Ewadixnkuw9Xo34wfDAdBgNVHQ4EFgQU1WuL
krVKu2GmFfW2RcKtkk5dswwwHwYDVR0jBBgwFoAU1WuLkrVKu2GmFfW2RcKtkk5d
swwwDwYDVR0TAQH/BAUwAwEB/zApBgNVHREEIjAghh5odHRwczovL2J1aWxka2l0
ZS5jb20vYWNtZS9hcHAwCgYIKoZIzj0EAwIDRwAwRAIgZUcpXng6+db0EmeBDfLR
UR4rFhKHu0cKr2A3tUBX5W4CIFj/rl61Eu4aK35B5+4YXGx0FQphKUhZWmIrXhGf
rDJp
-----END CERTIFICATE-----
)";

inline constexpr std::string_view k_certificate_without_uri = R"(-----BEGIN CERTIFICATE-----
MIIBeTCCAR+gAwIBAgIUN2gLTSa4RUKczQr94Zq7NuLPY3UwCgYIKoZIzj0EAwIw
ETEPMA0GA1UEAwwGbm8tdXJpMCAXDTI2MTIwNDAzMzMzNFoYDzIxMjYxMTEwMDMz
MzM0WjARMQ8wDQYDVQQDDAZuby11cmkwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AARQToPGyNmYuw6kgnxOhH4AcKtUsSWzaiM1MZktQTpQ1wwiDpEWezOT2ON3duGn
J6g3kCXuB4PgRRiWz/eZHlWko1MwUTAdBgNVHQ4EFgQURkQByJWrEkvZVOa3CjqG
jp0VXTUwHwYDVR0jBBgwFoAURkQByJWrEkvZVOa3CjqGjp0VXTUwDwYDVR0TAQH/
BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiByqgBubwYrjs3Ab9gEuZSY1VVjyXk2
KYPz3AwEf55HiAIhAIpn7qtxNFCK2no4cxsv0c47tNoNi76bcSEtM9ijOccb
-----END CERTIFICATE-----
)";

}  // namespace kaniko::testing
