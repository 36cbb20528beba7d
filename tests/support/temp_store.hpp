// A real LMDB store in a fresh temporary directory, for one test: tests
// derive their fixture from it, open it in setup and delete it in teardown.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"

namespace civic::test {

struct TempStore {
  std::string dir = make_temp_dir();
  std::optional<storage::Store> store;

  TempStore() = default;
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;
  virtual ~TempStore() {
    store.reset();
    remove_dir(dir);
  }

  // Makes the store (in `dir`, or in dir/`sub`); false if it cannot.
  bool open(std::size_t map_size = std::size_t{64} << 20, const std::string& sub = {}) {
    storage::EnvOptions o;
    o.path = sub.empty() ? dir : dir + "/" + sub;
    o.map_size = map_size;
    auto s = storage::Store::open(o, storage::IfMissing::create);
    if (!s) return false;
    store.emplace(std::move(*s));
    return true;
  }
};

// cmocka's teardown for a fixture made with new in setup.
template <class Fixture>
int delete_fixture(void** state) {
  delete static_cast<Fixture*>(*state);
  return 0;
}

}  // namespace civic::test
