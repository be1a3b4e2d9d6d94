// libcurl, loaded with dlopen on the first HTTP transfer instead of at process start: Debian's
// libcurl pulls in some forty libraries (TLS, GSSAPI, LDAP...) whose loading would cost most of
// the server's start-up time and resident memory, while many runs (a discover probe, a tools/list)
// never make a request at all.
#pragma once

#include <string>

#include <curl/curl.h>

namespace nemo::http {

struct CurlLibrary {
  CURLcode (*global_init)(long);
  CURLSH* (*share_init)();
  CURLSHcode (*share_setopt)(CURLSH*, CURLSHoption, ...);
  CURLSHcode (*share_cleanup)(CURLSH*);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  void (*easy_cleanup)(CURL*);
  const char* (*easy_strerror)(CURLcode);
  CURLM* (*multi_init)();
  CURLMcode (*multi_add_handle)(CURLM*, CURL*);
  CURLMcode (*multi_remove_handle)(CURLM*, CURL*);
  CURLMcode (*multi_perform)(CURLM*, int*);
  CURLMcode (*multi_poll)(CURLM*, struct curl_waitfd[], unsigned int, int, int*);
  CURLMcode (*multi_wakeup)(CURLM*);
  CURLMsg* (*multi_info_read)(CURLM*, int*);
  CURLMcode (*multi_cleanup)(CURLM*);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
  curl_mime* (*mime_init)(CURL*);
  curl_mimepart* (*mime_addpart)(curl_mime*);
  CURLcode (*mime_name)(curl_mimepart*, const char*);
  CURLcode (*mime_filedata)(curl_mimepart*, const char*);
  CURLcode (*mime_filename)(curl_mimepart*, const char*);
  CURLcode (*mime_type)(curl_mimepart*, const char*);
  void (*mime_free)(curl_mime*);
};

// The loaded library (curl_global_init done), or nullptr with `error` set. Thread-safe; loads once.
const CurlLibrary* curlLibrary(std::string& error);

}  // namespace nemo::http
