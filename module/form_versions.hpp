// Forms across versions of the configuration, at start and reload
// (forms/service/form_definition.hpp decides what is recorded and warned of):
// this file logs it through nginx.
#pragma once

#include "module/ngx.hpp"

#include "storage/lmdb.hpp"
#include "storage/store.hpp"

namespace civic::module {

struct MainConf;

// At start and reload: each configured form's definition recorded in the
// store, and the forms no longer configured marked retired.
ngx_int_t record_form_definitions(ngx_conf_t* cf, MainConf* mc, storage::Store& store) noexcept;

// Warnings (nginx -t, start, reload) for what the configuration hides of the
// stored submissions: fields dropped, forms removed.
void warn_about_form_changes(ngx_conf_t* cf, MainConf* mc, const storage::Txn& txn, const storage::Databases& db) noexcept;

}  // namespace civic::module
