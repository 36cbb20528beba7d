// The server-wide directives (CivicStore, CivicFeedCache, CivicCommitBatch,
// CivicSmtp) and CivicFormLayout, each read by the core's parser of the
// nginx directive of the same meaning.
#include "apache/httpd.hpp"

#include <cstdlib>
#include <span>
#include <string>
#include <variant>

#include "apache/conf.hpp"
#include "apache/conf_words.hpp"
#include "calendar/query/feed_cache.hpp"
#include "common/page_layout.hpp"
#include "delivery/smtp_config.hpp"
#include "storage/store_parameters.hpp"

namespace civic::apache {

namespace {

const char* global_only(cmd_parms* cmd) { return ap_check_cmd_context(cmd, GLOBAL_ONLY); }

// CivicStore PATH [create] [max_size=SIZE] [max_readers=N]
const char* civic_store(cmd_parms* cmd, void*, const char* args) noexcept {
  if (const char* e = global_only(cmd)) return e;
  return conf_guard(cmd, cmd->cmd->name, [&]() -> const char* {
    ServerConf& sc = server_conf(cmd->server);
    if (sc.store_path != nullptr) return "CivicStore is duplicate";
    auto words = conf_words(cmd->temp_pool, args);
    if (words.empty() || words[0].empty()) return "CivicStore needs a directory path";
    storage::StoreParameters parameters;
    for (std::size_t i = 1; i < words.size(); ++i) {
      if (words[i].starts_with("thread_pool="))
        return "civic_store: thread_pool= is nginx's; under Apache httpd the request's own thread commits";
      if (auto e = storage::read_store_parameter(words[i], parameters); !e.empty())
        return conf_error(cmd, "civic_store: " + e);
    }
    std::string path(words[0]);
    sc.store_path = ap_server_root_relative(cmd->pool, path.c_str());
    if (sc.store_path == nullptr) return "CivicStore: invalid path";
    // httpd has read the file into a tree: the directive knows its place.
    sc.store_file = cmd->directive && cmd->directive->filename ? cmd->directive->filename : "";
    sc.store_line = cmd->directive ? static_cast<unsigned>(cmd->directive->line_num) : 0;
    sc.create_store = parameters.create;
    if (parameters.max_size) sc.max_size = *parameters.max_size;
    if (parameters.max_readers) sc.max_readers = *parameters.max_readers;
    return nullptr;
  });
}

// CivicFeedCache SIZE | off
const char* civic_feed_cache(cmd_parms* cmd, void*, const char* word) noexcept {
  if (const char* e = global_only(cmd)) return e;
  ServerConf& sc = server_conf(cmd->server);
  if (sc.feed_cache_set) return "CivicFeedCache is duplicate";
  auto size = calendar::feed_cache_size(word);
  if (!size)
    return apr_psprintf(cmd->pool,
                        "civic_feed_cache: invalid size \"%s\" (a size such as 16m, at least 1m, or off)", word);
  sc.feed_cache_set = true;
  sc.feed_cache = *size;
  return nullptr;
}

// CivicCommitBatch N
const char* civic_commit_batch(cmd_parms* cmd, void*, const char* word) noexcept {
  if (const char* e = global_only(cmd)) return e;
  ServerConf& sc = server_conf(cmd->server);
  if (sc.commit_batch != 0) return "CivicCommitBatch is duplicate";
  char* end = nullptr;
  long n = std::strtol(word, &end, 10);
  if (end == word || *end != '\0' || n < 1 || n > 1000000)
    return "civic_commit_batch must be a number of submissions, at least 1";
  sc.commit_batch = n;
  return nullptr;
}

// CivicSmtp URL from=ADDRESS [starttls=on|off] [user=NAME password_file=PATH]
const char* civic_smtp(cmd_parms* cmd, void*, const char* args) noexcept {
  if (const char* e = global_only(cmd)) return e;
  return conf_guard(cmd, cmd->cmd->name, [&]() -> const char* {
    ServerConf& sc = server_conf(cmd->server);
    if (sc.smtp != nullptr) return "CivicSmtp is duplicate";
    auto words = conf_words(cmd->temp_pool, args);
    auto parsed = delivery::parse_smtp_config(std::span<const std::string_view>(words));
    if (auto* error = std::get_if<std::string>(&parsed)) return conf_error(cmd, "civic_smtp: " + *error);
    sc.smtp = pool_new<delivery::SmtpConfig>(cmd->pool, std::move(std::get<delivery::SmtpConfig>(parsed)));
    return nullptr;
  });
}

// CivicFormLayout FILE (in a <Location>, or for the whole server)
const char* civic_form_layout(cmd_parms* cmd, void* conf, const char* file) noexcept {
  return conf_guard(cmd, cmd->cmd->name, [&]() -> const char* {
    auto* dc = static_cast<DirConf*>(conf);
    if (dc->layout != nullptr) return "CivicFormLayout is duplicate";
    const char* path = ap_server_root_relative(cmd->pool, file);
    if (path == nullptr) return "CivicFormLayout: invalid path";
    auto parsed = Layout::load(path);
    if (auto* error = std::get_if<std::string>(&parsed)) return conf_error(cmd, *error);
    dc->layout = pool_new<Layout>(cmd->pool, std::move(std::get<Layout>(parsed)));
    return nullptr;
  });
}

}  // namespace

const char* civic_calendar_section(cmd_parms* cmd, void*, const char* args) noexcept;
const char* civic_form_section(cmd_parms* cmd, void*, const char* args) noexcept;

extern const command_rec commands[] = {
    AP_INIT_RAW_ARGS("CivicStore", reinterpret_cast<cmd_func>(civic_store), nullptr, RSRC_CONF,
                     "PATH [create] [max_size=SIZE] [max_readers=N]: the civic store (an LMDB directory)"),
    AP_INIT_TAKE1("CivicFeedCache", reinterpret_cast<cmd_func>(civic_feed_cache), nullptr, RSRC_CONF,
                  "SIZE | off: built feeds kept per child process"),
    AP_INIT_TAKE1("CivicCommitBatch", reinterpret_cast<cmd_func>(civic_commit_batch), nullptr, RSRC_CONF,
                  "N: submissions per group commit at most"),
    AP_INIT_RAW_ARGS("CivicSmtp", reinterpret_cast<cmd_func>(civic_smtp), nullptr, RSRC_CONF,
                     "URL from=ADDRESS [starttls=on|off] [user=NAME password_file=PATH]: the mail server"),
    AP_INIT_TAKE1("CivicFormLayout", reinterpret_cast<cmd_func>(civic_form_layout), nullptr, RSRC_CONF | ACCESS_CONF,
                  "FILE: the city's page around civic's forms"),
    AP_INIT_RAW_ARGS("<CivicCalendar", reinterpret_cast<cmd_func>(civic_calendar_section), nullptr, RSRC_CONF,
                     "<CivicCalendar NAME> ... </CivicCalendar>: a calendar"),
    AP_INIT_RAW_ARGS("<CivicForm", reinterpret_cast<cmd_func>(civic_form_section), nullptr, RSRC_CONF,
                     "<CivicForm NAME> ... </CivicForm>: a form"),
    {nullptr, {nullptr}, nullptr, 0, RAW_ARGS, nullptr},
};

}  // namespace civic::apache
