// The handlers, one per `SetHandler civic-*`: each copies what the core
// needs out of the request, calls the core, and sends its reply. They run in
// httpd's request threads; what throws is stopped in mod_civic.cpp.
#pragma once

#include "apache/httpd.hpp"

namespace civic::apache {

int calendars_request(request_rec* r);  // civic-calendars
int forms_request(request_rec* r);      // civic-forms
int admin_request(request_rec* r);      // civic-admin

}  // namespace civic::apache
