// National identity numbers a form may ask for.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace civic::forms {

// Finnish henkilötunnus, DDMMYYCZZZQ: a valid date, the century sign C
// ("+" 1800s; "-", "Y", "X", "W", "V", "U" 1900s; "A", "B", "C", "D", "E", "F"
// 2000s: the extra signs are in use since 2023), the individual number ZZZ
// (002-999) and the check character Q: DDMMYYZZZ modulo 31 indexes
// "0123456789ABCDEFHJKLMNPRSTUVWXY". Lower-case letters are accepted.
// Returns the code in its normal (upper-case) form, or nullopt.
std::optional<std::string> normalize_finnish_id(std::string_view text);

// Danish CPR number, DDMMYY-SSSS or DDMMYYSSSS: the first six digits must be
// a valid date in the century the seventh digit gives (CPR's rules); the
// modulus-11 check is not applied, as CPR no longer guarantees it (since
// 2007). Returns "DDMMYY-SSSS", or nullopt.
std::optional<std::string> normalize_danish_cpr(std::string_view text);

// True for a valid Gregorian date.
bool is_valid_ymd(int year, int month, int day);

}  // namespace civic::forms
