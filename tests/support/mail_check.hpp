// Reading back a message that delivery/ built, as a mail reader would: GMime's
// parser for the meaning, the raw text for what SMTP demands of the bytes.
#pragma once

#include <gmime/gmime.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace civic::test {

struct ParsedMail {
  std::string problem;  // empty if the raw text is a well-formed message
  std::vector<std::string> header_names;  // of the message, in order, as written
  std::string subject, from, to, language, content_type, charset, encoding, body;
  int to_count = 0;
};

// The header names of the raw text, and what is wrong with its bytes: a line
// over 998 octets, a CR or LF that is not part of a CRLF, a NUL.
inline std::string raw_problems(std::string_view raw, std::vector<std::string>& names) {
  std::size_t start = 0;
  bool in_headers = true;
  while (start < raw.size()) {
    std::size_t end = raw.find("\r\n", start);
    if (end == std::string_view::npos) return "the message does not end with CRLF";
    std::string_view line = raw.substr(start, end - start);
    if (line.size() > 998) return "a line of " + std::to_string(line.size()) + " octets";
    if (line.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
      return "a bare CR, LF or NUL in line: " + std::string(line.substr(0, 80));
    if (in_headers) {
      if (line.empty()) {
        in_headers = false;
      } else if (line[0] != ' ' && line[0] != '\t') {
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) return "a header line without a name: " + std::string(line.substr(0, 80));
        names.emplace_back(line.substr(0, colon));
      }
    }
    start = end + 2;
  }
  return in_headers ? "no empty line after the headers" : "";
}

inline std::string list_text(InternetAddressList* list, int& count) {
  count = list == nullptr ? 0 : internet_address_list_length(list);
  if (count != 1) return {};
  InternetAddress* address = internet_address_list_get_address(list, 0);
  if (!INTERNET_ADDRESS_IS_MAILBOX(address)) return {};
  const char* text = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address));
  return text == nullptr ? std::string() : text;
}

// The Subject: of the raw text, unfolded, each RFC 2047 encoded word decoded
// on its own and the space between two of them dropped (§6.2). GMime 3.2's
// own reading joins adjacent base64 words first and loses what follows one
// that ends in padding; Python's email package reads them as we do here.
inline std::string decoded_subject(std::string_view raw) {
  std::string framed = "\r\n" + std::string(raw.substr(0, raw.find("\r\n\r\n")));
  std::size_t at = framed.find("\r\nSubject:");
  if (at == std::string::npos) return {};
  std::size_t start = at + 10, end = start;
  while ((end = framed.find("\r\n", end)) != std::string::npos && end + 2 < framed.size() &&
         (framed[end + 2] == ' ' || framed[end + 2] == '\t'))
    end += 2;
  std::string value = framed.substr(start, end == std::string::npos ? std::string::npos : end - start);
  std::string unfolded;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value.compare(i, 2, "\r\n") == 0) ++i;
    else unfolded += value[i];
  }
  std::string out;
  bool previous_encoded = false;
  std::size_t i = 0;
  while (i < unfolded.size()) {
    std::size_t word = unfolded.find_first_not_of(" \t", i);
    if (word == std::string::npos) break;
    std::string space = unfolded.substr(i, word - i);
    std::size_t word_end = unfolded.find_first_of(" \t", word);
    if (word_end == std::string::npos) word_end = unfolded.size();
    std::string token = unfolded.substr(word, word_end - word);
    bool encoded = token.size() > 4 && token.starts_with("=?") && token.ends_with("?=");
    if (!(previous_encoded && encoded) && !out.empty()) out += space;
    char* text = g_mime_utils_header_decode_text(nullptr, token.c_str());
    out += text == nullptr ? token : text;
    g_free(text);
    previous_encoded = encoded;
    i = word_end;
  }
  return out;
}

inline ParsedMail parse_mail(std::string_view raw) {
  ParsedMail out;
  out.problem = raw_problems(raw, out.header_names);
  if (!out.problem.empty()) return out;
  GMimeStream* stream = g_mime_stream_mem_new_with_buffer(raw.data(), raw.size());
  GMimeParser* parser = g_mime_parser_new_with_stream(stream);
  GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
  g_object_unref(parser);
  g_object_unref(stream);
  if (message == nullptr) {
    out.problem = "GMime could not parse it";
    return out;
  }
  out.subject = decoded_subject(raw);
  int from_count = 0;
  out.from = list_text(g_mime_message_get_from(message), from_count);
  out.to = list_text(g_mime_message_get_addresses(message, GMIME_ADDRESS_TYPE_TO), out.to_count);
  GMimeObject* body = g_mime_message_get_mime_part(message);
  // GMime's parser files the message's Content-* headers under its part.
  const char* language = g_mime_object_get_header(GMIME_OBJECT(message), "Content-Language");
  if (language == nullptr && body != nullptr) language = g_mime_object_get_header(body, "Content-Language");
  out.language = language == nullptr ? "" : language;
  if (body != nullptr && GMIME_IS_TEXT_PART(body)) {
    GMimeContentType* type = g_mime_object_get_content_type(body);
    char* mime_type = g_mime_content_type_get_mime_type(type);
    out.content_type = mime_type;
    g_free(mime_type);
    const char* charset = g_mime_content_type_get_parameter(type, "charset");
    out.charset = charset == nullptr ? "" : charset;
    const char* encoding = g_mime_object_get_header(body, "Content-Transfer-Encoding");
    out.encoding = encoding == nullptr ? "" : encoding;
    char* text = g_mime_text_part_get_text(GMIME_TEXT_PART(body));
    if (text != nullptr) {
      std::string decoded = text;
      g_free(text);
      // The decoded text has the line ends it was sent with; compare on LF.
      for (char c : decoded)
        if (c != '\r') out.body += c;
    }
  } else {
    out.problem = "the body is not one text part";
  }
  g_object_unref(message);
  return out;
}

}  // namespace civic::test
