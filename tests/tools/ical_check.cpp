// ical-check: parses iCalendar text with libical, independently of civic's
// own writer, and reports every problem libical finds: X-LIC-ERROR
// properties from the parser, RFC 5546 restrictions for the calendar's
// METHOD (icalrestriction_check), and TZIDs without a VTIMEZONE.
//
//   ical-check [FILE]...     (stdin without files)
//   exit 0: no problem; 1: problems (one per line on stdout); 2: unreadable
// On success it prints "ok EVENTS" and the UIDs, one per line.
#include <libical/ical.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

void collect(icalcomponent* c, std::vector<std::string>& problems) {
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p != nullptr;
       p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
    const char* text = icalproperty_get_xlicerror(p);
    problems.push_back(std::string(icalcomponent_kind_to_string(icalcomponent_isa(c))) + ": " +
                       (text ? text : "(no text)"));
  }
  for (icalcomponent* k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k != nullptr;
       k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
    collect(k, problems);
}

void check_tzids(icalcomponent* cal, icalcomponent* c, std::vector<std::string>& problems) {
  for (icalproperty* p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p != nullptr;
       p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
    icalparameter* tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    if (tz == nullptr) continue;
    const char* tzid = icalparameter_get_tzid(tz);
    if (tzid == nullptr || icalcomponent_get_timezone(cal, tzid) == nullptr)
      problems.push_back(std::string("TZID ") + (tzid ? tzid : "") + " has no VTIMEZONE in the calendar");
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string text;
  if (argc < 2) {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    for (int i = 1; i < argc; ++i) {
      std::ifstream in(argv[i], std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "ical-check: cannot read %s\n", argv[i]);
        return 2;
      }
      std::stringstream ss;
      ss << in.rdbuf();
      text += ss.str();
    }
  }
  icalcomponent* root = icalparser_parse_string(text.c_str());
  if (root == nullptr) {
    std::printf("not iCalendar: libical found no component\n");
    return 1;
  }
  std::vector<std::string> problems;
  std::vector<icalcomponent*> calendars;
  if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
    calendars.push_back(root);
  } else {
    for (icalcomponent* c = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT); c != nullptr;
         c = icalcomponent_get_next_component(root, ICAL_VCALENDAR_COMPONENT))
      calendars.push_back(c);
  }
  if (calendars.empty()) problems.push_back("no VCALENDAR");
  std::vector<std::string> uids;
  for (icalcomponent* cal : calendars) {
    icalrestriction_check(cal);  // adds X-LIC-ERRORs for what METHOD forbids or requires
    for (icalcomponent* e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); e != nullptr;
         e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
      check_tzids(cal, e, problems);
      const char* uid = icalcomponent_get_uid(e);
      uids.push_back(uid ? uid : "");
    }
  }
  collect(root, problems);
  icalcomponent_free(root);
  if (!problems.empty()) {
    for (const auto& p : problems) std::printf("%s\n", p.c_str());
    return 1;
  }
  std::printf("ok %zu\n", uids.size());
  for (const auto& u : uids) std::printf("%s\n", u.c_str());
  return 0;
}
