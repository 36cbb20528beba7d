#!/usr/bin/perl
# Multi-step forms as a citizen with JavaScript off walks them (issue 15):
# steps with Back and Continue, conditional steps and questions, the
# check-answers page with Change links, save and return across a restart,
# prefill from the address, the draft's limits, and a submission committed
# once however the browser's Back and reload are used.
use strict;
use warnings;
use utf8;
use FindBin;
use lib "$FindBin::Bin/lib";
use Encode qw(encode_utf8 decode_utf8);
use JSON::PP qw(decode_json encode_json);
use Test::More;
use Civic::Test;
use Civic::Browser;
use Civic::Forms qw(png_bytes);

my $permit = <<'END';
    civic_form permit {
        title fi "Tapahtumalupa";
        title sv "Evenemangstillstånd";
        title en "Event permit";
        languages en fi sv;
        receipt_prefix LUPA;
        honeypot website;
        min_fill_time 0;
        json_submissions on;
        check_answers on;
        save_and_return on ttl=30d;
        prefill name email from=query;

        step who   { title fi "Hakija"; title en "Applicant"; fields name email phone; }
        step what  { title fi "Tapahtuma"; title en "Event"; fields kind place date map; }
        step extra { title en "Festival"; fields alcohol alcohol_permit guards; show_if kind=festival; }

        field name text { required; max_length 100; label fi "Nimi"; label en "Name"; }
        field email email { required; label fi "Sähköposti"; label en "Email"; }
        field phone tel { label en "Phone"; }
        field kind radios {
            required;
            label en "Kind of event";
            option concert  fi "Konsertti" en "Concert";
            option festival fi "Festivaali" en "Festival";
            option market   fi "Tori" en "Market";
        }
        field place text { required; label en "Place"; }
        field date date { required; label en "Date"; }
        field map file { max_size 5k; accept image/png; label en "Map"; }
        field alcohol checkbox { label en "Alcohol is served"; }
        field alcohol_permit text { required_if alcohol; label en "Alcohol permit number"; }
        field guards number { required; min 1; max 200; label en "Guards"; }
    }
    civic_form small {
        title en "Small";
        languages en;
        min_fill_time 0;
        max_drafts 2;
        step one { fields a; }
        step two { fields b news; }
        field a text { required; label en "A"; }
        field b text { label en "B"; }
        field news checkbox { default yes; label en "Newsletter"; }
    }
    civic_form contact {
        title en "Contact";
        languages en;
        prefill name from=query;
        field name text { required; label en "Name"; }
        field topic select { default general; label en "Topic"; option general en "General"; option other en "Other"; }
    }
END

my $t = Civic::Test->new(http => encode_utf8(<<"END"));
    civic_store %%STORE%%;
$permit
    server {
        listen %%ADDR%%;
        location /forms/ { civic_forms; }
        location /admin/ { civic_admin; }
    }
END
$t->start;

sub drafts_of {
    my ($form) = @_;
    return decode_json($t->get('/admin/status')->{content})->{forms}{$form}{drafts};
}
sub html { decode_utf8($_[0]{content}) }

# --- A first visit, prefilled from the address --------------------------
my $b = Civic::Browser->new($t);
my $p = $b->get('/forms/permit?lang=en&name=%3Cb%3ELiisa%3C%2Fb%3E&email=not-an-address');
is($p->{status}, 200, 'the first step');
like(html($p), qr/Step 1 of 2/, 'progress counts the steps shown (the festival step is not)');
like(html($p), qr/<h2[^>]*>Applicant<\/h2>/, 'the step title');
like(html($p), qr/name="name" value="&lt;b&gt;Liisa&lt;\/b&gt;"/, 'prefilled from ?name=, escaped');
unlike(html($p), qr/name="email" value="not-an-address"/, 'an invalid prefill value is dropped');
unlike(html($p), qr/name="kind"/, 'questions of later steps are not on this page');
unlike(html($p), qr/value="back"/, 'no Back on the first step');
like(html($p), qr/value="save"/, 'Save and continue later');
is(drafts_of('permit'), 0, 'a visit alone keeps nothing');

# --- Continue with an error: the answers are kept -------------------------
$p = $b->submit(fields => [name => 'Liisa Virtanen', email => '', phone => ''], action => 'continue');
is($p->{status}, 422, 'a step with an error is shown again');
like(html($p), qr/class="civic-error-summary"/, 'with the error summary');
like(html($p), qr/<a href="#f-email">Email: This field is required\.<\/a>/, 'linking to the field');
like(html($p), qr/name="name" value="Liisa Virtanen"/, 'what was typed is kept');
like(html($p), qr/name="_draft" value="[A-Za-z0-9_-]+"/, 'the page now names its draft');
is(drafts_of('permit'), 1, 'the draft is stored');

# --- Continue: 303 to the next step --------------------------------------
$p = $b->submit(fields => [name => 'Liisa Virtanen', email => 'liisa@example.fi', phone => ''],
                action => 'continue');
my $redirect = $p->{redirected_from};
is($redirect->{status}, 303, 'Continue answers 303 (reload never posts again)');
like($redirect->{headers}{location}, qr/step=what/, 'to the next step');
like($redirect->{headers}{'set-cookie'}, qr/^civic_draft=[^;]+; Path=\/forms\/permit; HttpOnly; SameSite=Lax/,
     'the draft cookie is scoped to the form and not readable by scripts');
is($p->{status}, 200, 'the second step');
like(html($p), qr/Step 2 of 2/, 'progress');
like(html($p), qr/value="back"/, 'Back is offered');
my $step1_again = $b->get('/forms/permit?lang=en&step=who');
like(html($step1_again), qr/name="email" value="liisa\@example.fi"/, 'an earlier step shows its answers');
my $step1_page = $step1_again;
$p = $b->get('/forms/permit?lang=en&step=what');

# --- The event step, with a file ------------------------------------------
my $png = png_bytes();
$p = $b->submit(fields => [kind => 'festival', place => 'Kauppatori', date => '2027-06-12',
                           map => { filename => 'kartta.png', type => 'image/png', content => $png }],
                action => 'continue');
like($p->{redirected_from}{headers}{location}, qr/step=extra/, 'a festival leads to the festival step');
like(html($p), qr/Step 3 of 3/, 'which now counts');
like(html($p), qr/name="guards"/, 'with its questions');

# Back keeps what was typed without checking it.
$p = $b->submit(fields => [guards => '5000'], action => 'back');
like($p->{redirected_from}{headers}{location}, qr/step=what/, 'Back leads to the step before');
like(html($p), qr/value="festival"[^>]*checked/, 'the choice is kept');
like(html($p), qr/name="place" value="Kauppatori"/, 'the text is kept');
like(html($p), qr/Attached: kartta\.png/, 'the file uploaded on this step is kept');

# The browser's Back button: the first step's page, posted again with a change.
$p = $b->submit(page => $step1_page, fields => [name => 'Liisa V.', email => 'liisa@example.fi', phone => ''],
                action => 'continue');
like($p->{redirected_from}{headers}{location}, qr/step=what/, 're-posting an earlier step goes on from there');
is(drafts_of('permit'), 1, 'still one draft: nothing duplicated');
like(html($p), qr/Attached: kartta\.png/, 'the file survived going back');

# Continue without choosing the file again: it stays.
$p = $b->submit(fields => [kind => 'festival', place => 'Kauppatori', date => '2027-06-12'], action => 'continue');
like($p->{redirected_from}{headers}{location}, qr/step=extra/, 'on to the festival step');
like(html($p), qr/name="guards" value="5000"/, 'the value typed before Back is there');

$p = $b->submit(fields => [alcohol => 'yes', alcohol_permit => '', guards => '5000'], action => 'continue');
is($p->{status}, 422, 'checked on Continue');
like(html($p), qr/Guards: Enter a number that is 200 or less\./, 'the limit');
like(html($p), qr/Alcohol permit number: This field is required\./, 'required_if on an answered checkbox');
$p = $b->submit(fields => [alcohol => 'yes', alcohol_permit => 'A-123', guards => '20'], action => 'continue');
like($p->{redirected_from}{headers}{location}, qr/step=check/, 'the last step leads to the check page');

# --- Check your answers ----------------------------------------------------
like(html($p), qr/<h1>Check your answers before sending<\/h1>/, 'the check page');
for my $answer ('Liisa V.', 'liisa@example.fi', 'Festival', 'Kauppatori', '2027-06-12', 'kartta.png', 'A-123', '20', 'Yes') {
    like(html($p), qr/<dd class="civic-answer">\Q$answer\E<\/dd>/, "shows $answer");
}
like(html($p), qr/<dd class="civic-not-answered">Not answered<\/dd>/, 'an optional question left empty says so');
my ($change) = html($p) =~ m{<a href="([^"]*step=what[^"]*)" aria-label="Change Kind of event">Change</a>};
ok($change, 'a Change link to the step of each answer');
$change =~ s/&amp;/&/g;

# Change: the kind becomes a market; the festival step and its answers go.
$p = $b->get($change);
like(html($p), qr/name="_return" value="check"/, 'the step knows it returns to the check page');
$p = $b->submit(fields => [kind => 'market', place => 'Kauppatori', date => '2027-06-12'], action => 'continue');
like($p->{redirected_from}{headers}{location}, qr/step=check/, 'back to the check page');
unlike(html($p), qr/Guards|A-123/, 'questions of a step no longer shown are not listed');

# --- Submit, once ----------------------------------------------------------
my $check_page = $p;
$p = $b->submit(action => 'submit');
is($p->{status}, 201, 'sent');
my ($receipt) = html($p) =~ /id="civic-receipt">([^<]+)</;
like($receipt, qr/^LUPA-\d{4}-[A-Z0-9]+-000001$/, 'with a receipt');
like($p->{headers}{'set-cookie'}, qr/civic_draft=; .*Max-Age=0/, 'the draft cookie is cleared');
is(drafts_of('permit'), 0, 'the draft is gone with the commit');

$p = $b->submit(page => $check_page, action => 'submit');
is($p->{status}, 201, 'a reload of Submit is answered as before');
like(html($p), qr/\Q$receipt\E/, 'with the same receipt');
$p = $b->submit(page => $step1_page, fields => [name => 'X', email => 'x@example.fi'], action => 'continue');
is($p->{status}, 410, 'an old step of a sent form cannot bring the draft back');
like(html($p), qr/has been sent already/, 'and says why');

my $list = decode_json($t->get('/admin/forms/permit/submissions')->{content});
is(scalar @{ $list->{data} }, 1, 'one submission stored');
my $data = $list->{data}[0]{data};
is($data->{name}, 'Liisa V.', 'the changed answer');
is($data->{kind}, 'market', 'the last choice');
ok(!exists $data->{guards} && !exists $data->{alcohol_permit}, 'answers of a hidden step are not stored');
is($data->{map}[0]{filename} // $data->{map}{filename}, 'kartta.png', 'the file from the second step is stored');

# --- A hidden question posted anyway --------------------------------------
my $json = $t->post('/forms/permit', headers => { 'Content-Type' => 'application/json' },
                    content => encode_json({ name => 'Pekka', email => 'p@example.fi', kind => 'concert',
                                             place => 'Puisto', date => '2027-07-01', guards => 999,
                                             alcohol_permit => 'sneaked' }));
is($json->{status}, 201, 'a JSON client sends the whole form at once') or diag($json->{content});
my $second = decode_json($t->get('/admin/forms/permit/submissions')->{content})->{data}[1]{data};
ok(!exists $second->{guards} && !exists $second->{alcohol_permit}, 'a hidden question posted anyway is not stored');
$json = $t->post('/forms/permit', headers => { 'Content-Type' => 'application/json' },
                 content => encode_json({ name => 'Pekka', email => 'p@example.fi', kind => 'festival',
                                          place => 'Puisto', date => '2027-07-01' }));
is($json->{status}, 422, 'a shown step is validated for JSON clients too');
ok(decode_json($json->{content})->{errors}{guards}, 'naming the question of the festival step');

$b = Civic::Browser->new($t);
$b->get('/forms/permit?lang=en');
$p = $b->submit(fields => [name => 'Anna', email => 'anna@example.fi'], action => 'continue');
$p = $b->submit(fields => [kind => 'concert', place => 'Sali', date => '2027-08-01', guards => '999',
                           alcohol_permit => 'x'], action => 'continue');
like($p->{redirected_from}{headers}{location}, qr/step=check/, 'a concert skips the festival step');
$p = $b->submit(action => 'submit');
is($p->{status}, 201, 'sent');
my $third = decode_json($t->get('/admin/forms/permit/submissions')->{content})->{data}[2]{data};
ok(!exists $third->{guards}, 'a question of another step posted with this one is ignored');

# --- Save and return, across a restart -----------------------------------
$b = Civic::Browser->new($t);
$b->get('/forms/permit?lang=fi');
$p = $b->submit(fields => [name => 'Matti', email => 'matti@example.fi'], action => 'continue');
$p = $b->submit(fields => [kind => 'market', place => 'Tori'], action => 'save');
like($p->{redirected_from}{headers}{location}, qr/step=saved/, 'Save leads to the saved page');
like(html($p), qr/Vastauksesi on tallennettu/, 'in the page\'s language');
my ($link) = html($p) =~ /id="civic-resume-link">([^<]+)</;
like($link, qr{^http://127\.0\.0\.1:\d+/forms/permit\?lang=fi&amp;draft=[A-Za-z0-9_-]+$}, 'a resume link');
$link =~ s/&amp;/&/g;
like(html($p), qr/\d{4}-\d\d-\d\d asti/, 'and until when it works');
$t->stop;
$t->start;
my $later = Civic::Browser->new($t);   # another browser: no cookie
(my $path = $link) =~ s{^http://[^/]+}{};
$p = $later->get($path);
is($p->{status}, 200, 'the resume link works after a restart');
like(html($p), qr/name="place" value="Tori"/, 'on the step saved from, with its answers');
like(html($p), qr/value="market"[^>]*checked/, 'choices too');
ok($later->cookies->{civic_draft}, 'the browser gets the draft cookie');
$p = $later->submit(fields => [kind => 'market', place => 'Tori', date => '2027-09-09'], action => 'continue');
like($p->{redirected_from}{headers}{location}, qr/step=check/, 'and can go on');
like(html($p), qr/Matti/, 'with the answers of the first session');

# An unknown or forged resume link.
$p = Civic::Browser->new($t)->get('/forms/permit?lang=en&draft=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
is($p->{status}, 404, 'a forged resume link finds nothing');
like(html($p), qr/Start the form again/, 'and offers a new start');

# --- Without cookies: the address carries the draft -----------------------
my $nc = Civic::Browser->new($t, no_cookies => 1);
$nc->get('/forms/permit?lang=en');
$p = $nc->submit(fields => [name => 'Ei Keksejä', email => 'ei@example.fi'], action => 'continue');
like($p->{redirected_from}{headers}{location}, qr/step=what&draft=/, 'the redirect names the draft');
like(html($p), qr/Step 2 of 2/, 'and the next step has it');

# --- Erasure and verify --------------------------------------------------
my $drafts = decode_json($t->get('/admin/forms/permit/drafts')->{content});
my @ids = map { $_->{id} } @{ $drafts->{data} };
ok(@ids >= 2, 'the admin API lists drafts');
ok(!grep({ exists $_->{values} && ref $_->{values} } @{ $drafts->{data} }), 'without their answers');
my ($rc, $out, $err) = $t->civicctl('verify');
is($rc, 0, 'civicctl verify passes with drafts') or diag($out, $err);
for my $id (@ids) { is($t->delete("/admin/forms/permit/drafts/$id")->{status}, 204, 'a draft is erased by id') }
$p = Civic::Browser->new($t)->get($path);
is($p->{status}, 404, 'the resume link of an erased draft finds nothing');
is(drafts_of('permit'), 0, 'no drafts left');
my $export = $t->get('/admin/forms/permit/submissions.csv');
unlike($export->{content} // '', qr/Matti/, 'drafts are never in exports');

# --- Limits and abuse on every step ---------------------------------------
my @small = map { Civic::Browser->new($t) } 1 .. 3;
my @status;
for my $s (@small) {
    $s->get('/forms/small');
    push @status, $s->submit(fields => [a => 'x'], action => 'continue', follow => 0)->{status};
}
is_deeply(\@status, [303, 303, 503], 'max_drafts: the third draft is refused');
$p = $small[0]->get('/forms/small?step=two');
like(html($p), qr/name="news" value="yes" checked/, 'a later step shows its defaults the first time');
$p = $small[0]->submit(fields => [b => 'y'], action => 'back');
$p = $small[0]->get('/forms/small?step=two');
unlike(html($p), qr/name="news" value="yes" checked/, 'and what was answered after that (unticked stays unticked)');
$p = Civic::Browser->new($t)->get('/forms/contact?name=Liisa');
like(html($p), qr/name="name" value="Liisa"/, 'prefill works on a one-page form');
like(html($p), qr/<option value="general" selected>/, 'with the other fields\' defaults kept');
like(html($small[2]->page), qr/too many unfinished forms/, 'saying so');

$b = Civic::Browser->new($t);
$b->get('/forms/permit?lang=en');
$p = $b->submit(fields => [name => 'Bot', email => 'bot@example.fi', website => 'http://spam'], action => 'continue');
is($p->{status}, 400, 'the honeypot is on every step');
$b->get('/forms/permit?lang=en');
$p = $b->submit(fields => [name => 'No token', email => 'n@example.fi'], action => 'continue', drop => ['_token']);
is($p->{status}, 422, 'a step post without its token is refused');
like(html($p), qr/check code was missing/, 'with the form shown again');
my $evil = Civic::Browser->new($t, origin => 'https://evil.example');
$evil->get('/forms/permit?lang=en');
$p = $evil->submit(fields => [name => 'Evil', email => 'e@example.fi'], action => 'continue');
is($p->{status}, 403, 'a cross-site post of a step is refused');

# The schema states the steps and their conditions.
my $schema = decode_json($t->get('/forms/permit.json')->{content});
is_deeply([map { $_->{name} } @{ $schema->{steps} }], [qw(who what extra)], 'the schema lists the steps');
is($schema->{steps}[2]{show_if}{field}, 'kind', 'with the condition of a step');

done_testing;
