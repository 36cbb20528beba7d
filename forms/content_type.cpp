#include "forms/decode.hpp"

#include "common/media_type.hpp"

namespace civic::forms {

ContentType parse_content_type(std::string_view header) {
  ContentType out;
  MediaType media = parse_media_type(header);
  if (media.type == "application/x-www-form-urlencoded") out.kind = BodyKind::urlencoded;
  else if (media.type == "multipart/form-data") out.kind = BodyKind::multipart;
  else if (media.type == "application/json") out.kind = BodyKind::json;
  else return out;
  out.boundary = std::move(media.boundary);
  out.charset_ok = media.utf8();
  return out;
}

DecodeResult decode_body(const ContentType& type, std::string_view body, const DecodeLimits& limits) {
  switch (type.kind) {
    case BodyKind::urlencoded: return decode_urlencoded(body, limits);
    case BodyKind::multipart: return decode_multipart(body, type.boundary, limits);
    case BodyKind::json: return decode_json(body, limits);
    case BodyKind::unsupported: break;
  }
  return undecodable("unsupported content type");
}

}  // namespace civic::forms
