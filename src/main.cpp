#include <curl/curl.h>

#include "app/app.hpp"

int main(int argc, char** argv) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const int code = kaniko::run(argc, argv);
    curl_global_cleanup();
    return code;
}
