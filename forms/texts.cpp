#include "forms/texts.hpp"

#include "common/language_texts.hpp"

namespace civic::forms {

namespace {

using Entry = LanguageRow<Text>;

constexpr Entry kTexts[] = {
    {Text::required_marker, "(pakollinen)", "(obligatoriskt)", "(skal udfyldes)", "(required)"},
    {Text::send, "Lähetä", "Skicka", "Send", "Send"},
    {Text::choose, "Valitse", "Välj", "Vælg", "Choose"},
    {Text::error_summary_title, "Lomakkeessa on virheitä", "Formuläret innehåller fel", "Der er fejl i formularen",
     "There is a problem"},
    {Text::error_prefix, "Virhe:", "Fel:", "Fejl:", "Error:"},
    {Text::languages_nav, "Kieli", "Språk", "Sprog", "Language"},
    {Text::honeypot_label, "Jätä tämä kenttä tyhjäksi", "Lämna detta fält tomt", "Lad dette felt være tomt",
     "Leave this field empty"},
    {Text::file_limits, "Enintään {size}.", "Högst {size}.", "Højst {size}.", "At most {size}."},
    {Text::reattach_files,
     "Liitit tiedoston {files}. Liitä se uudelleen ennen lähettämistä: tiedostoja ei säilytetä, kun lomakkeessa on korjattavaa.",
     "Du bifogade {files}. Bifoga den igen innan du skickar: filer sparas inte när formuläret har fel.",
     "Du vedhæftede {files}. Vedhæft den igen, før du sender: filer gemmes ikke, når formularen har fejl.",
     "You attached {files}. Attach it again before sending: files are not kept while the form has errors."},
    {Text::any_image, "kuvat", "bilder", "billeder", "images"},
    {Text::file_types, "Sallitut tiedostotyypit: {types}.", "Tillåtna filtyper: {types}.",
     "Tilladte filtyper: {types}.", "Allowed file types: {types}."},

    {Text::required, "Tämä tieto on pakollinen.", "Uppgiften är obligatorisk.", "Feltet skal udfyldes.",
     "This field is required."},
    {Text::too_short, "Kirjoita vähintään {n} merkkiä.", "Skriv minst {n} tecken.", "Skriv mindst {n} tegn.",
     "Enter at least {n} characters."},
    {Text::too_long, "Kirjoita enintään {n} merkkiä.", "Skriv högst {n} tecken.", "Skriv højst {n} tegn.",
     "Enter at most {n} characters."},
    {Text::one_value, "Anna vain yksi arvo.", "Ange endast ett värde.", "Angiv kun én værdi.", "Give only one value."},
    {Text::control_chars, "Poista tekstistä ohjausmerkit.", "Ta bort styrtecknen ur texten.",
     "Fjern kontroltegnene fra teksten.", "Remove the control characters from the text."},
    {Text::not_email, "Anna sähköpostiosoite muodossa {example}.", "Ange e-postadressen i formen {example}.",
     "Angiv e-mailadressen som {example}.", "Enter an email address like {example}."},
    {Text::not_tel, "Anna puhelinnumero, esimerkiksi {example}.", "Ange ett telefonnummer, till exempel {example}.",
     "Angiv et telefonnummer, for eksempel {example}.", "Enter a telephone number, like {example}."},
    {Text::not_url, "Anna verkko-osoite, joka alkaa https://.", "Ange en webbadress som börjar med https://.",
     "Angiv en webadresse, der begynder med https://.", "Enter a web address starting with https://."},
    {Text::not_number, "Anna luku.", "Ange ett tal.", "Angiv et tal.", "Enter a number."},
    {Text::too_small, "Anna luku, joka on vähintään {min}.", "Ange ett tal som är minst {min}.",
     "Angiv et tal, der er mindst {min}.", "Enter a number that is {min} or more."},
    {Text::too_large, "Anna luku, joka on enintään {max}.", "Ange ett tal som är högst {max}.",
     "Angiv et tal, der er højst {max}.", "Enter a number that is {max} or less."},
    {Text::not_date, "Anna päivämäärä muodossa VVVV-KK-PP.", "Ange datumet i formen ÅÅÅÅ-MM-DD.",
     "Angiv datoen som ÅÅÅÅ-MM-DD.", "Enter a date as YYYY-MM-DD."},
    {Text::too_early, "Päivämäärän on oltava {min} tai myöhemmin.", "Datumet måste vara {min} eller senare.",
     "Datoen skal være {min} eller senere.", "The date must be {min} or later."},
    {Text::too_late, "Päivämäärän on oltava {max} tai aiemmin.", "Datumet måste vara {max} eller tidigare.",
     "Datoen skal være {max} eller tidligere.", "The date must be {max} or earlier."},
    {Text::not_option, "Valitse jokin vaihtoehdoista.", "Välj ett av alternativen.", "Vælg en af mulighederne.",
     "Choose one of the options."},
    {Text::pattern, "Tieto ei ole oikeassa muodossa.", "Uppgiften har fel format.", "Feltet har et forkert format.",
     "The value is not in the right format."},
    {Text::national_id_fi, "Anna kelvollinen henkilötunnus, esimerkiksi 131052-308T.",
     "Ange en giltig finsk personbeteckning, till exempel 131052-308T.",
     "Angiv et gyldigt finsk personnummer, for eksempel 131052-308T.",
     "Enter a valid Finnish personal identity code, like 131052-308T."},
    {Text::national_id_dk, "Anna kelvollinen tanskalainen CPR-numero, esimerkiksi 010203-1234.",
     "Ange ett giltigt danskt CPR-nummer, till exempel 010203-1234.",
     "Angiv et gyldigt CPR-nummer, for eksempel 010203-1234.", "Enter a valid Danish CPR number, like 010203-1234."},
    {Text::consent_required, "Hyväksy tämä lähettääksesi lomakkeen.", "Du måste godkänna detta för att skicka formuläret.",
     "Du skal acceptere dette for at sende formularen.", "You must agree to this to send the form."},
    {Text::file_too_large, "Tiedosto on liian suuri: enintään {size}.", "Filen är för stor: högst {size}.",
     "Filen er for stor: højst {size}.", "The file is too large: at most {size}."},
    {Text::file_type, "Tiedostotyyppi ei ole sallittu. Sallitut: {types}.", "Filtypen är inte tillåten. Tillåtna: {types}.",
     "Filtypen er ikke tilladt. Tilladte: {types}.", "This type of file is not allowed. Allowed: {types}."},
    {Text::one_file, "Valitse vain yksi tiedosto.", "Välj endast en fil.", "Vælg kun én fil.", "Choose only one file."},

    {Text::token_expired, "Lomake oli auki pitkään. Tarkista tiedot ja lähetä lomake uudelleen.",
     "Formuläret var öppet länge. Kontrollera uppgifterna och skicka formuläret igen.",
     "Formularen var åben længe. Kontroller oplysningerne og send formularen igen.",
     "The form was open for a long time. Check your answers and send the form again."},
    {Text::token_too_fast, "Lomake lähetettiin hyvin nopeasti. Tarkista tiedot ja lähetä lomake uudelleen.",
     "Formuläret skickades mycket snabbt. Kontrollera uppgifterna och skicka formuläret igen.",
     "Formularen blev sendt meget hurtigt. Kontroller oplysningerne og send formularen igen.",
     "The form was sent very quickly. Check your answers and send the form again."},
    {Text::token_missing, "Lomakkeen tarkiste puuttui tai oli virheellinen. Tarkista tiedot ja lähetä lomake uudelleen.",
     "Formulärets kontrollkod saknades eller var felaktig. Kontrollera uppgifterna och skicka formuläret igen.",
     "Formularens kontrolkode manglede eller var forkert. Kontroller oplysningerne og send formularen igen.",
     "The form's check code was missing or wrong. Check your answers and send the form again."},

    {Text::thank_you_title, "Kiitos, lomake on lähetetty", "Tack, formuläret har skickats", "Tak, formularen er sendt",
     "Thank you, the form has been sent"},
    {Text::thank_you_text, "Tunnisteesi on {receipt}. Mainitse se, jos otat yhteyttä asiaan liittyen.",
     "Ditt kvittonummer är {receipt}. Ange det om du kontaktar oss i ärendet.",
     "Dit kvitteringsnummer er {receipt}. Oplys det, hvis du kontakter os om sagen.",
     "Your receipt number is {receipt}. Quote it if you contact us about this."},
    {Text::receipt_label, "Tunniste", "Kvittonummer", "Kvitteringsnummer", "Receipt number"},
    {Text::refused_title, "Lomaketta ei voitu vastaanottaa", "Formuläret kunde inte tas emot",
     "Formularen kunne ikke modtages", "The form could not be accepted"},
    {Text::refused_text, "Lähetystä ei hyväksytty. Avaa lomake uudelleen ja yritä uudestaan.",
     "Inskickningen godkändes inte. Öppna formuläret på nytt och försök igen.",
     "Indsendelsen blev ikke godkendt. Åbn formularen igen og prøv igen.",
     "The submission was not accepted. Open the form again and try once more."},
    {Text::cross_site_text, "Lomake on lähetettävä tämän palvelun omalta sivulta.",
     "Formuläret måste skickas från tjänstens egen sida.", "Formularen skal sendes fra tjenestens egen side.",
     "The form must be sent from this service's own page."},
    {Text::not_found_title, "Lomaketta ei löydy", "Formuläret finns inte", "Formularen findes ikke",
     "Form not found"},
    {Text::not_found_text, "Tarkista osoite.", "Kontrollera adressen.", "Kontroller adressen.", "Check the address."},
    {Text::store_full_text, "Palvelu ei juuri nyt voi tallentaa lomakkeita. Tietojasi ei tallennettu; yritä myöhemmin uudelleen.",
     "Tjänsten kan inte spara formulär just nu. Dina uppgifter sparades inte; försök igen senare.",
     "Tjenesten kan ikke gemme formularer lige nu. Dine oplysninger blev ikke gemt; prøv igen senere.",
     "The service cannot store forms right now. Nothing was stored; please try again later."},
    {Text::daily_limit_text,
     "Tämä lomake on ottanut tänään vastaan niin monta lähetystä kuin se voi. Tietojasi ei tallennettu; lähetä lomake uudelleen huomenna.",
     "Formuläret har i dag tagit emot så många inlämningar som det kan. Dina uppgifter sparades inte; skicka formuläret igen i morgon.",
     "Formularen har i dag modtaget så mange indsendelser, som den kan. Dine oplysninger blev ikke gemt; send formularen igen i morgen.",
     "This form has taken as many submissions today as it can. Nothing was stored; please send the form again tomorrow."},
    {Text::draft_gone_text,
     "Tätä hakemusta ei ole enää tallessa: se on jo lähetetty (ehkä toisessa välilehdessä), tai sen voimassaolo on päättynyt. Mitään ei tallennettu nyt; tarkista saamasi kuittaus tai täytä lomake uudelleen.",
     "Den här ansökan finns inte längre sparad: den har redan skickats (kanske i en annan flik) eller har gått ut. Inget sparades nu; kontrollera kvittot du fick eller fyll i formuläret på nytt.",
     "Denne ansøgning er ikke længere gemt: den er allerede sendt (måske i en anden fane) eller er udløbet. Intet blev gemt nu; se den kvittering, du fik, eller udfyld formularen igen.",
     "This application is no longer kept: it was sent already (perhaps in another tab) or it has expired. Nothing was stored now; check the receipt you were given or fill in the form again."},
    {Text::too_large_text,
     "Lähetys oli suurempi kuin palvelu ottaa vastaan, joten mitään ei tallennettu. Liitä pienemmät tiedostot (koot näkyvät kenttien kohdalla) ja lähetä lomake uudelleen.",
     "Inlämningen var större än tjänsten tar emot, så ingenting sparades. Bifoga mindre filer (storlekarna står vid fälten) och skicka formuläret igen.",
     "Indsendelsen var større, end tjenesten modtager, så intet blev gemt. Vedhæft mindre filer (størrelserne står ved felterne), og send formularen igen.",
     "The submission was larger than this service takes, so nothing was stored. Attach smaller files (the sizes are shown at the fields) and send the form again."},
    {Text::server_error_text, "Palvelussa tapahtui virhe. Tietojasi ei tallennettu; yritä myöhemmin uudelleen.",
     "Ett fel inträffade i tjänsten. Dina uppgifter sparades inte; försök igen senare.",
     "Der opstod en fejl i tjenesten. Dine oplysninger blev ikke gemt; prøv igen senere.",
     "Something went wrong in the service. Nothing was stored; please try again later."},

    {Text::step_progress, "Vaihe {n}/{count}", "Steg {n} av {count}", "Trin {n} af {count}", "Step {n} of {count}"},
    {Text::continue_button, "Jatka", "Fortsätt", "Fortsæt", "Continue"},
    {Text::back_button, "Takaisin", "Tillbaka", "Tilbage", "Back"},
    {Text::save_later_button, "Tallenna ja jatka myöhemmin", "Spara och fortsätt senare", "Gem og fortsæt senere",
     "Save and continue later"},
    {Text::check_title, "Tarkista vastauksesi ennen lähettämistä", "Kontrollera dina svar innan du skickar",
     "Kontroller dine svar, før du sender", "Check your answers before sending"},
    {Text::change_link, "Muuta", "Ändra", "Ret", "Change"},
    {Text::not_answered, "Ei vastattu", "Inte besvarat", "Ikke besvaret", "Not answered"},
    {Text::yes, "Kyllä", "Ja", "Ja", "Yes"},
    {Text::no, "Ei", "Nej", "Nej", "No"},
    {Text::kept_files, "Liitetty: {files}.", "Bifogat: {files}.", "Vedhæftet: {files}.", "Attached: {files}."},
    {Text::replace_files, "Jos valitset uuden tiedoston, se korvaa liitetyn.", "Om du väljer en ny fil ersätter den den bifogade.",
     "Hvis du vælger en ny fil, erstatter den den vedhæftede.", "Choosing a new file replaces the attached one."},
    {Text::saved_title, "Vastauksesi on tallennettu", "Dina svar har sparats", "Dine svar er gemt", "Your answers are saved"},
    {Text::saved_text, "Voit jatkaa lomakkeen täyttämistä {date} asti tästä linkistä:",
     "Du kan fortsätta fylla i formuläret till och med {date} via den här länken:",
     "Du kan fortsætte med at udfylde formularen indtil {date} via dette link:",
     "You can go on filling in the form until {date} with this link:"},
    {Text::saved_warning, "Pidä linkki itselläsi: sen avulla näkee vastauksesi.",
     "Håll länken för dig själv: med den kan man se dina svar.", "Hold linket for dig selv: med det kan man se dine svar.",
     "Keep the link to yourself: anyone who has it can see your answers."},
    {Text::email_link_label, "Lähetä linkki sähköpostiosoitteeseen", "Skicka länken till e-postadressen",
     "Send linket til e-mailadressen", "Send the link to this email address"},
    {Text::email_link_button, "Lähetä linkki", "Skicka länken", "Send linket", "Send the link"},
    {Text::email_link_sent, "Linkki lähetettiin osoitteeseen {address}.", "Länken skickades till {address}.",
     "Linket blev sendt til {address}.", "The link was sent to {address}."},
    {Text::email_link_failed, "Linkkiä ei voitu lähettää juuri nyt. Kopioi linkki talteen yllä olevasta kohdasta.",
     "Länken kunde inte skickas just nu. Kopiera länken ovan.", "Linket kunne ikke sendes lige nu. Kopier linket ovenfor.",
     "The link could not be sent right now. Copy the link above instead."},
    {Text::email_link_subject, "Linkki keskeneräiseen lomakkeeseen: {form}", "Länk till ditt påbörjade formulär: {form}",
     "Link til din påbegyndte formular: {form}", "Link to your unfinished form: {form}"},
    {Text::email_link_body,
     "Jatka lomakkeen \"{form}\" täyttämistä {date} asti tästä linkistä:\n\n{link}\n\nJos et pyytänyt tätä viestiä, voit jättää sen huomiotta.",
     "Fortsätt fylla i formuläret \"{form}\" till och med {date} via länken:\n\n{link}\n\nOm du inte bad om detta meddelande kan du bortse från det.",
     "Fortsæt med at udfylde formularen \"{form}\" indtil {date} via linket:\n\n{link}\n\nHvis du ikke bad om denne besked, kan du se bort fra den.",
     "Go on filling in the form \"{form}\" until {date} with this link:\n\n{link}\n\nIf you did not ask for this message, you can ignore it."},
    {Text::draft_missing_title, "Vastauksia ei löytynyt", "Svaren hittades inte", "Svarene blev ikke fundet",
     "Your answers were not found"},
    {Text::draft_missing_text,
     "Tallennetut vastaukset ovat vanhentuneet tai lomake on jo lähetetty.",
     "De sparade svaren har gått ut eller så har formuläret redan skickats.",
     "De gemte svar er udløbet, eller formularen er allerede sendt.",
     "The saved answers have expired, or the form has been sent already."},
    {Text::start_again, "Aloita lomake alusta", "Börja om formuläret", "Start formularen forfra", "Start the form again"},
    {Text::too_many_drafts_text,
     "Palvelussa on juuri nyt liian monta keskeneräistä lomaketta. Yritä myöhemmin uudelleen.",
     "Tjänsten har just nu för många påbörjade formulär. Försök igen senare.",
     "Tjenesten har lige nu for mange påbegyndte formularer. Prøv igen senere.",
     "The service holds too many unfinished forms right now. Please try again later."},
    {Text::draft_too_large_text,
     "Vastauksesi ja liitteesi ovat yhteensä suurempia kuin palvelu voi säilyttää. Poista tai pienennä liitteitä.",
     "Dina svar och bilagor är tillsammans större än tjänsten kan spara. Ta bort eller förminska bilagor.",
     "Dine svar og bilag er tilsammen større, end tjenesten kan gemme. Fjern eller formindsk bilag.",
     "Your answers and files together are larger than the service can keep. Remove files or make them smaller."},
};

}  // namespace

std::string_view builtin_text(Text text, std::string_view lang) {
  for (const Entry& e : kTexts)
    if (e.key == text) return e.texts.in(lang);
  return {};
}

std::string_view language_name(std::string_view lang) {
  if (lang == "fi") return "suomi";
  if (lang == "sv") return "svenska";
  if (lang == "da") return "dansk";
  if (lang == "en") return "English";
  if (lang == "de") return "Deutsch";
  if (lang == "no" || lang == "nb") return "norsk";
  if (lang == "et") return "eesti";
  if (lang == "se") return "davvisámegiella";
  if (lang == "ru") return "русский";
  return lang;
}

std::string human_size(std::size_t bytes) {
  auto with_unit = [](std::size_t value, std::size_t unit, const char* name) {
    std::size_t whole = value / unit;
    std::size_t tenth = (value % unit) * 10 / unit;
    std::string s = std::to_string(whole);
    if (tenth != 0 && whole < 10) s += "." + std::to_string(tenth);
    return s + " " + name;
  };
  if (bytes >= (std::size_t{1} << 30)) return with_unit(bytes, std::size_t{1} << 30, "GB");
  if (bytes >= (std::size_t{1} << 20)) return with_unit(bytes, std::size_t{1} << 20, "MB");
  if (bytes >= 1024) return with_unit(bytes, 1024, "kB");
  return std::to_string(bytes) + " bytes";
}

std::string email_example(Country country, std::string_view lang) {
  // The name and the domain word in the page's language, the domain in the form's country.
  std::string_view name = lang == "fi" ? "nimi" : lang == "sv" ? "namn" : lang == "da" ? "navn" : "name";
  std::string_view word = lang == "fi" ? "esimerkki" : lang == "sv" ? "exempel" : lang == "da" ? "eksempel" : "example";
  std::string_view tld = country == Country::DK ? "dk" : country == Country::SE ? "se" : country == Country::NO ? "no" : "fi";
  return std::string(name) + "@" + std::string(word) + "." + std::string(tld);
}

std::string_view tel_example(Country country) {
  switch (country) {
    case Country::DK: return "+45 12 34 56 78";
    case Country::SE: return "+46 70 123 45 67";
    case Country::NO: return "+47 412 34 567";
    case Country::FI: break;
  }
  return "+358 40 123 4567";
}

}  // namespace civic::forms
