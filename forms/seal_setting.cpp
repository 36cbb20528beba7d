// `seal FILE;`: a form whose submissions are sealed for a public key before
// they are stored (docs/sealing.md), and what such a form may not do.
#include <algorithm>

#include "common/config_hints.hpp"
#include "common/quote.hpp"
#include "forms/form_builder.hpp"
#include "forms/seal_setting.hpp"

namespace civic::forms {

std::string FormBuilder::set_seal(Words words, int line) {
  if (words.size() != 2) {
    return form_error("seal takes the public key's file, as in: seal /etc/civic/keys/feedback.pub; (civicctl keygen "
                      "DIR writes one)" + missing_semicolon(words, form_setting_names()));
  }
  if (seal_line_ != 0) {
    return form_error("duplicate \"seal\": a form seals for one public key; to rotate keys, name the new key's file "
                      "here (records sealed before keep naming the key they were sealed for)");
  }
  if (words[1].empty()) return form_error("seal needs a file name");
  form_.seal_file = words[1];
  seal_line_ = line;
  return {};
}

std::optional<FieldError> FormBuilder::check_seal() const {
  if (seal_line_ == 0) return std::nullopt;
  for (const Delivery& d : form_.deliveries) {
    if (d.kind == DeliveryKind::email && d.full) {
      FieldError e;
      e.message = form_error("deliver email to=" + d.to +
                             " content=full would send the sealed answers in an e-mail; a form with \"seal\" sends "
                             "e-mails with content=summary (the receipt and a link), and its answers only sealed");
      e.line = d.line;
      return e;
    }
  }
  return std::nullopt;
}

std::string load_seal_key(Form& form) {
  if (form.seal_file.empty()) return {};
  auto key = sealing::read_public_key(form.seal_file);
  if (!key) {
    return "seal: " + key.error().message() +
           (key.error().code() == ENOENT ? " (civicctl keygen DIR writes a key pair; the .pub file goes here)" : "");
  }
  form.seal = std::move(*key);
  return {};
}

}  // namespace civic::forms
