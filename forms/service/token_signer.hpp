// The form token signer of a store: keyed with the secret the store made
// when it was created, so that every worker (and every reload) signs and
// checks the same tokens.
#pragma once

#include "common/result.hpp"
#include "forms/token.hpp"
#include "storage/store.hpp"

namespace civic::forms {

Result<TokenSigner> store_token_signer(storage::Store& store);

}  // namespace civic::forms
