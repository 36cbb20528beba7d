#include "forms/file_type.hpp"

#include <magic.h>

#include <algorithm>
#include <utility>
#include <vector>

namespace civic::forms {

namespace {

class Magic {
 public:
  Magic() {
    cookie_ = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR);
    if (cookie_ && magic_load(cookie_, nullptr) != 0) {
      magic_close(cookie_);
      cookie_ = nullptr;
    }
  }
  ~Magic() {
    if (cookie_) magic_close(cookie_);
  }
  magic_t get() const { return cookie_; }

 private:
  magic_t cookie_ = nullptr;
};

}  // namespace

std::string detect_media_type(std::string_view content) {
  thread_local Magic magic;  // a magic_t must not be shared between threads
  if (magic.get() == nullptr || content.empty()) return "application/octet-stream";
  const char* type = magic_buffer(magic.get(), content.data(), content.size());
  if (type == nullptr) return "application/octet-stream";
  return type;
}

bool media_type_accepted(std::string_view type, std::span<const std::string> accept) {
  for (const std::string& a : accept) {
    if (a == type) return true;
    if (a.ends_with("/*") && type.starts_with(std::string_view(a).substr(0, a.size() - 1))) return true;
  }
  return false;
}

std::string_view served_media_type(std::string_view stored) {
  static constexpr std::string_view kServedAsThemselves[] = {
      "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif", "image/avif",
      "image/tiff", "image/bmp", "application/pdf", "text/plain"};
  for (std::string_view t : kServedAsThemselves)
    if (stored == t) return t;
  return "application/octet-stream";
}

std::string readable_types(std::span<const std::string> accept, std::string_view any_image) {
  static constexpr std::pair<std::string_view, std::string_view> kNames[] = {
      {"image/jpeg", "JPEG"}, {"image/pjpeg", "JPEG"}, {"image/png", "PNG"}, {"image/gif", "GIF"},
      {"image/webp", "WebP"}, {"image/heic", "HEIC"}, {"image/heif", "HEIF"}, {"image/avif", "AVIF"},
      {"image/tiff", "TIFF"}, {"image/bmp", "BMP"}, {"application/pdf", "PDF"}, {"text/plain", "TXT"},
      {"text/csv", "CSV"}, {"application/rtf", "RTF"}, {"application/msword", "Word (DOC)"},
      {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (DOCX)"},
      {"application/vnd.ms-excel", "Excel (XLS)"},
      {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)"},
      {"application/vnd.oasis.opendocument.text", "ODT"}, {"application/vnd.oasis.opendocument.spreadsheet", "ODS"},
      {"application/zip", "ZIP"}};
  std::vector<std::string> names;
  for (const std::string& type : accept) {
    std::string name = type == "image/*" ? std::string(any_image) : type;
    for (const auto& [t, n] : kNames)
      if (type == t) name = n;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  }
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace civic::forms
