// What the store reads back of an event (a store can be damaged): its two
// records in this civic's format, packed with a dictionary or plain, and a
// record of the earlier format that the upgrade reads. The input is the
// first record's length (2 bytes, big-endian), the first record, then the
// second.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/event_store.hpp"
#include "storage/store_upgrade.hpp"
#include "storage/text_dictionary.hpp"

namespace {

// A dictionary trained on texts shaped like an event's, once.
const civic::storage::TextDictionary* dictionary() {
  static const auto loaded = [] {
    std::vector<std::string> samples;
    for (int i = 0; i < 2000; ++i) {
      std::string n = std::to_string(i * 7919 % 100003);
      samples.push_back("BEGIN:VEVENT\r\nUID:e" + n + "\r\nSUMMARY;LANGUAGE=fi:Konsertti " + n +
                        "\r\nDTSTART;TZID=Europe/Helsinki:2027" + n + "T180000\r\nEND:VEVENT\r\n");
      samples.push_back("{\"id\":\"e" + n + "\",\"name\":{\"fi\":\"Tapahtuma " + n + "\",\"sv\":\"Evenemang\"}}");
    }
    std::vector<std::string_view> views(samples.begin(), samples.end());
    auto trained = civic::storage::train_dictionary(views);
    if (!trained) __builtin_trap();
    auto d = civic::storage::TextDictionary::load(std::move(*trained));
    if (!d) __builtin_trap();
    return d;
  }();
  return loaded.get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace civic::storage;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)read_format2("id", in);
  if (in.size() < 2) return 0;
  std::size_t first_len = (static_cast<std::size_t>(data[0]) << 8) | data[1];
  in.remove_prefix(2);
  if (first_len > in.size()) return 0;
  std::string_view first = in.substr(0, first_len), second = in.substr(first_len);
  (void)events::intact(first);
  (void)events::intact(second);
  EventView v;
  if (!events::decode("id", first, v)) return 0;
  if (v.packed()) v.dictionary = dictionary();
  EventDetails d;
  if (events::decode_details(second, d)) v.set_details(d);
  TextArena arena;
  std::string buffer;
  for (auto kind : {RenditionKind::vevent, RenditionKind::json, RenditionKind::jcal, RenditionKind::xcal,
                    RenditionKind::name_key})
    for (std::string_view lang : {"", "fi", "sv", "en"}) {
      (void)v.find_rendition(kind, lang, 0, arena);
      (void)v.find_rendition(kind, lang, 0);
    }
  (void)v.model_json(buffer);
  (void)v.search_text(buffer);
  (void)v.has_keyword("music");
  if (auto rec = events::record_of(v)) (void)events::encode(*rec, CalendarDictionary{v.packed_with, v.dictionary});
  return 0;
}
