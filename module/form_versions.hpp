// Forms across versions of the configuration: what nginx records of each
// form in the store when it starts or reloads (storage/form_definitions.hpp),
// the warnings nginx -t gives when a change would hide stored data, and the
// form an admin request is about, with every field its submissions may hold,
// also when the form is no longer configured (retired).
#pragma once

#include "module/ngx.hpp"

#include <memory>
#include <string_view>
#include <vector>

#include "forms/form.hpp"
#include "storage/form_definitions.hpp"
#include "storage/store.hpp"

namespace civic::module {

struct MainConf;

// At start and reload: each configured form's definition (retention,
// fields, and the fields earlier versions had) recorded in the store, and the
// forms no longer configured marked retired.
ngx_int_t record_form_definitions(ngx_conf_t* cf, MainConf* mc, storage::Store& store) noexcept;

// Warnings (nginx -t, start, reload) for what the configuration hides of the
// stored submissions: fields dropped, forms removed.
void warn_about_form_changes(ngx_conf_t* cf, MainConf* mc, const storage::Txn& txn, const storage::Databases& db) noexcept;

// The recorded forms the running configuration has no more.
std::vector<storage::FormDefinition> retired_forms(storage::Store& store);

struct AdminForm {
  std::shared_ptr<const forms::Form> form;  // with the retired fields after the configured ones
  bool retired = false;                     // not configured: as the store recorded it
};

// The form named in an admin request: the configured one (with the fields
// earlier versions had) or one the store recorded; null form if neither.
AdminForm admin_form(ngx_http_request_t* r, std::string_view name);

}  // namespace civic::module
