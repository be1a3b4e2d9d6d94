#include "http/CurlLibrary.h"

#include <dlfcn.h>
#include <mutex>

namespace nemo::http {
namespace {

template <typename Function>
bool resolve(void* handle, const char* name, Function& into, std::string& missing) {
  into = reinterpret_cast<Function>(::dlsym(handle, name));
  if (into == nullptr) missing += std::string(missing.empty() ? "" : ", ") + name;
  return into != nullptr;
}

}  // namespace

const CurlLibrary* curlLibrary(std::string& error) {
  static std::once_flag once;
  static CurlLibrary library{};
  static const CurlLibrary* loaded = nullptr;
  static std::string loadError;
  std::call_once(once, [] {
    void* handle = ::dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = ::dlerror();
      // The portable release binaries run on any glibc distribution: name each one's package.
      loadError = std::string("cannot load libcurl, which nemo-video-mcp needs for every request: install it "
                              "(Debian, Ubuntu: apt-get install libcurl4; Fedora, RHEL: dnf install libcurl; "
                              "Arch: pacman -S curl; openSUSE: zypper install libcurl4): ") +
                  (why ? why : "unknown error");
      return;
    }
    std::string missing;
    resolve(handle, "curl_global_init", library.global_init, missing);
    resolve(handle, "curl_share_init", library.share_init, missing);
    resolve(handle, "curl_share_setopt", library.share_setopt, missing);
    resolve(handle, "curl_share_cleanup", library.share_cleanup, missing);
    resolve(handle, "curl_easy_init", library.easy_init, missing);
    resolve(handle, "curl_easy_setopt", library.easy_setopt, missing);
    resolve(handle, "curl_easy_getinfo", library.easy_getinfo, missing);
    resolve(handle, "curl_easy_cleanup", library.easy_cleanup, missing);
    resolve(handle, "curl_easy_strerror", library.easy_strerror, missing);
    resolve(handle, "curl_multi_init", library.multi_init, missing);
    resolve(handle, "curl_multi_add_handle", library.multi_add_handle, missing);
    resolve(handle, "curl_multi_remove_handle", library.multi_remove_handle, missing);
    resolve(handle, "curl_multi_perform", library.multi_perform, missing);
    resolve(handle, "curl_multi_poll", library.multi_poll, missing);
    resolve(handle, "curl_multi_wakeup", library.multi_wakeup, missing);
    resolve(handle, "curl_multi_info_read", library.multi_info_read, missing);
    resolve(handle, "curl_multi_cleanup", library.multi_cleanup, missing);
    resolve(handle, "curl_slist_append", library.slist_append, missing);
    resolve(handle, "curl_slist_free_all", library.slist_free_all, missing);
    resolve(handle, "curl_mime_init", library.mime_init, missing);
    resolve(handle, "curl_mime_addpart", library.mime_addpart, missing);
    resolve(handle, "curl_mime_name", library.mime_name, missing);
    resolve(handle, "curl_mime_filedata", library.mime_filedata, missing);
    resolve(handle, "curl_mime_filename", library.mime_filename, missing);
    resolve(handle, "curl_mime_type", library.mime_type, missing);
    resolve(handle, "curl_mime_free", library.mime_free, missing);
    if (!missing.empty()) {
      loadError = "libcurl is too old (curl 7.85 or newer is needed; missing " + missing + ")";
      return;  // the handle stays open: harmless, and a later dlclose could unload a half-used library
    }
    library.global_init(CURL_GLOBAL_DEFAULT);
    loaded = &library;
  });
  if (loaded == nullptr) error = loadError;
  return loaded;
}

}  // namespace nemo::http
