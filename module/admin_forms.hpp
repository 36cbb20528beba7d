// civic_admin's /admin/forms/{form}/submissions... routes (docs/admin-api.md).
#pragma once

#include "module/ngx.hpp"

#include <string_view>

namespace civic::module {

// `path` is what follows "forms/".
ngx_int_t admin_form_request(ngx_http_request_t* r, std::string_view path);

}  // namespace civic::module
