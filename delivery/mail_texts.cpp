#include "delivery/mail_texts.hpp"

#include "common/language_texts.hpp"

namespace civic::delivery {

namespace {

using Entry = LanguageRow<MailText>;

constexpr Entry kTexts[] = {
    {MailText::case_worker_subject, "Uusi lomakevastaus: {title}", "Nytt formulärsvar: {title}",
     "Ny formularbesvarelse: {title}", "New submission to {title}"},
    {MailText::summary_body,
     "Lomakkeella ”{title}” on lähetetty uusi vastaus.\n\n"
     "Tunniste: {receipt}\nVastaanotettu: {time}\n\n"
     "Tässä viestissä ei ole vastauksia. Hae vastaus hallintarajapinnasta:\n"
     "GET /admin/forms/{form}/submissions/{receipt}\n",
     "Ett nytt svar har skickats med formuläret ”{title}”.\n\n"
     "Kvittonummer: {receipt}\nMottaget: {time}\n\n"
     "Det här meddelandet innehåller inga svar. Hämta svaret via administrations-API:et:\n"
     "GET /admin/forms/{form}/submissions/{receipt}\n",
     "Der er indsendt en ny besvarelse af formularen »{title}«.\n\n"
     "Kvitteringsnummer: {receipt}\nModtaget: {time}\n\n"
     "Denne besked indeholder ingen svar. Hent besvarelsen via administrations-API'et:\n"
     "GET /admin/forms/{form}/submissions/{receipt}\n",
     "A new submission has arrived through the form \"{title}\".\n\n"
     "Receipt number: {receipt}\nReceived: {time}\n\n"
     "This message does not contain the answers. Fetch the submission from the admin API:\n"
     "GET /admin/forms/{form}/submissions/{receipt}\n"},
    {MailText::full_intro,
     "Lomakkeella ”{title}” on lähetetty uusi vastaus.\n\n"
     "Tunniste: {receipt}\nVastaanotettu: {time}\n\nVastaukset:\n\n",
     "Ett nytt svar har skickats med formuläret ”{title}”.\n\n"
     "Kvittonummer: {receipt}\nMottaget: {time}\n\nSvar:\n\n",
     "Der er indsendt en ny besvarelse af formularen »{title}«.\n\n"
     "Kvitteringsnummer: {receipt}\nModtaget: {time}\n\nSvar:\n\n",
     "A new submission has arrived through the form \"{title}\".\n\n"
     "Receipt number: {receipt}\nReceived: {time}\n\nAnswers:\n\n"},
    {MailText::confirmation_subject, "Lomakkeesi on vastaanotettu: {title}", "Vi har tagit emot ditt formulär: {title}",
     "Vi har modtaget din formular: {title}", "We have received your form: {title}"},
    {MailText::confirmation_body,
     "Kiitos! Olemme vastaanottaneet lähettämäsi lomakkeen ”{title}”.\n\n"
     "Tunniste: {receipt}\nVastaanotettu: {time}\n\n"
     "Mainitse tunniste, jos otat yhteyttä asiaan liittyen.\n\n"
     "Tämä viesti on lähetetty automaattisesti. Älä vastaa siihen.\n",
     "Tack! Vi har tagit emot formuläret ”{title}” som du skickade.\n\n"
     "Kvittonummer: {receipt}\nMottaget: {time}\n\n"
     "Ange kvittonumret om du kontaktar oss i ärendet.\n\n"
     "Det här meddelandet skickades automatiskt. Svara inte på det.\n",
     "Tak! Vi har modtaget formularen »{title}«, som du har sendt.\n\n"
     "Kvitteringsnummer: {receipt}\nModtaget: {time}\n\n"
     "Oplys kvitteringsnummeret, hvis du kontakter os om sagen.\n\n"
     "Denne besked er sendt automatisk. Du kan ikke svare på den.\n",
     "Thank you. We have received the form \"{title}\" that you sent.\n\n"
     "Receipt number: {receipt}\nReceived: {time}\n\n"
     "Please quote the receipt number if you contact us about this.\n\n"
     "This message was sent automatically. Please do not reply to it.\n"},
};

}  // namespace

std::string_view mail_text(MailText text, std::string_view lang) {
  for (const Entry& e : kTexts)
    if (e.key == text) return e.texts.in(lang);
  return {};
}

std::string file_answer(std::string_view name, std::string_view type, std::uint64_t size) {
  // SI symbols read the same in all four languages.
  std::string amount;
  if (size < 10'000) {
    amount = std::to_string(size) + " B";
  } else if (size < 10'000'000) {
    amount = std::to_string((size + 999) / 1000) + " kB";
  } else {
    amount = std::to_string((size + 999'999) / 1'000'000) + " MB";
  }
  std::string out(name);
  out += " (";
  out += type.empty() ? std::string_view("application/octet-stream") : type;
  out += ", " + amount + ")";
  return out;
}

}  // namespace civic::delivery
