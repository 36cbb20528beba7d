// The module's per-request context. nginx gives a module one ctx slot per
// request; each handler keeps its own type of state there (a form request,
// an event write, an export), and code that runs for every request (the
// $civic_receipt variable in the log phase) cannot know which handler ran.
// So the slot holds a tagged pointer: request_ctx<T> gives the T a handler
// made, or nullptr when the request holds another type or none.
#pragma once

#include "module/ngx.hpp"

#include <utility>

#include "module/module.hpp"
#include "module/pool_object.hpp"

namespace civic::module {

namespace request_ctx_detail {

// One distinct address per type: the tag.
template <class T>
inline constexpr char kTypeTag = 0;

struct Slot {
  const void* type;
  void* object;
};

}  // namespace request_ctx_detail

// Makes the request's context, a T owned by the request pool; nullptr if
// nginx could not allocate.
template <class T, class... Args>
T* make_request_ctx(ngx_http_request_t* r, Args&&... args) {
  auto* slot = static_cast<request_ctx_detail::Slot*>(ngx_palloc(r->pool, sizeof(request_ctx_detail::Slot)));
  if (slot == nullptr) return nullptr;
  T* object = pool_new<T>(r->pool, std::forward<Args>(args)...);
  if (object == nullptr) return nullptr;
  slot->type = &request_ctx_detail::kTypeTag<T>;
  slot->object = object;
  ngx_http_set_ctx(r, slot, ngx_http_civic_module);
  return object;
}

// The request's context if it is a T.
template <class T>
T* request_ctx(ngx_http_request_t* r) noexcept {
  auto* slot = static_cast<request_ctx_detail::Slot*>(ngx_http_get_module_ctx(r, ngx_http_civic_module));
  if (slot == nullptr || slot->type != &request_ctx_detail::kTypeTag<T>) return nullptr;
  return static_cast<T*>(slot->object);
}

}  // namespace civic::module
