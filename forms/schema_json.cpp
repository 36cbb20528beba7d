#include "forms/schema_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace civic::forms {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void key(Writer& w, std::string_view s) { w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

void texts(Writer& w, std::string_view name, const LocalText& t) {
  key(w, name);
  w.StartObject();
  for (const auto& [lang, text] : t.all()) {
    key(w, lang);
    str(w, text);
  }
  w.EndObject();
}

// {"field", "op", "values"}; a condition on one value also keeps "value",
// the shape before conditions took several (docs/forms.md shows it).
void condition_object(Writer& w, const Condition& c) {
  w.StartObject();
  key(w, "field");
  str(w, c.field);
  key(w, "op");
  str(w, c.op == ConditionOp::equals ? "equals" : c.op == ConditionOp::not_equals ? "not_equals" : "answered");
  key(w, "values");
  w.StartArray();
  for (const std::string& v : c.values) str(w, v);
  w.EndArray();
  if (c.op == ConditionOp::equals && c.values.size() == 1) {
    key(w, "value");
    str(w, c.values.front());
  }
  w.EndObject();
}

void condition(Writer& w, std::string_view name, const std::optional<Condition>& c) {
  if (!c) return;
  key(w, name);
  condition_object(w, *c);
}

void field(Writer& w, const Field& f) {
  w.StartObject();
  key(w, "name");
  str(w, f.name);
  key(w, "type");
  str(w, type_name(f.type));
  key(w, "required");
  w.Bool(f.required);
  condition(w, "required_if", f.required_if);
  condition(w, "show_if", f.show_if);
  texts(w, "label", f.label);
  texts(w, "help", f.help);
  if (f.min_length) {
    key(w, "min_length");
    w.Uint64(*f.min_length);
  }
  if (f.max_length && f.type != FieldType::number && f.type != FieldType::date && !f.has_options() && !f.is_flag() &&
      f.type != FieldType::file && f.type != FieldType::national_id) {
    key(w, "max_length");
    w.Uint64(*f.max_length);
  }
  if (f.min_number) {
    key(w, "min");
    w.Double(*f.min_number);
  }
  if (f.max_number) {
    key(w, "max");
    w.Double(*f.max_number);
  }
  if (f.min_date) {
    key(w, "min");
    str(w, *f.min_date);
  }
  if (f.max_date) {
    key(w, "max");
    str(w, *f.max_date);
  }
  if (f.pattern) {
    key(w, "pattern");
    str(w, f.pattern->source());
    texts(w, "pattern_message", f.pattern_message);
  }
  if (f.has_options()) {
    key(w, "options");
    w.StartArray();
    for (const Option& o : f.options) {
      w.StartObject();
      key(w, "value");
      str(w, o.value);
      texts(w, "label", o.label);
      w.EndObject();
    }
    w.EndArray();
  }
  if (f.type == FieldType::select || f.type == FieldType::file) {
    key(w, "multiple");
    w.Bool(f.multiple);
  }
  if (f.type == FieldType::file) {
    key(w, "max_size");
    w.Uint64(f.max_size);
    key(w, "accept");
    w.StartArray();
    for (const std::string& a : f.accept) str(w, a);
    w.EndArray();
  }
  if (f.type == FieldType::national_id) {
    key(w, "country");
    str(w, f.country == Country::FI ? "FI" : "DK");
  }
  if (!f.defaults.empty()) {
    key(w, "default");
    if (f.many_values()) {
      w.StartArray();
      for (const std::string& d : f.defaults) str(w, d);
      w.EndArray();
    } else if (f.is_flag()) {
      w.Bool(true);
    } else {
      str(w, f.defaults.front());
    }
  }
  w.EndObject();
}

}  // namespace

std::string render_schema_json(const Form& form, std::string_view form_url, std::string_view token) {
  rapidjson::StringBuffer out;
  Writer w(out);
  w.StartObject();
  key(w, "name");
  str(w, form.name);
  texts(w, "title", form.title);
  texts(w, "description", form.description);
  key(w, "languages");
  w.StartArray();
  for (const std::string& l : form.languages) str(w, l);
  w.EndArray();
  key(w, "fields");
  w.StartArray();
  for (const Field& f : form.fields) field(w, f);
  w.EndArray();
  if (form.multi_step()) {
    key(w, "steps");
    w.StartArray();
    for (const Step& s : form.steps) {
      w.StartObject();
      key(w, "name");
      str(w, s.name);
      texts(w, "title", s.title);
      key(w, "fields");
      w.StartArray();
      for (const std::string& f : s.fields) str(w, f);
      w.EndArray();
      condition(w, "show_if", s.show_if);
      w.EndObject();
    }
    w.EndArray();
  }
  key(w, "check_answers");
  w.Bool(form.check_answers);
  key(w, "save_and_return");
  w.Bool(form.save_and_return);
  key(w, "submit");
  w.StartObject();
  key(w, "method");
  str(w, "POST");
  key(w, "url");
  str(w, form_url);
  key(w, "content_types");
  w.StartArray();
  if (form.json_submissions != JsonSubmissions::off) str(w, "application/json");
  str(w, "application/x-www-form-urlencoded");
  str(w, "multipart/form-data");
  w.EndArray();
  key(w, "json_token");  // whether a JSON post must carry the token
  w.Bool(form.json_submissions == JsonSubmissions::token);
  key(w, "token_field");
  str(w, kTokenField);
  key(w, "token");
  str(w, token);
  key(w, "min_fill_time");
  w.Int64(form.min_fill_seconds);
  key(w, "token_lifetime");
  w.Int64(form.token_lifetime_seconds);
  if (!form.honeypot.empty()) {
    key(w, "honeypot");
    str(w, form.honeypot);
  }
  w.EndObject();
  key(w, "confirm");
  w.StartObject();
  key(w, "type");
  str(w, form.confirm == ConfirmKind::redirect ? "redirect" : "message");
  if (form.confirm == ConfirmKind::redirect) {
    key(w, "url");
    str(w, form.confirm_url);
  }
  w.EndObject();
  w.EndObject();
  return std::string(out.GetString(), out.GetSize());
}

}  // namespace civic::forms
