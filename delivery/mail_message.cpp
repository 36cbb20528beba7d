#include "delivery/mail_message.hpp"

#include "common/placeholders.hpp"
#include "common/time_text.hpp"
#include "common/utf8.hpp"
#include "delivery/mail_texts.hpp"
#include "delivery/smtp_config.hpp"

#include <gmime/gmime.h>

#include <memory>
#include <mutex>

namespace civic::delivery {

namespace {

// RFC 5322 §2.1.1: no line longer than 998 octets without its CRLF.
constexpr std::size_t kMaxLine = 998;
// A subject is read in a list of messages; a longer one is cut.
constexpr std::size_t kMaxSubjectChars = 200;

void gmime_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

struct GObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
template <class T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct FormatOptionsFree {
  void operator()(GMimeFormatOptions* options) const { g_mime_format_options_free(options); }
};

// Text as a message may carry it: valid UTF-8 (if it is not, every byte above
// ASCII becomes '?'), no NUL, DEL or other controls. Line ends (CRLF, CR, LF)
// become '\n' if `multiline`, otherwise spaces, as tabs do.
std::string clean_text(std::string_view text, bool multiline) {
  bool utf8 = civic::is_valid_utf8(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += multiline ? '\n' : ' ';
    } else if (c == '\t') {
      out += multiline ? '\t' : ' ';
    } else if (c < 0x20 || c == 0x7f) {
      continue;
    } else if (c >= 0x80 && !utf8) {
      out += '?';
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// At most `limit` characters of valid UTF-8, "…" marking a cut.
std::string cut_chars(std::string text, std::size_t limit) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars++ == limit) {
      text.resize(i);
      text += "…";
      break;
    }
  }
  return text;
}

bool plain_domain(std::string_view domain) {
  return valid_mail_address(std::string("x@").append(domain));
}

bool language_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 35) return false;
  for (char c : tag)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

civic::Error invalid(std::string detail) { return civic::Error(civic::Error::kInvalid, "build an e-mail", std::move(detail)); }

bool add_mailbox(InternetAddressList* list, const std::string& address) {
  InternetAddress* mailbox = internet_address_mailbox_new(nullptr, address.c_str());
  if (mailbox == nullptr) return false;
  internet_address_list_add(list, mailbox);
  g_object_unref(mailbox);
  return true;
}

std::string_view texts_language(std::string_view lang) {
  if (lang == "fi" || lang == "sv" || lang == "da") return lang;
  return "en";
}

std::string shown_time(const SubmissionFacts& facts) {
  if (facts.local_time.empty()) return civic::iso_utc(facts.created_time) + " (UTC)";
  if (facts.time_zone.empty()) return facts.local_time;
  return facts.local_time + " (" + facts.time_zone + ")";
}

std::string domain_of(std::string_view address) {
  std::size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string() : std::string(address.substr(at + 1));
}

MailContent facts_mail(const SubmissionFacts& facts, MailText subject, MailText body, std::string_view from,
                       std::string_view to) {
  std::string_view lang = texts_language(facts.language);
  std::string title = clean_text(facts.form_title, false);
  std::string receipt = clean_text(facts.receipt, false);
  std::string form = clean_text(facts.form, false);
  std::string time = clean_text(shown_time(facts), false);
  MailContent mail;
  mail.from = std::string(from);
  mail.to = std::string(to);
  mail.subject = civic::fill(mail_text(subject, lang), {{"title", title}});
  mail.body_text = civic::fill(mail_text(body, lang),
                                  {{"title", title}, {"receipt", receipt}, {"time", time}, {"form", form}});
  mail.message_id_domain = domain_of(from);
  mail.date = facts.created_time;
  mail.language = std::string(lang);
  return mail;
}

}  // namespace

civic::Result<std::string> build_message(const MailContent& content) {
  if (!valid_mail_address(content.from)) return invalid("the sender is not one plain address");
  if (!valid_mail_address(content.to)) return invalid("the recipient is not one plain address");
  if (!plain_domain(content.message_id_domain)) return invalid("the Message-ID domain is not a plain domain name");
  if (!content.language.empty() && !language_tag(content.language)) return invalid("the language is not a language tag");
  gmime_init_once();

  GObjectPtr<GMimeMessage> message(g_mime_message_new(TRUE));
  if (!message) return invalid("GMime could not create a message");
  if (!add_mailbox(g_mime_message_get_from(message.get()), content.from) ||
      !add_mailbox(g_mime_message_get_addresses(message.get(), GMIME_ADDRESS_TYPE_TO), content.to))
    return invalid("GMime refused an address");

  std::string subject = cut_chars(clean_text(content.subject, false), kMaxSubjectChars);
  g_mime_message_set_subject(message.get(), subject.c_str(), "utf-8");

  GDateTime* date = g_date_time_new_from_unix_utc(content.date);
  if (date == nullptr) return invalid("the date is out of range");
  g_mime_message_set_date(message.get(), date);
  g_date_time_unref(date);

  char* id = g_mime_utils_generate_message_id(content.message_id_domain.c_str());
  if (id == nullptr) return invalid("GMime could not make a Message-ID");
  g_mime_message_set_message_id(message.get(), id);
  g_free(id);

  GMimeObject* headers_of = GMIME_OBJECT(message.get());
  if (!content.language.empty()) g_mime_object_set_header(headers_of, "Content-Language", content.language.c_str(), nullptr);
  // RFC 3834: nobody sent this by hand; out-of-office replies stay away.
  g_mime_object_set_header(headers_of, "Auto-Submitted", "auto-generated", nullptr);

  std::string body = clean_text(content.body_text, true);
  GObjectPtr<GMimeTextPart> part(g_mime_text_part_new_with_subtype("plain"));
  if (!part) return invalid("GMime could not create the text part");
  // The body as UTF-8 bytes: g_mime_text_part_set_text would convert it to
  // a narrower charset (ISO-8859-1 for Danish) of GMime's choosing.
  GObjectPtr<GMimeStream> body_stream(g_mime_stream_mem_new_with_buffer(body.data(), body.size()));
  if (!body_stream) return invalid("GMime could not hold the body");
  GObjectPtr<GMimeDataWrapper> wrapper(g_mime_data_wrapper_new_with_stream(body_stream.get(), GMIME_CONTENT_ENCODING_DEFAULT));
  if (!wrapper) return invalid("GMime could not wrap the body");
  g_mime_part_set_content(GMIME_PART(part.get()), wrapper.get());
  g_mime_text_part_set_charset(part.get(), "utf-8");
  // 7-bit: any relay takes it, and long lines are wrapped by the encoding.
  GMimeContentEncoding encoding =
      g_mime_part_get_best_content_encoding(GMIME_PART(part.get()), GMIME_ENCODING_CONSTRAINT_7BIT);
  g_mime_part_set_content_encoding(GMIME_PART(part.get()), encoding);
  g_mime_message_set_mime_part(message.get(), GMIME_OBJECT(part.get()));

  std::unique_ptr<GMimeFormatOptions, FormatOptionsFree> options(g_mime_format_options_new());
  if (!options) return invalid("GMime could not create format options");
  g_mime_format_options_set_newline_format(options.get(), GMIME_NEWLINE_FORMAT_DOS);
  GObjectPtr<GMimeStream> stream(g_mime_stream_mem_new());
  if (!stream) return invalid("GMime could not create a memory stream");
  if (g_mime_object_write_to_stream(GMIME_OBJECT(message.get()), options.get(), stream.get()) < 0)
    return invalid("GMime could not write the message");
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  if (bytes == nullptr) return invalid("GMime wrote no message");
  std::string raw(reinterpret_cast<const char*>(bytes->data), bytes->len);

  // What SMTP requires of every line, checked on what will be sent.
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\0') return invalid("the message holds a NUL byte");
    if (raw[i] != '\n') continue;
    if (i == 0 || raw[i - 1] != '\r') return invalid("the message holds a bare line feed");
    if (i - 1 - line_start > kMaxLine) return invalid("the message holds a line longer than 998 octets");
    line_start = i + 1;
  }
  if (raw.size() - line_start > kMaxLine) return invalid("the message holds a line longer than 998 octets");
  return raw;
}

MailContent case_worker_summary(const SubmissionFacts& facts, std::string_view from, std::string_view to) {
  return facts_mail(facts, MailText::case_worker_subject, MailText::summary_body, from, to);
}

MailContent case_worker_full(const SubmissionFacts& facts,
                             const std::vector<std::pair<std::string, std::string>>& answers,
                             std::string_view from, std::string_view to) {
  MailContent mail = facts_mail(facts, MailText::case_worker_subject, MailText::full_intro, from, to);
  for (const auto& [label, value] : answers) {
    mail.body_text += clean_text(label, false);
    mail.body_text += ':';
    // A value of several lines is indented under its label, so that no
    // answer can pass for another label or for the texts around them.
    std::string text = clean_text(value, true);
    std::size_t start = 0;
    bool first = true;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      if (end > start) mail.body_text += first ? " " : "  ";
      mail.body_text.append(text, start, end - start);
      mail.body_text += '\n';
      first = false;
      start = end + 1;
    }
  }
  return mail;
}

MailContent citizen_confirmation(const SubmissionFacts& facts, std::string_view from, std::string_view to) {
  return facts_mail(facts, MailText::confirmation_subject, MailText::confirmation_body, from, to);
}

}  // namespace civic::delivery
