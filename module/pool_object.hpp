// C++ objects owned by an nginx pool: made with `new`, deleted by a pool
// cleanup when the pool (a request's, a configuration's) is destroyed.
#pragma once

#include "module/ngx.hpp"

#include <utility>

namespace civic::module {

// Makes a `T` owned by `pool`; nullptr if nginx could not allocate. The
// cleanup is registered before the object exists, so that nothing leaks
// whichever step fails (a cleanup with no handler is skipped).
template <class T, class... Args>
T* pool_new(ngx_pool_t* pool, Args&&... args) {
  ngx_pool_cleanup_t* cleanup = ngx_pool_cleanup_add(pool, 0);
  if (cleanup == nullptr) return nullptr;
  T* object = new T(std::forward<Args>(args)...);
  cleanup->data = object;
  cleanup->handler = [](void* data) { delete static_cast<T*>(data); };
  return object;
}

}  // namespace civic::module
