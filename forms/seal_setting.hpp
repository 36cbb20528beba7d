// A sealed form's public key, read with the configuration.
#pragma once

#include <string>

#include "forms/form.hpp"

namespace civic::forms {

// Reads form.seal_file (as written, or made absolute by the server) into
// form.seal. "" when done or when the form has no `seal`; else the error,
// naming the file: missing, unreadable, a secret key, not a key.
std::string load_seal_key(Form& form);

}  // namespace civic::forms
