#include "support/http_client.hpp"

#include <curl/curl.h>

#include <memory>

namespace oneall::testing {
namespace {

size_t append(char* data, size_t size, size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

HttpReply http_request(const std::string& method, const std::string& url, const std::string& body,
                       const std::optional<BasicAuth>& auth) {
  HttpReply reply;
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  std::unique_ptr<curl_slist, SlistDeleter> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"));
  curl_easy_setopt(easy.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!body.empty()) {
    curl_easy_setopt(easy.get(), CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(easy.get(), CURLOPT_HTTPHEADER, headers.get());
  }
  if (auth) {
    curl_easy_setopt(easy.get(), CURLOPT_USERNAME, auth->user.c_str());
    curl_easy_setopt(easy.get(), CURLOPT_PASSWORD, auth->password.c_str());
  }
  curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT_MS, 10'000L);
  curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &append);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(easy.get(), CURLOPT_HEADERFUNCTION, &append);
  curl_easy_setopt(easy.get(), CURLOPT_HEADERDATA, &reply.headers);
  const CURLcode result = curl_easy_perform(easy.get());
  if (result != CURLE_OK) {
    reply.error = curl_easy_strerror(result);
    return reply;
  }
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

}  // namespace oneall::testing
