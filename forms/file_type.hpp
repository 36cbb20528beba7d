// What a file is, from its content (libmagic), not from the name or the
// Content-Type the client declared.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace civic::forms {

// The media type libmagic finds ("image/png", "application/pdf",
// "text/plain"), or "application/octet-stream" if it cannot tell. Safe in any
// thread: each thread loads its own copy of the magic database on first use.
std::string detect_media_type(std::string_view content);

// True if `type` is one of `accept` ("image/png", or "image/*" for any image).
bool media_type_accepted(std::string_view type, std::span<const std::string> accept);

// The Content-Type a stored file is served with to case workers: its own for
// a short list of types a browser shows safely (raster images, PDF, plain
// text), application/octet-stream for anything else. An HTML, SVG or XML
// file a citizen sent must never be served as such: opened from the admin
// API, its scripts would run with a case worker's rights.
std::string_view served_media_type(std::string_view stored);

// The types a file field accepts, as people know them ("JPEG, PNG, PDF"),
// for the page and the error messages; `any_image` names "image/*" in the
// page's language. A type without a common name is shown as it is.
std::string readable_types(std::span<const std::string> accept, std::string_view any_image);

}  // namespace civic::forms
