#include "forms/national_id.hpp"

#include <cctype>

namespace civic::forms {

namespace {

bool digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

int number(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

}  // namespace

bool is_valid_ymd(int year, int month, int day) {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int days = kDays[month - 1];
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && leap) days = 29;
  return day <= days;
}

std::optional<std::string> normalize_finnish_id(std::string_view text) {
  if (text.size() != 11) return std::nullopt;
  std::string id(text);
  for (char& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string_view v = id;
  if (!digits(v.substr(0, 6)) || !digits(v.substr(7, 3))) return std::nullopt;
  int century;
  switch (v[6]) {
    case '+': century = 1800; break;
    case '-': case 'Y': case 'X': case 'W': case 'V': case 'U': century = 1900; break;
    case 'A': case 'B': case 'C': case 'D': case 'E': case 'F': century = 2000; break;
    default: return std::nullopt;
  }
  int day = number(v.substr(0, 2)), month = number(v.substr(2, 2)), year = century + number(v.substr(4, 2));
  if (!is_valid_ymd(year, month, day)) return std::nullopt;
  int individual = number(v.substr(7, 3));
  if (individual < 2) return std::nullopt;
  static constexpr std::string_view kCheck = "0123456789ABCDEFHJKLMNPRSTUVWXY";
  long long n = number(v.substr(0, 6)) * 1000LL + individual;
  if (v[10] != kCheck[static_cast<std::size_t>(n % 31)]) return std::nullopt;
  return id;
}

std::optional<std::string> normalize_danish_cpr(std::string_view text) {
  std::string d;
  if (text.size() == 11 && text[6] == '-') d = std::string(text.substr(0, 6)) + std::string(text.substr(7));
  else if (text.size() == 10) d = text;
  else return std::nullopt;
  if (!digits(d)) return std::nullopt;
  int day = number(std::string_view(d).substr(0, 2));
  int month = number(std::string_view(d).substr(2, 2));
  int yy = number(std::string_view(d).substr(4, 2));
  int seventh = d[6] - '0';
  // The century from the seventh digit (CPR-kontoret's table).
  int century;
  if (seventh <= 3) century = 1900;
  else if (seventh == 4 || seventh == 9) century = yy <= 36 ? 2000 : 1900;
  else century = yy <= 57 ? 2000 : 1800;
  if (!is_valid_ymd(century + yy, month, day)) return std::nullopt;
  return d.substr(0, 6) + "-" + d.substr(6);
}

}  // namespace civic::forms
