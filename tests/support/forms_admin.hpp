// The forms admin service's tests: a store in a temporary directory, the
// configured forms, and submissions committed as the public side stores them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "forms/forms.hpp"
#include "storage/store.hpp"
#include "storage/submission_store.hpp"
#include "tests/support/form_lines.hpp"
#include "tests/support/temp_store.hpp"

namespace civic::test {

// "feedback": name (text), topics (checkboxes), photo (file, several).
inline forms::Form feedback_form() {
  auto built = build_form("feedback", {"languages fi en", "receipt_prefix PAL", "retention 30d",
                                       "field name text", "end",
                                       "field topics checkboxes", "  option a fi \"A\"", "  option b fi \"B\"", "end",
                                       "field photo file", "  multiple", "end"});
  if (auto* form = std::get_if<forms::Form>(&built)) return std::move(*form);
  std::abort();  // the block above is valid
}

struct FormsStore : TempStore {
  forms::Forms forms;  // configured: feedback_form()
};

// For a cmocka setup: nullptr if the store cannot be made.
inline FormsStore* open_forms_store() {
  auto* f = new FormsStore;
  if (!f->open()) {
    delete f;
    return nullptr;
  }
  f->forms.add(feedback_form());
  return f;
}

// cmocka setup and teardown of a FormsStore in *state, and the fixture.
inline int forms_store_setup(void** state) {
  *state = open_forms_store();
  return *state == nullptr ? -1 : 0;
}
inline int forms_store_teardown(void** state) { return delete_fixture<FormsStore>(state); }
inline FormsStore& forms_store(void** state) { return *static_cast<FormsStore*>(*state); }

// Commits one submission of `form` (with `files` PNG files in "photo") at
// `now`; its receipt, "" if the store refused.
inline std::string submit(storage::Store& store, std::string_view form, std::string_view name, int files = 0,
                          std::int64_t now = 1800000000) {
  storage::NewSubmission s;
  s.form = form;
  s.receipt_prefix = "PAL";
  s.language = "fi";
  s.data_json = "{\"name\":\"" + std::string(name) + "\"";
  if (files > 0) {
    s.data_json += ",\"photo\":[";
    for (int i = 0; i < files; ++i) {
      if (i > 0) s.data_json += ',';
      s.data_json += "{\"filename\":\"kuva " + std::to_string(i + 1) + ";\xC3\xA4.png\",\"content_type\":\"image/png\",\"size\":4}";
      s.files.push_back({"photo", static_cast<std::uint32_t>(i), "\x89PNG" + std::to_string(i)});
    }
    s.data_json += ']';
  }
  s.data_json += '}';
  auto out = storage::commit_submissions(store, std::span<const storage::NewSubmission>(&s, 1), now);
  if (!out || out->empty()) return {};
  return out->front().receipt;
}

}  // namespace civic::test
