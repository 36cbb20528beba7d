// civicctl: what a sysadmin does by hand with a civic store, safe to run
// while nginx serves from the same store.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "storage/status.hpp"
#include "storage/submission_store.hpp"
#include "storage/store.hpp"

namespace {

constexpr const char* kUsage =
    "usage: civicctl --store DIR COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  stat     the store's size, use, readers and counts, as JSON\n"
    "  submissions FORM   the form's submissions, oldest first, one JSON object a line\n"
    "\n"
    "options:\n"
    "  --store DIR       the civic_store directory (or CIVIC_STORE in the environment)\n"
    "  --max-size SIZE   map size to open with, e.g. 4g (default: the store's own)\n";

int fail(const std::string& message) {
  std::fprintf(stderr, "civicctl: %s\n", message.c_str());
  return 1;
}

struct Options {
  std::string store;
  std::size_t max_size = 0;
  std::vector<std::string> args;
};

bool parse_size(std::string_view text, std::size_t& out) {
  if (text.empty()) return false;
  std::size_t unit = 1;
  switch (text.back()) {
    case 'k': case 'K': unit = 1ull << 10; break;
    case 'm': case 'M': unit = 1ull << 20; break;
    case 'g': case 'G': unit = 1ull << 30; break;
    default: break;
  }
  if (unit != 1) text.remove_suffix(1);
  std::size_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<std::size_t>(c - '0');
    if (n > (std::size_t{1} << 44)) return false;
  }
  out = n * unit;
  return out > 0;
}

civic::storage::Result<civic::storage::Store> open_store(const Options& opt) {
  civic::storage::EnvOptions env;
  env.path = opt.store;
  // 0 keeps the size the store already has (LMDB adopts the file's size).
  env.map_size = opt.max_size ? opt.max_size : 0;
  return civic::storage::Store::open(env);
}

int cmd_stat(const Options& opt) {
  auto store = open_store(opt);
  if (!store) return fail(store.error().message());
  auto status = civic::storage::collect_status(*store, {}, {});
  if (!status) return fail(status.error().message());
  std::string json = civic::storage::render_status_json(*status, static_cast<long>(getpid()));
  std::printf("%s\n", json.c_str());
  return 0;
}

int cmd_submissions(const Options& opt) {
  if (opt.args.size() != 2) return fail("usage: civicctl --store DIR submissions FORM");
  auto store = open_store(opt);
  if (!store) return fail(store.error().message());
  auto txn = civic::storage::Txn::begin_read(store->env());
  if (!txn) return fail(txn.error().message());
  std::uint64_t after = 0;
  for (;;) {
    auto page = civic::storage::list_submissions(*txn, store->db(), opt.args[1], after, 1000);
    if (!page) return fail(page.error().message());
    if (page->empty()) break;
    for (const auto& s : *page) std::printf("%s\n", s.json.c_str());
    after = page->back().seq;
  }
  return 0;
}

int run(int argc, char** argv) {
  Options opt;
  if (const char* env = std::getenv("CIVIC_STORE")) opt.store = env;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--store" && i + 1 < argc) {
      opt.store = argv[++i];
    } else if (a == "--max-size" && i + 1 < argc) {
      if (!parse_size(argv[++i], opt.max_size)) return fail(std::string("invalid --max-size ") + argv[i]);
    } else {
      opt.args.emplace_back(a);
    }
  }
  if (opt.args.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (opt.store.empty()) return fail("no store: give --store DIR");
  const std::string& command = opt.args[0];
  if (command == "stat") return cmd_stat(opt);
  if (command == "submissions") return cmd_submissions(opt);
  return fail("unknown command \"" + command + "\" (see civicctl --help)");
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
