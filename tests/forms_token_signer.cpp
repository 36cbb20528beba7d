// A store's token signer: the same store signs and checks the same tokens
// (every worker, every reload); another store's tokens are forged to it.
#include <string>

#include "forms/service/token_signer.hpp"
#include "tests/support/temp_store.hpp"
#include "tests/support/cmocka.hpp"  // last

using namespace civic;
using namespace civic::forms;

namespace {

struct TwoStores {
  test::TempStore one, other;
};

int setup(void** state) {
  auto* f = new TwoStores;
  *state = f;
  return f->one.open() && f->other.open() ? 0 : -1;
}
int teardown(void** state) { return test::delete_fixture<TwoStores>(state); }

// How a token signed by `signer_store` at t=1000 checks with `checker_store`'s signer.
TokenCheck check(storage::Store& signer_store, storage::Store& checker_store) {
  auto signer = store_token_signer(signer_store);
  auto checker = store_token_signer(checker_store);
  if (!signer || !checker) return TokenCheck::missing;
  std::string token = signer->issue("feedback", 1000);
  return checker->verify(token, "feedback", 1010, 2, 3600).result;
}

void signs_with_the_store_secret(void** state) {
  auto* f = static_cast<TwoStores*>(*state);
  assert_int_equal(int(check(*f->one.store, *f->one.store)), int(TokenCheck::ok));
  assert_int_equal(int(check(*f->one.store, *f->other.store)), int(TokenCheck::bad_signature));
}

}  // namespace

int main() {
  const CMUnitTest tests[] = {cmocka_unit_test_setup_teardown(signs_with_the_store_secret, setup, teardown)};
  return cmocka_run_group_tests(tests, nullptr, nullptr);
}
