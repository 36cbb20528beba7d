#include "module/request_body.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "module/guard.hpp"

namespace civic::module {

std::optional<RequestBody> RequestBody::of(ngx_http_request_t* r) noexcept {
  auto nothing = [](std::string_view) -> std::optional<RequestBody> { return std::nullopt; };
  return guarded([r]() -> std::optional<RequestBody> {
    if (r->request_body == nullptr) return std::nullopt;
    RequestBody body;
    for (ngx_chain_t* cl = r->request_body->bufs; cl != nullptr; cl = cl->next) {
      ngx_buf_t* b = cl->buf;
      if (b->in_file) {
        if (b->file == nullptr) return std::nullopt;
        auto size = static_cast<std::size_t>(b->file_last - b->file_pos);
        if (size) body.parts_.push_back(Part{nullptr, b->file->fd, b->file_pos, size});
        body.size_ += size;
      } else {
        auto size = static_cast<std::size_t>(b->last - b->pos);
        if (size) body.parts_.push_back(Part{b->pos, NGX_INVALID_FILE, 0, size});
        body.size_ += size;
      }
    }
    return body;
  }, nothing);
}

bool RequestBody::in_memory() const noexcept {
  for (const Part& part : parts_)
    if (part.data == nullptr) return false;
  return true;
}

bool RequestBody::read_into(std::string& out) const noexcept {
  return guarded([&] {
    out.reserve(out.size() + size_);
    for (const Part& part : parts_) {
      if (part.data != nullptr) {
        out.append(reinterpret_cast<const char*>(part.data), part.size);
        continue;
      }
      std::size_t done = 0;
      while (done < part.size) {
        char chunk[65536];
        std::size_t want = std::min(sizeof chunk, part.size - done);
        ssize_t n = ::pread(part.fd, chunk, want, part.offset + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        out.append(chunk, static_cast<std::size_t>(n));
        done += static_cast<std::size_t>(n);
      }
    }
    return true;
  }, [](std::string_view) { return false; });
}

ngx_int_t read_request_body(ngx_http_request_t* r, ngx_http_client_body_handler_pt handler) noexcept {
  ngx_int_t rc = ngx_http_read_client_request_body(r, handler);
  if (rc >= NGX_HTTP_SPECIAL_RESPONSE) return rc;
  return NGX_DONE;
}

}  // namespace civic::module
