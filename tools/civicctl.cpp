// civicctl: what a sysadmin does by hand with a civic store, safe to run
// while nginx serves from the same store.
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <optional>
#include <span>
#include <exception>
#include <string>
#include <thread>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <variant>
#include <vector>

#include "calendar/query/calendar_feed.hpp"
#include "calendar/formats/calendar_json.hpp"
#include "calendar/service/calendar_writer.hpp"
#include "calendar/formats/html_text.hpp"
#include "calendar/service/event_import.hpp"
#include "calendar/service/source_sync.hpp"
#include "calendar/model/timezone.hpp"
#include "common/quantity.hpp"
#include "common/url.hpp"
#include "delivery/curl_global.hpp"
#include "delivery/http_fetch.hpp"
#include "delivery/webhook_secret.hpp"
#include "forms/service/admin_request.hpp"
#include "forms/service/delivery_admin.hpp"
#include "forms/service/submission_admin.hpp"
#include "forms/service/export_pager.hpp"
#include "forms/service/form_definition.hpp"
#include "forms/service/retention_purge.hpp"
#include "forms/submission_export.hpp"
#include "storage/backup.hpp"
#include "storage/event_store.hpp"
#include "storage/form_definitions.hpp"
#include "storage/retention.hpp"
#include "storage/status.hpp"
#include "storage/store_check.hpp"
#include "storage/submission_store.hpp"
#include "storage/store.hpp"
#include "sealing/seal_keys.hpp"
#include "tools/sealed_commands.hpp"

namespace {

constexpr const char* kUsage =
    "usage: civicctl --store DIR COMMAND [ARGS]\n"
    "\n"
    "       civicctl init DIR [--receipt-tag TAG] [--max-size SIZE]\n"
    "\n"
    "commands:\n"
    "  init                     make a new, empty store in DIR (created if missing) for\n"
    "                           civic_store; --receipt-tag sets the 1 to 8 letters or\n"
    "                           digits every receipt of the store carries (default: 4\n"
    "                           drawn at random); refuses a DIR that holds a store\n"
    "  stat                     the store's size, use, readers and counts, as JSON\n"
    "  import CAL FILE          add or update the events of an .ics file (or a JSON array\n"
    "                           of events; - reads stdin) in calendar CAL, by id; the\n"
    "                           file is checked whole first (a refused file changes\n"
    "                           nothing), then written 1,000 events per transaction: if\n"
    "                           the store fails midway the first events stay imported,\n"
    "                           and importing the same file again finishes the job\n"
    "  import CAL FILE --replace the same, and the file becomes CAL's whole set: then\n"
    "                           the live events it does not hold are deleted\n"
    "  sync CAL                 fetch the source CAL follows (source ics URL) now and\n"
    "                           import it as CAL's whole set, as nginx does every\n"
    "                           interval; a 304 changes nothing\n"
    "  export CAL [--lang L]    calendar CAL as an .ics file on stdout\n"
    "  submissions FORM [--json|--csv [--delimiter ;]] [--since N]\n"
    "                           the form's submissions, oldest first: one JSON object a\n"
    "                           line (default) or CSV as the admin API exports it; a\n"
    "                           sealed form's opened with --key FILE|DIR\n"
    "  purge [--dry-run]        remove every submission older than its form's retention\n"
    "                           now (nginx also does this on a timer); --dry-run counts\n"
    "  backup DEST              a consistent, compacted copy of the store into the new\n"
    "                           (or empty) directory DEST, safe while nginx runs\n"
    "  verify                   read every record and index entry; exit 1 on any\n"
    "                           inconsistency, listing each\n"
    "  deliveries FORM [--state pending|failed] [--since N] [--limit M]\n"
    "                           the form's deliveries still to make or failed, as JSON\n"
    "                           (as GET /admin/forms/FORM/deliveries answers)\n"
    "  retry FORM ID            put a failed delivery back, to be tried at once\n"
    "  drafts FORM [--after ID] [--limit M]\n"
    "                           the drafts of a multi-step form (no answers), as JSON\n"
    "                           (as GET /admin/forms/FORM/drafts answers)\n"
    "\n"
    "       civicctl keygen DIR\n"
    "                           a key pair for a sealed form (seal FILE in civic_form):\n"
    "                           DIR/ID.pub for nginx.conf, DIR/ID.secret (mode 0600) for\n"
    "                           the case workers' machines only; prints the key id ID\n"
    "       civicctl open --key FILE|DIR < SEALED\n"
    "                           open what a sealed form stored, with the secret key (or a\n"
    "                           directory of them): a downloaded file, a submission, a page\n"
    "                           of the admin API or submissions' JSON lines; writes what an\n"
    "                           unsealed form gives\n"
    "\n"
    "       civicctl webhook-secret FILE\n"
    "                           write a new webhook secret (whsec_...) to FILE, mode 0600,\n"
    "                           for deliver webhook ... secret_file=FILE; refuses to\n"
    "                           overwrite a file\n"
    "\n"
    "A calendar or form is known to civicctl once nginx has started or reloaded with its\n"
    "civic_calendar or civic_form block (nginx -t records nothing): nginx records the\n"
    "definitions in the store, and stat names the configuration file and when.\n"
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
  std::string key;  // --key: secret key file or directory (sealed forms)
};

bool parse_size(std::string_view text, std::size_t& out) {
  std::int64_t size = civic::parse_size(text);
  if (size <= 0) return false;
  out = static_cast<std::size_t>(size);
  return true;
}

civic::Result<civic::storage::Store> open_store(const Options& opt) {
  // civicctl never makes a store: a wrong path is an error, not a new store.
  struct stat st {};
  std::string data = opt.store + "/data.mdb";
  if (::stat(opt.store.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return civic::Error(civic::Error::kInvalid, "open store " + opt.store,
                                 "no such directory (give the civic_store path of nginx.conf)");
  if (::stat(data.c_str(), &st) != 0)
    return civic::Error(civic::Error::kInvalid, "open store " + opt.store,
                                 "no civic store there (no data.mdb; give the civic_store path of nginx.conf)");
  civic::storage::EnvOptions env;
  env.path = opt.store;
  // 0 keeps the size the store already has (LMDB adopts the file's size).
  env.map_size = opt.max_size ? opt.max_size : 0;
  return civic::storage::Store::open(env);
}

// An import renders its events on every core (nginx, meanwhile, renders
// an admin import on one thread of its pool).
unsigned render_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

civic::Result<std::vector<std::string>> calendar_names(civic::storage::Store& store) {
  auto txn = civic::storage::Txn::begin_read(store.env());
  if (!txn) return txn.error();
  return civic::storage::events::list_definitions(*txn, store.db());
}

civic::Result<std::vector<civic::storage::FormDefinition>> form_definitions(civic::storage::Store& store) {
  auto txn = civic::storage::Txn::begin_read(store.env());
  if (!txn) return txn.error();
  return civic::storage::list_form_definitions(*txn, store.db());
}

int cmd_stat(const Options& opt) {
  auto store = open_store(opt);
  if (!store) return fail(store.error().message());
  auto names = calendar_names(*store);
  if (!names) return fail(names.error().message());
  std::vector<std::string_view> calendars(names->begin(), names->end());
  auto forms = form_definitions(*store);
  if (!forms) return fail(forms.error().message());
  std::vector<civic::storage::FormToReport> report;
  for (const auto& f : *forms) report.push_back({f.name, f.retention_seconds, 0, f.retired});
  auto status = civic::storage::collect_status(*store, calendars, report, static_cast<std::int64_t>(std::time(nullptr)));
  if (!status) return fail(status.error().message());
  std::string json = civic::storage::render_status_json(*status, static_cast<long>(getpid()));
  std::printf("%s\n", json.c_str());
  return 0;
}

bool write_out(const std::string& text) {
  return text.empty() || std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
}

// The reply of a core service: its body on stdout, or its error.
int print_reply(const civic::Reply& r) {
  std::string body = r.body.str();
  if (r.status >= 400) return fail(body.empty() ? "failed (" + std::to_string(r.status) + ")" : body);
  std::printf("%s\n", body.c_str());
  return 0;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A listing of the admin API (GET /admin/forms/FORM/`what`), its query from
// the options named in `known` (--state pending: state=pending).
int admin_listing(const Options& opt, std::string_view what, std::span<const std::string_view> known,
                  const char* usage) {
  if (opt.args.size() < 2) return fail(usage);
  std::string query;
  for (std::size_t i = 2; i + 1 < opt.args.size(); i += 2) {
    const std::string& a = opt.args[i];
    if (std::find(known.begin(), known.end(), a) == known.end())
      return fail(std::string("unknown option ") + a + "\n" + usage);
    query += (query.empty() ? "" : "&") + a.substr(2) + "=" + civic::url::encoded(opt.args[i + 1], civic::url::Keep::unreserved);
  }
  if (opt.args.size() % 2 != 0) return fail(usage);
  // The admin API's own reading of the parameters and its answer.
  civic::forms::AdminRequest request;
  std::string path = opt.args[1] + "/" + std::string(what);
  request.path = path;
  request.args = query;
  auto route = civic::forms::route_admin_path(request.path);
  civic::forms::Form any;
  any.name = opt.args[1];
  auto planned = route ? civic::forms::plan_admin_request(*route, request, any)
                       : std::variant<civic::forms::AdminPlan, civic::Reply>(civic::error_reply(404, "no such form"));
  if (auto* refused = std::get_if<civic::Reply>(&planned)) return print_reply(*refused);
  auto store = open_store(opt);
  if (!store) return fail(store.error().message());
  return print_reply(civic::forms::answer_in_pool(*store, std::get<civic::forms::AdminPlan>(planned)));
}

int cmd_deliveries(const Options& opt) {
  static constexpr std::string_view kKnown[] = {"--state", "--since", "--limit"};
  return admin_listing(opt, "deliveries", kKnown,
                       "usage: civicctl --store DIR deliveries FORM [--state pending|failed] [--since N] [--limit M]");
}

int cmd_drafts(const Options& opt) {
  static constexpr std::string_view kKnown[] = {"--after", "--limit"};
  return admin_listing(opt, "drafts", kKnown, "usage: civicctl --store DIR drafts FORM [--after ID] [--limit M]");
}

int cmd_retry(const Options& opt) {
  if (opt.args.size() != 3) return fail("usage: civicctl --store DIR retry FORM ID");
  auto store = open_store(opt);
  if (!store) return fail(store.error().message());
  return print_reply(civic::forms::delivery_retry(*store, opt.args[1], opt.args[2], now_ms()));
}

int cmd_webhook_secret(const std::string& path) {
  auto secret = civic::delivery::make_webhook_secret();
  if (!secret) return fail(secret.error().message());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return fail(path + ": " + std::strerror(errno));
  std::string line = *secret + "\n";
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    ::unlink(path.c_str());
    return fail(path + ": could not be written");
  }
  std::printf("wrote a webhook secret to %s (give the receiver the same file's content)\n", path.c_str());
  return 0;
}

int cmd_submissions(const Options& opt) {
  const char* usage =
      "usage: civicctl --store DIR submissions FORM [--json|--csv [--delimiter ;]] [--since N] [--key FILE|DIR]";
  if (opt.args.size() < 2) return fail(usage);
  const std::string& form = opt.args[1];
  bool csv = false;
  civic::forms::CsvOptions csv_options;
  std::uint64_t after = 0;
  for (std::size_t i = 2; i < opt.args.size(); ++i) {
    const std::string& a = opt.args[i];
    if (a == "--csv") {
      csv = true;
    } else if (a == "--json") {
      csv = false;
    } else if (a == "--delimiter" && i + 1 < opt.args.size()) {
      const std::string& d = opt.args[++i];
      if (d != ";" && d != ",") return fail("--delimiter must be , or ;");
      csv_options.delimiter = d[0];
    } else if (a == "--since" && i + 1 < opt.args.size()) {
      const std::string& n = opt.args[++i];
      char* end = nullptr;
      errno = 0;
      unsigned long long v = std::strtoull(n.c_str(), &end, 10);
      if (n.empty() || *end != '\0' || errno != 0 || n[0] == '-') return fail("--since must be a seq number");
      after = v;
    } else {
      return fail(std::string("unknown option ") + a + "\n" + usage);
    }
  }
  civic::sealing::KeyRing keys;
  if (!opt.key.empty()) {
    if (auto loaded = keys.load(opt.key); !loaded) return fail(loaded.error().message());
  }
  auto store = open_store(opt);
  if (!store) return fail(store.error().message());
  auto txn = civic::storage::Txn::begin_read(store->env());
  if (!txn) return fail(txn.error().message());
  auto def = civic::storage::read_form_definition(*txn, store->db(), form);
  if (!def) return fail(def.error().message());
  if (!def.value())
    return fail("no form \"" + form + "\" in this store (nginx records a civic_form when it starts)");
  auto writer = csv ? civic::forms::make_csv_export(civic::forms::csv_columns(civic::forms::form_of(*def.value())),
                                                    csv_options)
                    : civic::forms::make_json_lines_export();
  std::string open_error;
  // CSV has no place for a sealed record's envelope: it is opened, or refused
  // (no --key) with a message that says to give one. JSON lines show it as stored.
  if (!opt.key.empty() || csv) writer = civic::forms::make_opened_export(std::move(writer), keys, open_error);
  civic::forms::ExportPager pager(form, std::move(writer), after);
  // One read transaction: a consistent snapshot, written out a page at a time.
  std::string out;
  while (!pager.finished()) {
    if (auto st = pager.next_page(*txn, store->db(), out); !st) return fail(st.error().message());
    if (!write_out(out)) return fail("cannot write to stdout");
    out.clear();
    if (!open_error.empty()) {
      if (opt.key.empty())
        return fail("form \"" + form + "\" holds sealed submissions: give --key FILE|DIR to open them (or --json for them as stored): " + open_error);
      return fail(open_error);
    }
  }
  if (std::fflush(stdout) != 0) return fail("cannot write to stdout");
  return 0;
}

int cmd_purge(const Options& opt) {
  bool dry_run = false;
  for (std::size_t i = 1; i < opt.args.size(); ++i) {
    if (opt.args[i] == "--dry-run") dry_run = true;
    else return fail("usage: civicctl --store DIR purge [--dry-run]");
  }
  auto store = open_store(opt);
  if (!store) return fail(store.error().message());
  auto forms = form_definitions(*store);
  if (!forms) return fail(forms.error().message());
  auto now = static_cast<std::int64_t>(std::time(nullptr));
  auto report = civic::forms::purge_forms(*store, civic::forms::forms_to_purge(*forms), now, dry_run);
  for (const auto& f : report.forms) {
    if (f.retention_seconds <= 0)
      std::printf("%s: kept until erased (no retention)\n", f.name.c_str());
    else
      std::printf("%s: %llu %s (older than %lld s)\n", f.name.c_str(), static_cast<unsigned long long>(f.removed),
                  dry_run ? "would be removed" : "removed", static_cast<long long>(f.retention_seconds));
  }
  if (report.error) return fail(report.problem());
  std::printf("%s: %llu\n", dry_run ? "would remove" : "removed", static_cast<unsigned long long>(report.removed));
  return 0;
}

int cmd_backup(const Options& opt) {
  if (opt.args.size() != 2) return fail("usage: civicctl --store DIR backup DEST");
  auto store = open_store(opt);
  if (!store) return fail(store.error().message());
  auto done = civic::storage::backup_store(*store, opt.args[1]);
  if (!done) return fail(done.error().message());
  std::printf("backup: %s (%llu bytes, compacted)\n", done->path.c_str(), static_cast<unsigned long long>(done->bytes));
  return 0;
}

int cmd_verify(const Options& opt) {
  if (opt.args.size() != 1) return fail("usage: civicctl --store DIR verify");
  auto store = open_store(opt);
  if (!store) return fail(store.error().message());
  auto report = civic::storage::check_store(*store);
  if (!report) return fail(report.error().message());
  for (const auto& p : report->problems) std::printf("problem: %s\n", p.c_str());
  if (report->more_problems > 0)
    std::printf("problem: ... and %llu more\n", static_cast<unsigned long long>(report->more_problems));
  std::printf("%s: %llu entries read, %llu submissions, %llu events, %llu problems\n",
              report->ok() ? "ok" : "INCONSISTENT", static_cast<unsigned long long>(report->entries),
              static_cast<unsigned long long>(report->submissions), static_cast<unsigned long long>(report->events),
              static_cast<unsigned long long>(report->problems.size() + report->more_problems));
  return report->ok() ? 0 : 1;
}

// The calendar as nginx recorded it.
std::optional<civic::calendar::CalendarConfig> find_calendar(civic::storage::Store& store, const std::string& name,
                                                        std::string& error) {
  auto def = civic::calendar::recorded_definition(store, name);
  if (!def) {
    error = def.error().message();
    return std::nullopt;
  }
  if (!def.value()) {
    error = "no calendar \"" + name + "\" in this store: define it with civic_calendar in nginx.conf and start "
            "nginx (or run nginx -t) once";
    return std::nullopt;
  }
  return std::move(*def.value());
}

// stdin is read once: it is copied to a temporary file, which import reads
// twice (its checking pass, then its batches).
std::FILE* spool_stdin() {
  std::FILE* spool = std::tmpfile();
  if (spool == nullptr) return nullptr;
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0)
    if (std::fwrite(buf, 1, n, spool) != n) break;
  if (std::ferror(stdin) || std::ferror(spool) || std::fflush(spool) != 0) {
    std::fclose(spool);
    return nullptr;
  }
  std::rewind(spool);
  return spool;
}

// The rest of `f`, appended to `out`; false on a read error.
bool read_stream(std::FILE* f, std::string& out) {
  char buf[65536];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  return !std::ferror(f);
}

// What a file starts with: enough to tell its format.
std::string file_head(std::FILE* f) {
  std::string head(4096, '\0');
  head.resize(std::fread(head.data(), 1, head.size(), f));
  return head;
}

int cmd_import(const Options& opt) {
  namespace cal = civic::calendar;
  bool replace = opt.args.size() == 4 && opt.args[3] == "--replace";
  if (opt.args.size() != 3 && !replace) return fail("usage: civicctl import CAL FILE [--replace]");
  cal::WriteMode mode = replace ? cal::WriteMode::replace : cal::WriteMode::upsert;
  const std::string& file = opt.args[2];
  auto store = open_store(opt);
  if (!store) return fail(store.error().message());
  std::string error;
  auto calendar = find_calendar(*store, opt.args[1], error);
  if (!calendar) return fail(error);

  std::shared_ptr<std::FILE> spool;
  if (file == "-") {
    spool.reset(spool_stdin(), std::fclose);
    if (!spool) return fail(std::string("cannot read stdin: ") + std::strerror(errno));
  }
  bool read_failed = false;
  int read_errno = 0;
  auto open_file = [&]() -> std::shared_ptr<std::FILE> {
    if (spool) {
      std::rewind(spool.get());
      return spool;
    }
    std::shared_ptr<std::FILE> f(std::fopen(file.c_str(), "rb"), [](std::FILE* p) {
      if (p) std::fclose(p);
    });
    if (!f.get()) {
      read_failed = true;
      read_errno = errno;
    }
    return f;
  };
  cal::ImportFormat format;
  {
    auto f = open_file();
    if (!f.get()) return fail("cannot read " + file + ": " + std::strerror(read_errno));
    format = cal::sniff_import_format(file_head(f.get()));
  }
  cal::EventDefaults defaults{calendar->default_language(), calendar->timezone};
  auto open_events = [&]() {
    auto f = open_file();
    cal::ByteSource bytes = [f, &read_failed, &read_errno](char* buffer, std::size_t size) -> std::size_t {
      if (!f.get()) return 0;
      std::size_t got = std::fread(buffer, 1, size, f.get());
      if (got == 0 && std::ferror(f.get())) {
        read_failed = true;
        read_errno = errno;
      }
      return got;
    };
    return cal::open_event_stream(format, std::move(bytes), defaults, cal::kMaxFileImportEvents);
  };
  auto done = cal::import_streamed(*store, *calendar, open_events, format, cal::kImportBatchEvents, cal::now_micros(),
                                  render_threads(), mode);
  if (done.needs_whole_text) {
    // A series with its changed occurrences elsewhere in the file: read
    // whole and imported in one transaction, as the admin API does.
    std::string text;
    auto f = open_file();
    if (!f.get() || !read_stream(f.get(), text)) return fail("cannot read " + file + ": " + std::strerror(errno));
    done.outcome = cal::import_events(*store, *calendar, text, format, cal::kMaxFileImportEvents, cal::now_micros(),
                                      render_threads(), mode);
    done.needs_whole_text = false;
  }

  std::string written = done.committed == 0
                            ? " (nothing was imported)"
                            : " (the first " + std::to_string(done.committed) +
                                  " events were imported; importing the file again finishes the job)";
  if (read_failed) return fail("cannot read " + file + ": " + std::strerror(read_errno) + written);
  if (auto* err = std::get_if<civic::FieldError>(&done.outcome)) {
    std::string where = file;
    if (err->line > 0) where += ":" + std::to_string(err->line);
    if (!err->component.empty()) where += ": " + err->component;
    if (!err->field.empty()) where += ": " + err->field;
    return fail(where + ": " + err->message + written);
  }
  if (auto* failed = std::get_if<civic::Error>(&done.outcome)) return fail(failed->message() + written);
  std::printf("%s\n", cal::write_counts_json(std::get<cal::WriteCounts>(done.outcome)).c_str());
  return 0;
}

int cmd_sync(const Options& opt) {
  namespace cal = civic::calendar;
  if (opt.args.size() != 2) return fail("usage: civicctl sync CAL");
  auto store = open_store(opt);
  if (!store) return fail(store.error().message());
  std::string error;
  auto calendar = find_calendar(*store, opt.args[1], error);
  if (!calendar) return fail(error);
  if (!calendar->source) return fail("calendar \"" + calendar->name + "\" follows no source (see \"source\" in docs/calendars.md)");
  if (auto st = civic::delivery::global_init(); !st) return fail(st.error().message());
  // A followed list is read in runs of a few pages (as nginx's workers do);
  // here they follow each other until the list's end.
  cal::SourceRun run;
  civic::storage::SourceCounts c;
  do {
    run = cal::sync_source(*store, *calendar, civic::delivery::http_get, cal::now_micros());
    if (run.failed)
      return fail("calendar \"" + calendar->name + "\": " + run.state.last_error + " (the events stay as they were" +
                  (c.created + c.updated + c.deleted > 0 ? "; the pages before are written" : "") + ")");
    const auto& r = run.state.last_run;
    c.created += r.created;
    c.updated += r.updated;
    c.deleted += r.deleted;
    c.skipped += r.skipped;
  } while (run.more);
  std::printf("{\"source\":\"%s\",\"not_modified\":%s,\"created\":%llu,\"updated\":%llu,\"deleted\":%llu,"
              "\"skipped\":%llu}\n",
              calendar->source->url.c_str(), run.not_modified ? "true" : "false",
              static_cast<unsigned long long>(c.created), static_cast<unsigned long long>(c.updated),
              static_cast<unsigned long long>(c.deleted), static_cast<unsigned long long>(c.skipped));
  if (c.skipped > 0) std::fprintf(stderr, "civicctl: skipped items, the last: %s\n", run.state.last_skip.c_str());
  return 0;
}

int cmd_export(const Options& opt) {
  if (opt.args.size() < 2) return fail("usage: civicctl export CAL [--lang L]");
  auto store = open_store(opt);
  if (!store) return fail(store.error().message());
  std::string error;
  auto cal = find_calendar(*store, opt.args[1], error);
  if (!cal) return fail(error);
  std::string args;
  for (std::size_t i = 2; i < opt.args.size(); ++i) {
    if (opt.args[i] == "--lang" && i + 1 < opt.args.size()) {
      args = "lang=" + opt.args[++i];
    } else {
      return fail("unknown option " + opt.args[i]);
    }
  }
  civic::calendar::FeedQuery query;
  if (auto err = civic::calendar::parse_feed_query(args, *cal, civic::calendar::now_micros() / 1000000, query))
    return fail(err->field + ": " + err->message);
  auto txn = civic::storage::Txn::begin_read(store->env());
  if (!txn) return fail(txn.error().message());
  auto feed = civic::calendar::build_ics_feed(*txn, store->db(), *cal, query, civic::calendar::kUnlimited);
  if (!feed) return fail(feed.error().message());
  std::string text = feed->body.str();
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0)
    return fail("cannot write to stdout");
  return 0;
}

int cmd_init(const Options& opt, const std::string& receipt_tag) {
  if (civic::storage::store_exists(opt.store))
    return fail("there is already a store in " + opt.store + " (nothing was changed)");
  if (!receipt_tag.empty() && !civic::storage::valid_receipt_tag(receipt_tag))
    return fail("--receipt-tag \"" + receipt_tag + "\": 1 to 8 of A-Z and 0-9");
  civic::storage::EnvOptions env;
  env.path = opt.store;
  if (opt.max_size) env.map_size = opt.max_size;
  civic::storage::NewStoreOptions fresh;
  fresh.receipt_tag = receipt_tag;
  auto store = civic::storage::Store::open(env, civic::storage::IfMissing::create, fresh);
  if (!store) return fail(store.error().message());
  std::printf("{\"store\":\"%s\",\"id\":\"%s\",\"receipt_tag\":\"%s\"}\n", opt.store.c_str(),
              store->id().c_str(), store->receipt_tag().c_str());
  return 0;
}

int run(int argc, char** argv) {
  Options opt;
  std::string receipt_tag;
  if (const char* env = std::getenv("CIVIC_STORE")) opt.store = env;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--store" && i + 1 < argc) {
      opt.store = argv[++i];
    } else if (a == "--lang" && i + 1 < argc) {
      opt.args.emplace_back(a);
      opt.args.emplace_back(argv[++i]);
    } else if (a == "--key" && i + 1 < argc) {
      opt.key = argv[++i];
    } else if (a == "--receipt-tag" && i + 1 < argc) {
      receipt_tag = argv[++i];
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
  if (opt.args[0] == "keygen") {
    if (opt.args.size() != 2) return fail("usage: civicctl keygen DIR");
    return civic::tools::keygen(opt.args[1]);
  }
  if (opt.args[0] == "open") {
    if (opt.args.size() != 1) return fail("usage: civicctl open --key FILE|DIR < SEALED");
    return civic::tools::open(opt.key);
  }
  if (!opt.key.empty() && opt.args[0] != "submissions") return fail("--key belongs to submissions and open");
  if (opt.args[0] == "webhook-secret") {
    if (opt.args.size() != 2) return fail("usage: civicctl webhook-secret FILE");
    return cmd_webhook_secret(opt.args[1]);
  }
  // civicctl init DIR: the directory is the command's argument.
  if (opt.args[0] == "init" && opt.args.size() == 2) opt.store = opt.args[1];
  if (opt.store.empty()) return fail("no store: give --store DIR");
  const std::string& command = opt.args[0];
  if (command == "init") {
    if (opt.args.size() > 2) return fail("usage: civicctl init DIR [--receipt-tag TAG] [--max-size SIZE]");
    return cmd_init(opt, receipt_tag);
  }
  if (!receipt_tag.empty()) return fail("--receipt-tag belongs to init");
  civic::calendar::init_timezones();
  civic::calendar::init_html_parser();
  if (command == "stat") return cmd_stat(opt);
  if (command == "submissions") return cmd_submissions(opt);
  if (command == "purge") return cmd_purge(opt);
  if (command == "backup") return cmd_backup(opt);
  if (command == "verify") return cmd_verify(opt);
  if (command == "import") return cmd_import(opt);
  if (command == "export") return cmd_export(opt);
  if (command == "sync") return cmd_sync(opt);
  if (command == "deliveries") return cmd_deliveries(opt);
  if (command == "drafts") return cmd_drafts(opt);
  if (command == "retry") return cmd_retry(opt);
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
