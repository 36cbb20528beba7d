#include "forms/service/token_signer.hpp"

#include "storage/submission_store.hpp"

namespace civic::forms {

Result<TokenSigner> store_token_signer(storage::Store& store) {
  auto txn = storage::Txn::begin_read(store.env());
  if (!txn) return txn.error();
  auto secret = storage::read_form_token_secret(*txn, store.db());
  if (!secret) return secret.error();
  return TokenSigner(std::move(*secret));
}

}  // namespace civic::forms
