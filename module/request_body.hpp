// Request bodies, in memory or in nginx's temp files, read without blocking
// the event loop: RequestBody describes where the bytes are, and read_into()
// copies them out, in a pool thread (Job::run) when the body may be in a file.
#pragma once

#include "module/ngx.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace civic::module {

class RequestBody {
 public:
  // What nginx has read for `r` (call it in the body handler). nullopt if
  // the request has no body structure (nothing was read).
  static std::optional<RequestBody> of(ngx_http_request_t* r) noexcept;

  std::size_t size() const noexcept { return size_; }
  // True if no part is in a temp file (reading it cannot block).
  bool in_memory() const noexcept;

  // Appends the whole body to `out`. Safe in a pool thread: memory parts
  // stay valid and unchanged while the request is blocked on the job, and
  // file parts are read with pread(). False on an I/O error.
  bool read_into(std::string& out) const noexcept;

 private:
  struct Part {
    const u_char* data;  // in memory, or nullptr
    ngx_fd_t fd;         // else: this file, from offset
    off_t offset;
    std::size_t size;
  };
  std::vector<Part> parts_;
  std::size_t size_ = 0;
};

// Starts reading the body and calls `handler` once it is read (the pattern of
// ngx_http_dav_module.c). Returns what the content handler returns.
ngx_int_t read_request_body(ngx_http_request_t* r, ngx_http_client_body_handler_pt handler) noexcept;

}  // namespace civic::module
